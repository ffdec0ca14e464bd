"""Several org steps in one task (fusion_org_step steps:, role org_resources): order, stops, isolation.

In-process ``_org_step.run_steps`` and real ansible-playbook runs, both against the emulator; every
check reads the estate back with boto3.
"""

import pytest

import fusion_testlib
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_step

pytestmark = [pytest.mark.emulator]

ORGS = ["orga", "orgb", "orgc"]


@pytest.fixture
def env(aws, monkeypatch):
    for key, value in fusion_testlib.aws_env(aws.url).items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    return aws


def users(boto):
    return sorted(user["UserName"] for user in boto("iam").list_users()["Users"])


def buckets(boto):
    return sorted(bucket["Name"] for bucket in boto("s3").list_buckets()["Buckets"])


def steps_for(orgs, bucket_params=None):
    return [("fusion_iam_user", dict((org, {"org": org}) for org in orgs)),
            ("fusion_s3_bucket", dict((org, dict({"org": org, "policy_account_id": fusion_testlib.ACCOUNT_ID},
                                                 **(bucket_params or {}).get(org, {}))) for org in orgs))]


@pytest.fixture
def foreign_bucket_for_orgb(boto):
    """orgb's convention bucket name, tagged for another org: its bucket step refuses it."""
    boto("s3").create_bucket(Bucket="fusion-rms-orgb")
    boto("s3").put_bucket_tagging(Bucket="fusion-rms-orgb", Tagging={"TagSet": [{"Key": "OrgId", "Value": "someoneelse"}]})


def test_each_org_runs_every_step_and_gets_one_result_per_step_in_order(env, boto):
    iam, bucket = _org_step.run_steps(steps_for(ORGS))
    assert list(iam) == ORGS and list(bucket) == ORGS
    assert all(iam[org]["changed"] and bucket[org]["changed"] for org in ORGS)
    assert users(boto) == ["rms_orga", "rms_orgb", "rms_orgc"]
    assert buckets(boto) == ["fusion-rms-orga", "fusion-rms-orgb", "fusion-rms-orgc"]


def test_a_second_run_changes_and_writes_nothing(env, boto):
    _org_step.run_steps(steps_for(ORGS))
    env.reset_recording()
    iam, bucket = _org_step.run_steps(steps_for(ORGS))
    assert not any(iam[org]["changed"] or bucket[org]["changed"] for org in ORGS)
    assert [call for call in env.calls() if call.is_write] == []


def test_check_mode_reports_every_step_and_writes_nothing(env, boto):
    iam, bucket = _org_step.run_steps(steps_for(ORGS), check_mode=True)
    assert all(iam[org]["changed"] and bucket[org]["changed"] for org in ORGS)
    assert [call for call in env.calls() if call.is_write] == []
    assert users(boto) == [] and buckets(boto) == []


def test_an_org_that_fails_a_step_has_no_entry_in_the_steps_after_it(env, boto, foreign_bucket_for_orgb, monkeypatch):
    fusion_testlib.break_iam_user_work_for(monkeypatch, "orgc")
    iam, bucket = _org_step.run_steps(steps_for(ORGS))
    assert iam["orgc"]["failed"] is True and "orgc" not in bucket   # failed at step 1: step 2 not run
    assert bucket["orgb"]["failed"] is True and "refusing to use it for org orgb" in bucket["orgb"]["msg"]
    assert bucket["orga"]["changed"] is True
    assert users(boto) == ["rms_orga", "rms_orgb"]
    assert buckets(boto) == ["fusion-rms-orga", "fusion-rms-orgb"]


def test_an_org_refused_by_a_later_step_runs_none_of_its_steps(env, boto):
    iam, bucket = _org_step.run_steps(steps_for(ORGS, {"orgb": {"state": "gone"}}))
    assert "orgb" not in iam
    assert bucket["orgb"]["failed"] is True and "value of state must be one of" in bucket["orgb"]["msg"]
    assert users(boto) == ["rms_orga", "rms_orgc"]
    assert buckets(boto) == ["fusion-rms-orga", "fusion-rms-orgc"]


PLAN = dict((org, {"org": org, "environment": "qa", "iam_access_key": False}) for org in ORGS)


def play(steps, **task):
    return [{"name": "steps", "hosts": ",".join(ORGS), "gather_facts": False, "tasks": [
        dict({"name": "Steps", "fusion.pos.fusion_org_step": {"orgs": "{{ ansible_play_hosts }}", "plan": PLAN,
                                                              "steps": steps},
              "run_once": True, "delegate_to": "localhost", "register": "org_steps"}, **task),
        {"name": "Result", "fusion.pos.fusion_org_result": {
            "registered": {"IAM user": "org_steps.steps.fusion_iam_user", "secrets": "org_steps.steps.fusion_secret"}}}]}]


def test_the_task_reports_each_step_by_module_and_each_org_its_own_result(playbook, boto):
    steps = [{"module": "fusion_iam_user"}, {"module": "fusion.pos.fusion_secret", "params": {"purposes": ["db-login"]}}]
    result = playbook(play(steps), inventory=",".join(ORGS) + ",localhost,")
    assert result.rc == 0, result.output
    task = result.result("Steps", "orga")
    assert sorted(task["steps"]) == ["fusion_iam_user", "fusion_secret"]
    assert task["steps"]["fusion_iam_user"]["results"]["orgb"]["user_name"] == "rms_orgb"   # the plan's own keys
    assert task["orgs_changed"] == ORGS and task["orgs_failed"] == []
    assert [result.changed(org) for org in ORGS] == [1, 1, 1]
    assert result.result("Result", "orgc")["steps"]["secrets"]["changed"] is True
    assert users(boto) == ["rms_orga", "rms_orgb", "rms_orgc"]


def test_a_disabled_step_is_reported_as_not_run_and_makes_nothing(playbook, boto):
    steps = [{"module": "fusion_iam_user"}, {"module": "fusion_secret", "enabled": False}]
    result = playbook(play(steps), inventory=",".join(ORGS) + ",localhost,")
    assert result.rc == 0, result.output
    secrets = result.result("Steps", "orga")["steps"]["fusion_secret"]
    assert secrets["skipped"] is True and secrets["results"] == {}
    assert "secrets" not in result.result("Result", "orga")["steps"]
    assert boto("secretsmanager").list_secrets()["SecretList"] == []


@pytest.mark.parametrize("args, message", [
    ({"module": "fusion_iam_user"}, "parameters are mutually exclusive: module|steps"),
    ({"params": {"state": "present"}}, "parameters are mutually exclusive: steps|params"),
], ids=["module-and-steps", "params-beside-steps"])
def test_steps_refuses_a_task_level_module_or_params(playbook, aws, args, message):
    plays = play([{"module": "fusion_iam_user"}])
    plays[0]["tasks"][0]["fusion.pos.fusion_org_step"].update(args)
    result = playbook(plays, inventory=",".join(ORGS) + ",localhost,")
    assert result.rc != 0 and message in result.output
    assert [call for call in aws.calls() if call.is_write] == []


@pytest.mark.parametrize("plan_var", ["run_plan", "plan_by_template"], ids=["set-fact", "play-var-template"])
def test_the_summary_reads_the_plan_and_caller_by_name_whether_set_or_a_template(playbook, boto, plan_var):
    plays = play([{"module": "fusion_iam_user"}])
    plays[0]["vars"] = {"plan_by_template": "{{ run_plan }}"}
    plays[0]["tasks"].insert(0, {"name": "Plan", "ansible.builtin.set_fact": {"run_plan": PLAN, "caller": {"account_id": "123456789012"}}})
    plays[0]["tasks"][-1]["fusion.pos.fusion_org_result"]["summary_of"] = {"plan": plan_var, "caller": "caller"}
    result = playbook(plays, inventory=",".join(ORGS) + ",localhost,")
    assert result.rc == 0, result.output
    lines = result.result("Result", "orgb")["msg"]
    assert lines[0].startswith("org orgb (qa, account 123456789012)") and "IAM user: rms_orgb" in lines


def test_a_summary_whose_plan_has_no_entry_for_the_org_fails_that_org_in_one_line(playbook, boto):
    plays = play([{"module": "fusion_iam_user"}])
    plays[0]["tasks"].insert(0, {"name": "Plan", "ansible.builtin.set_fact": {"run_plan": {"orga": PLAN["orga"]}}})
    plays[0]["tasks"][-1]["fusion.pos.fusion_org_result"]["summary_of"] = {"plan": "run_plan"}
    result = playbook(plays, inventory=",".join(ORGS) + ",localhost,")
    assert result.rc != 0
    assert result.result("Result", "orga").get("failed") is not True
    assert "the plan in variable run_plan has no entry for org orgb" in result.result("Result", "orgb")["msg"]
