"""tools/drift: a check-mode run of the fleet that reports exactly the planted drift, and writes nothing."""

import json
import subprocess

import pytest

import fusion_testlib
from fusion_testlib import REPO

SANDBOX = REPO / "inventories" / "sandbox"
pytestmark = [pytest.mark.emulator, pytest.mark.slow]


@pytest.fixture
def fleet(playbook, aws):
    """The sandbox's shared infrastructure and every org provisioned for real; recorder restarted."""
    shared = playbook("shared.yml", extra_vars={"aws_endpoint_url": aws.url}, inventory=SANDBOX, json_output=False)
    assert shared.rc == 0, shared.output
    orgs = playbook("provision.yml", extra_vars={"aws_endpoint_url": aws.url, "org": "orgs"}, inventory=SANDBOX,
                    json_output=False)
    assert orgs.rc == 0, orgs.output
    aws.reset_recording()


def drift(aws, tmp_path):
    jsonl = tmp_path / "drift.jsonl"
    proc = subprocess.run([str(REPO / "tools" / "drift"), "-i", str(SANDBOX), "--jsonl", str(jsonl),
                           "-e", "aws_endpoint_url=%s" % aws.url],
                          env=fusion_testlib.aws_env(aws.url), capture_output=True, text=True, timeout=900, check=False)
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()] if jsonl.exists() else []
    return proc, rows


def test_a_clean_fleet_has_no_drift_exit_0_and_no_write(fleet, aws, tmp_path):
    proc, rows = drift(aws, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert rows == []
    assert proc.stdout.splitlines()[0].split() == ["ORG", "PLAYBOOK", "RESOURCE", "WHAT", "DIFFERS"]
    assert aws.writes() == []


def test_planted_drift_gives_exactly_its_rows_and_exit_2_without_writing(fleet, aws, boto, tmp_path):
    boto("iam").create_login_profile(UserName="rms_xmsqa1", Password="Console-Login-1!")
    boto("s3").delete_public_access_block(Bucket="fusion-rms-xmsqa2")
    aws.reset_recording()
    proc, rows = drift(aws, tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert sorted((row["org"], row["playbook"], row["resource"], tuple(row["differs"])) for row in rows) == [
        ("xmsqa1", "provision.yml", "IAM user rms_xmsqa1", ("login_profile",)),
        ("xmsqa2", "provision.yml", "s3://fusion-rms-xmsqa2", ("public_access_block",)),
    ]
    assert "IAM user rms_xmsqa1" in proc.stdout and "login_profile" in proc.stdout
    assert aws.writes() == []


def test_a_run_that_fails_is_an_error_exit_1(aws):
    bad = subprocess.run([str(REPO / "tools" / "drift"), "-i", str(SANDBOX), "-e", "org=nosuchorg"],
                         env=fusion_testlib.aws_env(aws.url), capture_output=True, text=True, timeout=900, check=False)
    assert bad.returncode == 1
    assert "ERROR" in bad.stdout
