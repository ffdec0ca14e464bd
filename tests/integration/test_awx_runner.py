"""The playbooks run unchanged as AWX / Automation Controller jobs (ansible-runner, script inventory).

Each job is built the way AWX builds it (tests/lib/awx_testlib.py): a clean copy of the project
(no .venv, no .deps), the inventory as an executable script printing ``ansible-inventory --list
--export``, the survey's answers in ``env/extravars``, credentials and the emulator in
``env/envvars``, ``--check`` for check jobs, ``--limit``. The results are read from the job events.
"""

import json

import pytest
import yaml

import awx_testlib
from fusion_testlib import REPO

SANDBOX = REPO / "inventories" / "sandbox"
QA = REPO / "inventories" / "qa"
pytestmark = [pytest.mark.emulator, pytest.mark.slow]


@pytest.fixture
def job(tmp_path, aws):
    """``job(playbook, extravars, inventory=SANDBOX, **options)``: one AWX-style job on this emulator."""
    def run(playbook, extravars=None, inventory=SANDBOX, **kwargs):
        envvars = dict({"AWS_ENDPOINT_URL": aws.url}, **kwargs.pop("envvars", {}))
        return awx_testlib.run_job(tmp_path, playbook, inventory, aws.url, extravars=extravars, envvars=envvars,
                                   **kwargs)
    return run


def users(boto):
    return sorted(user["UserName"] for user in boto("iam").list_users()["Users"])


def assert_no_secret_anywhere(job, boto):
    values = awx_testlib.secret_values(boto)
    assert values, "the run stored no secret to look for"
    texts = dict(job.artifact_texts())
    texts["events"] = json.dumps(job.events)
    leaks = [(path, value[:4] + "...") for path, text in texts.items() for value in values if value in text]
    assert leaks == []


def test_the_job_project_is_a_clean_copy_without_the_local_collections(tmp_path):
    project = awx_testlib.copy_project(tmp_path / "project")
    assert not (project / ".deps").exists() and not (project / ".venv").exists()
    assert (project / "collections" / "ansible_collections" / "fusion" / "pos" / "galaxy.yml").is_file()


def test_provision_job_reports_each_org_in_the_events_and_leaks_no_secret(job, boto):
    result = job("provision.yml", {"org": "xmsqa1,xmsdev1"})
    assert result.status == "successful", result.stdout
    counts = result.host_results()
    # provision.yml reports each org once for the whole run ("Result of the org")
    assert counts["xmsqa1"]["changed"] == 1 and counts["xmsqa1"]["failed"] == 0
    assert counts["xmsdev1"]["changed"] == 1 and counts["xmsdev1"]["failed"] == 0
    assert result.runner.stats["changed"] == {"xmsqa1": 1, "xmsdev1": 1}
    assert users(boto) == ["rms_xmsdev1", "rms_xmsqa1"]
    assert_no_secret_anywhere(result, boto)


def test_provision_check_job_writes_nothing_and_a_second_job_changes_nothing(job, aws):
    check = job("provision.yml", {"org": "xmsqa1"}, check=True)
    assert check.status == "successful", check.stdout
    assert check.host_results()["xmsqa1"]["changed"] == 1
    assert aws.writes() == []
    assert job("provision.yml", {"org": "xmsqa1"}).status == "successful"
    aws.reset_recording()
    again = job("provision.yml", {"org": "xmsqa1"})
    assert again.status == "successful", again.stdout
    assert again.host_results()["xmsqa1"]["changed"] == 0
    assert aws.writes() == []


def test_provision_job_with_a_limit_runs_only_the_limited_orgs(job, boto):
    result = job("provision.yml", {"org": "orgs"}, limit="xmsqa2")
    assert result.status == "successful", result.stdout
    assert users(boto) == ["rms_xmsqa2"]


def test_an_org_of_another_environment_is_refused_from_the_script_inventory_alone(job, aws):
    data = awx_testlib.exported_inventory(QA)
    data["all"]["vars"]["fusion_other_environment_orgs"] = ["xmsstg1", "XMSQA1"]
    result = job("provision.yml", {"org": "xmsqa1"}, inventory=data)
    assert result.status == "failed"
    assert "org xmsqa1 is declared in more than one environment inventory" in result.stdout
    assert aws.calls() == []


def test_a_script_inventory_without_the_other_environments_list_is_refused(job, aws):
    data = awx_testlib.exported_inventory(QA)
    del data["all"]["vars"]["fusion_other_environment_orgs"]
    result = job("provision.yml", {"org": "xmsqa1"}, inventory=data)
    assert result.status == "failed"
    assert "does not declare fusion_other_environment_orgs" in result.stdout
    assert aws.calls() == []


def test_an_org_named_in_the_other_environments_list_is_sent_to_its_inventory(job, aws):
    result = job("provision.yml", {"org": "xmsstg1"}, inventory=QA)
    assert result.status == "failed"
    assert "org xmsstg1 is declared in another environment inventory" in result.stdout
    assert aws.calls() == []


def test_shared_check_job_narrowed_by_region_and_limit_writes_nothing(job, aws):
    result = job("shared.yml", {"region": "us-east-1"}, limit="POS01", check=True)
    assert result.status == "successful", result.stdout
    assert result.host_results()["POS01"]["failed"] == 0
    assert aws.writes() == []


def test_shared_job_builds_the_environment_and_leaks_no_secret(job, boto):
    result = job("shared.yml", {"region": "us-east-1"})
    assert result.status == "successful", result.stdout
    assert result.host_results()["localhost"]["changed"] > 0
    assert [item["DBInstanceIdentifier"] for item in boto("rds").describe_db_instances()["DBInstances"]] == ["db-pos-01"]  # RDS lower-cases identifiers
    assert_no_secret_anywhere(result, boto)


def test_deprovision_job_with_the_typed_confirmation_removes_the_org(job, boto):
    assert job("provision.yml", {"org": "xmsqa1"}).status == "successful"
    result = job("deprovision.yml", {"org": "xmsqa1", "confirm": "xmsqa1", "force": False, "drop_database": False})
    assert result.status == "successful", result.stdout
    assert result.host_results()["xmsqa1"]["changed"] == 3
    assert users(boto) == []


def test_deprovision_job_without_the_confirmation_is_refused_before_any_aws_call(job, aws):
    result = job("deprovision.yml", {"org": "xmsqa1", "confirm": ""})
    assert result.status == "failed"
    assert "deprovision refused" in result.stdout
    assert aws.calls() == []


# ---- every job template of awx/controller.yml, launched as AWX would launch it ----------------------

# What an operator answers in each survey (AWX passes multiple-choice answers as strings).
SURVEY_ANSWERS = {"org": "xmsqa1", "confirm": "xmsqa1", "region": "us-east-1", "drop_database": "false",
                  "force": "false"}


def qa_templates():
    data = yaml.safe_load((REPO / "awx" / "controller.yml").read_text())
    return [pytest.param(template, id=template["name"]) for template in data["awx_job_templates"]
            if template["inventory"] == "fusion-pos-qa"]


def launch(job, template, **kwargs):
    """The job AWX starts for ``template`` (the sandbox standing in for the QA inventory)."""
    extravars = dict(template.get("extra_vars") or {})
    for question in (template.get("survey_spec") or {}).get("spec", []):
        extravars[question["variable"]] = SURVEY_ANSWERS[question["variable"]]
    return job(template["playbook"], extravars, check=template["job_type"] == "check",
               diff=bool(template.get("diff_mode")), **kwargs)


@pytest.mark.parametrize("template", qa_templates())
def test_every_job_template_runs_green_as_an_awx_job(job, aws, template):
    result = launch(job, template)
    assert result.status == "successful", result.stdout
    assert all(counts["failed"] == 0 for counts in result.host_results().values())
    if template["job_type"] == "check":
        assert aws.writes() == []


def test_the_drift_template_reports_only_the_drifted_org_as_changed(job, aws, boto):
    drift = [t for t in yaml.safe_load((REPO / "awx" / "controller.yml").read_text())["awx_job_templates"]
             if t["name"] == "fusion-pos drift (qa)"][0]
    assert job("provision.yml", {"org": "orgs"}).status == "successful"
    boto("iam").create_login_profile(UserName="rms_xmsqa2", Password="Console-Login-1!")
    aws.reset_recording()
    result = launch(job, drift)
    assert result.status == "successful", result.stdout
    assert dict((org, result.host_results()[org]["changed"]) for org in ("xmsdev1", "xmsqa1", "xmsqa2")) == \
        {"xmsdev1": 0, "xmsqa1": 0, "xmsqa2": 1}
    assert aws.writes() == []
