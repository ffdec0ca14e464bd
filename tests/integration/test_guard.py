"""The guards of docs/specification.md section 6: each refusal is one clear message and no AWS write."""

import shutil

import pytest

import fusion_testlib
from fusion_testlib import ACCOUNT_ID, REPO


@pytest.fixture
def inventories(tmp_path):
    """A copy of the repository's inventories to change (``inventories / "sandbox"`` is the -i)."""
    root = tmp_path / "inventories"
    shutil.copytree(REPO / "inventories", root)
    return root


@pytest.fixture
def root_caller(tmp_path):
    """A second emulator whose caller identity is the account root."""
    emu = fusion_testlib.Emulator(tmp_path / "root-emulator", extra_env={"FUSION_EMULATOR_ROOT_CALLER": "1"})
    emu.reset()
    yield emu
    emu.stop()


def provision(url, org, inventory=REPO / "inventories" / "sandbox", **extra):
    variables = {"org": org, "aws_endpoint_url": url}
    variables.update(extra)
    return fusion_testlib.run_playbook("provision.yml", url, inventory=inventory, extra_vars=variables)


def test_account_root_identity_is_refused(root_caller):
    result = provision(root_caller.url, "xmsqa1")
    assert result.rc != 0
    assert "refusing to run as the root identity of account %s" % ACCOUNT_ID in result.output
    assert root_caller.writes() == []


def test_qa_org_is_refused_in_the_production_account(aws):
    result = provision(aws.url, "xmsqa1", fusion_production_account_id=ACCOUNT_ID)
    assert result.rc != 0
    assert "environment qa never lives in the POS Production account %s" % ACCOUNT_ID in result.output
    assert aws.writes() == []


def test_staging_org_is_refused_outside_the_production_account(aws):
    # The production inventory declares its placeholder account; the caller is the emulator's.
    result = provision(aws.url, "xmsstg1", inventory=REPO / "inventories" / "production",
                       fusion_account_id=ACCOUNT_ID)
    assert result.rc != 0
    assert "environment staging lives only in the POS Production account" in result.output
    assert aws.writes() == []


def test_caller_outside_the_declared_account_is_refused(aws):
    result = provision(aws.url, "xmsqa1", fusion_account_id=fusion_testlib.OTHER_ACCOUNT_ID)
    assert result.rc != 0
    assert ("is in account %s but the inventory declares account %s"
            % (ACCOUNT_ID, fusion_testlib.OTHER_ACCOUNT_ID)) in result.output
    assert aws.writes() == []


def test_real_qa_inventory_never_reaches_the_emulators_account(aws):
    # inventories/qa declares an account that is not the emulator's: the guard stops the run.
    result = provision(aws.url, "xmsqa1", inventory=REPO / "inventories" / "qa", aws_endpoint_url="")
    assert result.rc != 0
    assert "but the inventory declares account 000000000000" in result.output
    assert aws.writes() == []


def test_unknown_org_is_refused(aws):
    result = provision(aws.url, "nosuchorg")
    assert result.rc != 0
    assert "unknown org 'nosuchorg'" in result.output
    assert aws.calls() == []


def test_org_of_another_environment_inventory_is_refused(aws):
    result = provision(aws.url, "xmsstg1")
    assert result.rc != 0
    assert "org xmsstg1 is declared in inventory production, not in the inventory of this run" in result.output
    assert aws.calls() == []


def test_org_declared_in_two_environments_is_refused(aws, inventories):
    (inventories / "production" / "xmsqa1.yml").write_text(
        "orgs:\n  hosts:\n    xmsqa1:\n      org_site_title: Twin\n      fusion_environment: staging\n")
    result = provision(aws.url, "xmsqa1", inventory=inventories / "qa")
    assert result.rc != 0
    assert "org xmsqa1 is declared in more than one environment inventory" in result.output
    assert aws.calls() == []


def test_guard_reads_only_the_caller_identity(aws):
    result = fusion_testlib.run_playbook(fusion_testlib.module_play([{
        "name": "guard", "register": "guard",
        "fusion.pos.fusion_account_guard": {"environments": ["qa", "dev"], "account_id": ACCOUNT_ID,
                                            "production_account_id": fusion_testlib.OTHER_ACCOUNT_ID}}]), aws.url)
    assert result.rc == 0, result.output
    guard = result.result("guard")
    assert (guard["account_id"], guard["partition"], guard["changed"]) == (ACCOUNT_ID, "aws", False)
    assert [(call.service, call.action) for call in aws.calls()] == [("sts", "GetCallerIdentity")]
