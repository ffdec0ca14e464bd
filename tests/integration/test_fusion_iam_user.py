"""fusion.pos.fusion_iam_user against the emulator."""

import json

import pytest

from fusion_testlib import module_play

USER = "rms_xmsqa1"
POLICY = json.dumps({"Version": "2012-10-17",
                     "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})


@pytest.fixture
def iam_user(playbook):
    """``iam_user(check=False, diff=False, **options)``: one fusion_iam_user task, its result."""
    def run(check=False, diff=False, expect_failure=False, **options):
        options.setdefault("org", "xmsqa1")
        result = playbook(module_play([{"name": "user", "fusion.pos.fusion_iam_user": options,
                                        "register": "user"}]), check=check, diff=diff)
        assert result.rc == 0 or expect_failure, result.output
        return result
    return run


@pytest.fixture
def iam(boto):
    return boto("iam")


@pytest.fixture
def drifted_user(iam, aws):
    """rms_xmsqa1 with a console login, an attached and an inline policy and a foreign tag."""
    iam.create_user(UserName=USER, Tags=[{"Key": "OrgId", "Value": "xmsqa1"}, {"Key": "Team", "Value": "pos"}])
    iam.create_login_profile(UserName=USER, Password="Console-Login-1!")
    arn = iam.create_policy(PolicyName="extra", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=USER, PolicyArn=arn)
    iam.put_user_policy(UserName=USER, PolicyName="inline", PolicyDocument=POLICY)
    aws.reset_recording()
    return arn


def tags(iam):
    return dict((item["Key"], item["Value"]) for item in iam.list_user_tags(UserName=USER)["Tags"])


def test_creates_the_user_with_the_org_tag(iam_user, iam):
    result = iam_user().result("user")
    assert (result["changed"], result["user_name"], result["changes"]) == (True, USER, ["user"])
    assert result["user_arn"].endswith(":user/" + USER)
    assert tags(iam) == {"OrgId": "xmsqa1"}


def test_second_run_is_unchanged_without_writes(iam_user, aws):
    iam_user()
    aws.reset_recording()
    assert iam_user().result("user")["changed"] is False
    assert aws.writes() == []


def test_check_mode_reports_the_creation_without_writing(iam_user, aws, iam):
    result = iam_user(check=True, diff=True).result("user")
    assert result["changed"] is True
    assert result["diff"]["before"]["user"] is False and result["diff"]["after"]["user"] is True
    assert aws.writes() == []
    assert iam.list_users()["Users"] == []


def test_check_mode_reports_drift_without_writing(iam_user, drifted_user, aws):
    result = iam_user(check=True).result("user")
    assert result["changes"] == ["login_profile", "attached_policies", "inline_policies"]
    assert aws.writes() == []


def test_removes_login_profile_and_policies_and_keeps_foreign_tags(iam_user, drifted_user, iam):
    result = iam_user(diff=True).result("user")
    assert result["diff"]["before"]["attached_policies"] == [drifted_user]
    assert result["diff"]["after"]["inline_policies"] == []
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName=USER)
    assert iam.list_attached_user_policies(UserName=USER)["AttachedPolicies"] == []
    assert iam.list_user_policies(UserName=USER)["PolicyNames"] == []
    assert tags(iam) == {"OrgId": "xmsqa1", "Team": "pos"}


def test_purge_tags_leaves_only_the_org_tag_and_the_given_ones(iam_user, drifted_user, iam):
    iam_user(purge_tags=True, tags={"CostCentre": "42"})
    assert tags(iam) == {"OrgId": "xmsqa1", "CostCentre": "42"}


def test_wrong_org_tag_is_corrected(iam_user, iam):
    iam.create_user(UserName=USER, Tags=[{"Key": "OrgId", "Value": "someone"}])
    assert iam_user().result("user")["changes"] == ["tags"]
    assert tags(iam) == {"OrgId": "xmsqa1"}


def test_access_key_is_stored_and_never_returned(iam_user, iam, boto):
    run = iam_user(create_access_key=True, environment="qa")
    result = run.result("user")
    key = iam.list_access_keys(UserName=USER)["AccessKeyMetadata"][0]["AccessKeyId"]
    stored = json.loads(boto("secretsmanager").get_secret_value(
        SecretId="fusion-pos/qa/xmsqa1/iam-access-key")["SecretString"])
    assert stored["AccessKeyId"] == key
    assert stored["SecretAccessKey"] not in run.output and key not in run.output
    assert result["access_key_secret"]["name"] == "fusion-pos/qa/xmsqa1/iam-access-key"


def test_access_key_is_not_made_when_the_user_has_one(iam_user, iam, boto, aws):
    iam.create_user(UserName=USER, Tags=[{"Key": "OrgId", "Value": "xmsqa1"}])
    iam.create_access_key(UserName=USER)
    aws.reset_recording()
    result = iam_user(create_access_key=True, environment="qa").result("user")
    assert result["changed"] is False and result["access_key_secret"] is None
    assert aws.writes() == []


def test_access_key_check_mode_writes_nothing(iam_user, aws):
    result = iam_user(check=True, create_access_key=True, environment="qa").result("user")
    assert result["changes"] == ["user", "access_key"]
    assert aws.writes() == []


def test_stale_key_secret_is_never_overwritten(iam_user, iam, boto, aws):
    boto("secretsmanager").create_secret(Name="fusion-pos/qa/xmsqa1/iam-access-key", SecretString="old")
    iam.create_user(UserName=USER, Tags=[{"Key": "OrgId", "Value": "xmsqa1"}])
    aws.reset_recording()
    result = iam_user(create_access_key=True, environment="qa", expect_failure=True)
    assert result.rc != 0
    assert "IAM user rms_xmsqa1 has no access key but secret fusion-pos/qa/xmsqa1/iam-access-key already exists" \
        in result.output
    assert iam.list_access_keys(UserName=USER)["AccessKeyMetadata"] == []
    assert aws.writes() == []


def test_absent_deletes_the_user_with_what_blocks_it(iam_user, drifted_user, iam):
    iam.create_access_key(UserName=USER)
    assert iam_user(state="absent").result("user")["changed"] is True
    assert iam.list_users()["Users"] == []


def test_absent_on_a_missing_user_is_unchanged(iam_user, aws):
    assert iam_user(state="absent").result("user")["changed"] is False
    assert aws.writes() == []


@pytest.mark.parametrize("org", ["XMSQA1", "xms_qa1", "1abc", ""])
def test_invalid_org_fails_before_any_aws_call(iam_user, aws, org):
    result = iam_user(org=org, expect_failure=True)
    assert result.rc != 0
    assert "invalid org ID" in result.output
    assert aws.calls() == []
