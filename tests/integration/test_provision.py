"""End to end: ``ansible-playbook provision.yml -e org=...`` against the emulator.

The read-back of every resource after one real run is in test_provision_readback.py.
"""

import json

import pytest

from fusion_testlib import OTHER_ACCOUNT_ID

TWO_ORGS = "xmsqa1,xmsqa2"


def summary(result, org):
    """The summary lines the org's result task printed."""
    return result.org_result(org)["msg"]


@pytest.fixture
def provisioned(provision, aws):
    """Two orgs provisioned for real, the recorder restarted afterwards."""
    result = provision(TWO_ORGS)
    assert result.rc == 0, result.output
    aws.reset_recording()
    return result


def test_dry_run_on_an_empty_account_reports_every_step_changed_without_writing(provision, aws):
    result = provision(TWO_ORGS, check=True)
    assert result.rc == 0, result.output
    steps = ["iam", "bucket", "secrets"]
    for org in ("xmsqa1", "xmsqa2"):
        assert [result.org_step(name, org)["changed"] for name in steps] == [True] * len(steps)
        assert result.org_result(org)["changed"] is True
    assert aws.writes() == []


def test_dry_run_summary_says_nothing_was_changed(provision):
    result = provision("xmsqa1", check=True)
    msg = summary(result, "xmsqa1")
    assert "CHECK MODE: nothing was changed" in msg[0]
    changed = [line for line in msg if line.startswith("changed: ")]
    assert len(changed) == 1
    assert "IAM user (user)" in changed[0] and "secret fusion-pos/qa/xmsqa1/db-login" in changed[0]


def test_caller_identity_is_read_once_per_run_for_all_orgs(provision, aws):
    result = provision(TWO_ORGS)
    assert result.rc == 0, result.output
    sts = [call.action for call in aws.calls() if call.service == "sts"]
    assert sts == ["GetCallerIdentity"]


def test_second_run_changes_nothing_and_writes_nothing(provisioned, provision, aws):
    result = provision(TWO_ORGS)
    assert result.rc == 0, result.output
    assert [result.changed(org) for org in ("xmsqa1", "xmsqa2")] == [0, 0]
    assert aws.writes() == []


def test_dry_run_on_provisioned_orgs_changes_nothing_and_writes_nothing(provisioned, provision, aws):
    result = provision(TWO_ORGS, check=True, diff=True)
    assert result.rc == 0, result.output
    assert [result.changed(org) for org in ("xmsqa1", "xmsqa2")] == [0, 0]
    assert aws.writes() == []


def test_group_run_provisions_every_org_of_the_inventory_at_once(provision, boto, aws):
    result = provision("orgs")
    assert result.rc == 0, result.output
    users = sorted(user["UserName"] for user in boto("iam").list_users()["Users"])
    assert users == ["rms_xmsdev1", "rms_xmsqa1", "rms_xmsqa2"]
    aws.reset_recording()
    again = provision("orgs")
    assert again.rc == 0, again.output
    assert [again.changed(org) for org in ("xmsdev1", "xmsqa1", "xmsqa2")] == [0, 0, 0]
    assert aws.writes() == []


def test_opt_in_access_key_goes_to_the_password_manager_only(provision, boto):
    result = provision("xmsdev1")
    assert result.rc == 0, result.output
    keys = boto("iam").list_access_keys(UserName="rms_xmsdev1")["AccessKeyMetadata"]
    assert len(keys) == 1
    stored = json.loads(boto("secretsmanager").get_secret_value(
        SecretId="fusion-pos/dev/xmsdev1/iam-access-key")["SecretString"])
    assert stored["AccessKeyId"] == keys[0]["AccessKeyId"]
    assert stored["SecretAccessKey"] not in result.output
    assert result.org_step("iam", "xmsdev1")["access_key_secret"]["name"] == "fusion-pos/dev/xmsdev1/iam-access-key"


def test_repeated_run_does_not_add_a_second_access_key(provision, boto, aws):
    assert provision("xmsdev1").rc == 0
    aws.reset_recording()
    result = provision("xmsdev1")
    assert result.rc == 0, result.output
    assert len(boto("iam").list_access_keys(UserName="rms_xmsdev1")["AccessKeyMetadata"]) == 1
    assert aws.writes() == []


def test_an_org_repaired_by_hand_is_put_back_by_the_next_run(provisioned, provision, boto):
    iam = boto("iam")
    iam.create_login_profile(UserName="rms_xmsqa1", Password="Console-Login-1!")
    iam.put_user_policy(UserName="rms_xmsqa1", PolicyName="drift", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    result = provision("xmsqa1")
    assert result.rc == 0, result.output
    assert result.org_step("iam", "xmsqa1")["changes"] == ["login_profile", "inline_policies"]
    assert iam.list_user_policies(UserName="rms_xmsqa1")["PolicyNames"] == []


def test_taken_bucket_name_gives_a_reported_fallback_that_the_policy_follows(provision, boto):
    boto("s3", account=OTHER_ACCOUNT_ID).create_bucket(Bucket="fusion-rms-xmsqa1")
    result = provision("xmsqa1")
    assert result.rc == 0, result.output
    bucket = result.org_step("bucket", "xmsqa1")["bucket"]
    assert bucket.startswith("fusion-rms-xmsqa1-")
    policy = json.loads(boto("s3").get_bucket_policy(Bucket=bucket)["Policy"])
    assert {item["Resource"] for item in policy["Statement"] if item["Sid"] == "FusionOrgUserList"} == \
        {"arn:aws:s3:::" + bucket}
    lines = summary(result, "xmsqa1")
    assert "S3 bucket: %s (FALLBACK name: fusion-rms-xmsqa1 belongs to someone else)" % bucket in lines
