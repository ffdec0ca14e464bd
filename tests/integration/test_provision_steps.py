"""provision.yml's org steps: one process per step for all orgs, and still every org on its own.

Each step is one fusion.pos.fusion_org_step task (run once) and one fusion.pos.fusion_org_result
task per org; these tests prove what that shape must not lose: per-org results in the recap, one
org's failure isolated, per-org --diff, --limit, module_defaults of the action group.
"""

import pytest

from fusion_testlib import REPO, module_play


def users(boto):
    return sorted(user["UserName"] for user in boto("iam").list_users()["Users"])


def secret_names(boto):
    return sorted(item["Name"] for item in boto("secretsmanager").list_secrets()["SecretList"])


@pytest.fixture
def foreign_bucket_for_xmsqa2(boto):
    """A bucket of this account with xmsqa2's convention name, tagged for another org: the S3 step refuses it."""
    s3 = boto("s3")
    s3.create_bucket(Bucket="fusion-rms-xmsqa2")
    s3.put_bucket_tagging(Bucket="fusion-rms-xmsqa2", Tagging={"TagSet": [{"Key": "OrgId", "Value": "someoneelse"}]})


def test_an_org_that_fails_a_step_stops_there_and_the_other_org_goes_on(provision, boto, foreign_bucket_for_xmsqa2):
    result = provision("xmsqa1,xmsqa2")
    assert result.rc != 0
    assert result.failed("xmsqa2") == 1 and result.failed("xmsqa1") == 0
    assert "refusing to use it for org xmsqa2" in result.org_result("xmsqa2")["msg"]
    assert result.org_result("xmsqa2")["msg"].startswith("S3 bucket and policy: ")
    assert users(boto) == ["rms_xmsqa1", "rms_xmsqa2"]
    assert secret_names(boto) == ["fusion-pos/qa/xmsqa1/db-login", "fusion-pos/qa/xmsqa1/rabbitmq"]


def test_the_failed_org_gets_one_line_naming_resource_and_cause(provision, foreign_bucket_for_xmsqa2):
    msg = provision("xmsqa1,xmsqa2").org_result("xmsqa2")["msg"]
    assert "\n" not in msg and msg.startswith("S3 bucket and policy: bucket fusion-rms-xmsqa2: ")


def test_each_org_reports_its_own_changes_in_the_recap(provision):
    result = provision("xmsqa1,xmsqa2")
    assert result.rc == 0, result.output
    assert result.changed("xmsqa1") == 1 and result.changed("xmsqa2") == 1
    assert result.org_result("xmsqa1")["steps"]["IAM user"] == {"changed": True, "changes": ["user"]}
    assert result.changed("localhost") == 0


def test_each_org_shows_its_own_diff(provision):
    result = provision("xmsqa1,xmsqa2", check=True, diff=True)
    assert result.rc == 0, result.output
    for org in ("xmsqa1", "xmsqa2"):
        diff = result.org_result(org)["diff"][0]
        assert diff["before_header"] == "IAM user rms_%s" % org
        assert diff["before"]["user"] is False and diff["after"]["user"] is True


def test_limit_narrows_the_run_to_the_orgs_it_selects(provision, boto):
    result = provision("orgs", limit="xmsqa2")
    assert result.rc == 0, result.output
    assert users(boto) == ["rms_xmsqa2"]


def test_an_empty_site_title_given_as_extra_var_is_refused_before_any_aws_call(provision, aws):
    result = provision("xmsqa1", extra_vars={"org_site_title": ""})
    assert result.rc != 0
    assert "org xmsqa1 needs org_site_title (the client's site title, a non-empty string), got ''" in result.output
    assert aws.calls() == []


def test_module_defaults_of_the_action_group_with_amazon_aws_options_reach_every_fusion_module(playbook, aws, boto):
    """validate_certs/aws_config/debug_botocore_endpoint_logs are amazon.aws options of the group."""
    plays = module_play([
        {"name": "bucket", "fusion.pos.fusion_s3_bucket": {"org": "xmsqa1"}, "register": "bucket"},
        {"name": "step", "fusion.pos.fusion_org_step": {"module": "fusion_iam_user", "orgs": ["xmsqa1"],
                                                        "plan": {"xmsqa1": {"org": "xmsqa1"}}, "org_params": {"org": "org"}}},
    ])
    plays[0]["module_defaults"] = {"group/fusion.pos.aws": {
        "endpoint_url": aws.url, "region": "us-east-1", "validate_certs": True,
        "aws_config": {"connect_timeout": 5}, "debug_botocore_endpoint_logs": True}}
    result = playbook(plays)
    assert result.rc == 0, result.output
    assert "s3:CreateBucket" in result.result("bucket")["resource_actions"]
    assert "iam:CreateUser" in result.result("step")["results"]["xmsqa1"]["resource_actions"]
    assert users(boto) == ["rms_xmsqa1"]


def test_the_playbook_runs_by_its_collection_name_too(playbook, aws, boto):
    result = playbook("fusion.pos.provision", inventory=REPO / "inventories" / "sandbox",
                      extra_vars={"org": "xmsqa2", "aws_endpoint_url": aws.url})
    assert result.rc == 0, result.output[-3000:]
    assert result.org_result("xmsqa2")["changed"] is True
    assert users(boto) == ["rms_xmsqa2"]
