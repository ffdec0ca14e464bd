"""Read-back of every resource after one real provision.yml run for two orgs.

One run serves every test of this file (a module-scoped state on this process's emulator), so the
tests here only read; none of them may use the ``aws``/``boto`` fixtures, which empty the emulator.
"""

import json

import pytest

import fusion_testlib
from fusion_testlib import ACCOUNT_ID, REPO

ORGS = ("xmsqa1", "xmsqa2")


@pytest.fixture(scope="module")
def state(emulator):
    emulator.reset()
    result = fusion_testlib.run_playbook(
        "provision.yml", emulator.url, inventory=REPO / "inventories" / "sandbox",
        extra_vars={"org": ",".join(ORGS), "aws_endpoint_url": emulator.url})
    assert result.rc == 0, result.output
    yield result
    emulator.reset()


@pytest.fixture(scope="module")
def client(state, emulator):
    return lambda service: fusion_testlib.boto3_client(emulator.url, service)


def tags_of(items):
    return dict((item["Key"], item["Value"]) for item in items)


@pytest.mark.parametrize("org", ORGS)
def test_iam_user_carries_only_the_org_tag(client, org):
    assert tags_of(client("iam").list_user_tags(UserName="rms_" + org)["Tags"]) == {"OrgId": org}


@pytest.mark.parametrize("org", ORGS)
def test_iam_user_has_no_policies(client, org):
    iam = client("iam")
    assert iam.list_attached_user_policies(UserName="rms_" + org)["AttachedPolicies"] == []
    assert iam.list_user_policies(UserName="rms_" + org)["PolicyNames"] == []


@pytest.mark.parametrize("org", ORGS)
def test_iam_user_has_no_login_profile_and_no_key(client, org):
    iam = client("iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="rms_" + org)
    assert iam.list_access_keys(UserName="rms_" + org)["AccessKeyMetadata"] == []


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("purpose", ["db-login", "rabbitmq"])
def test_secret_exists_at_the_convention_path_with_the_org_tag(client, org, purpose):
    sm = client("secretsmanager")
    info = sm.describe_secret(SecretId="fusion-pos/qa/%s/%s" % (org, purpose))
    assert tags_of(info["Tags"])["OrgId"] == org
    assert len(sm.get_secret_value(SecretId=info["Name"])["SecretString"]) == 32


def test_summary_names_what_is_in_use_and_the_manual_checklist(state):
    matches = [res for task, res in state.task_results("xmsqa1") if task == "Result of the org"]
    msg = "\n".join(matches[0]["msg"])
    assert "IAM user: rms_xmsqa1" in msg
    assert "secrets: fusion-pos/qa/xmsqa1/db-login, fusion-pos/qa/xmsqa1/rabbitmq" in msg
    assert "Authorization server: Create New organization, ID xmsqa1" in msg
    assert "Licence activation" in msg
    assert "S3 bucket: fusion-rms-xmsqa1" in msg


@pytest.mark.parametrize("org", ORGS)
def test_bucket_is_tagged_and_public_only_by_policy(client, org):
    s3 = client("s3")
    bucket = "fusion-rms-" + org
    assert tags_of(s3.get_bucket_tagging(Bucket=bucket)["TagSet"])["OrgId"] == org
    pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert pab == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                   "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.head_object(Bucket=bucket, Key="pub/")


@pytest.mark.parametrize("org", ORGS)
def test_bucket_policy_grants_the_org_user_of_the_callers_account(client, org):
    policy = json.loads(client("s3").get_bucket_policy(Bucket="fusion-rms-" + org)["Policy"])
    by_sid = dict((item["Sid"], item) for item in policy["Statement"])
    bucket_arn = "arn:aws:s3:::fusion-rms-" + org
    user = {"AWS": "arn:aws:iam::%s:user/rms_%s" % (ACCOUNT_ID, org)}
    assert by_sid["FusionPublicReadPub"]["Resource"] == bucket_arn + "/pub/*"
    assert by_sid["FusionPublicReadPub"]["Principal"] in ("*", {"AWS": "*"})
    assert by_sid["FusionOrgUserObjects"]["Principal"] == user
    assert sorted(by_sid["FusionOrgUserObjects"]["Action"]) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    assert by_sid["FusionOrgUserList"]["Principal"] == user
    assert by_sid["FusionOrgUserList"]["Resource"] == bucket_arn
