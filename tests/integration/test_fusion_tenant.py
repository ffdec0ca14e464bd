"""fusion.pos.fusion_tenant through real ansible-playbook runs: the tenant list of a POS host on a local folder.

The POS host is POS01 over a local connection (pipelining on), its MonitorTenantsFolder a temporary
folder; AWS (the PosVersion tag, the RDS endpoint, the database password) is the emulator.
"""

import hashlib
import json
import os
import pathlib

import pytest

from fusion_testlib import REPO, run_playbook

PASSWORD = "Tenant-Pass-0123456789-abcdefXYZ"
OTHER = {"State": "Running", "RequestUrlHost": "other.fusionPOS.com", "RequestUrlPrefix": "", "RecipeName": "POS_Tenant",
         "DatabaseProvider": "SqlConnection", "TablePrefix": "",
         "ConnectionString": "Server=x,1433;Database=POS_other;User ID=POS_other_user;Password=Other-Secret-987;Encrypt=True"}
TASK = "tenant"


def plan_entry(org="xmsqa1", **extra):
    entry = dict(org=org, environment="qa", tenant_host="%s.fusionPOS.com" % org, db_name="POS_%s" % org,
                 db_login="POS_%s_user" % org, rds_instance="db-POS-01", rds_region="us-east-1", rds_endpoint=None,
                 pos_version=None)
    entry.update(extra)
    return entry


@pytest.fixture
def estate(boto, aws, pos_host, pos_database):
    """POS01 (PosVersion 24.2.1) and db-POS-01 (tests/conftest.py), xmsqa1's database password; its endpoint."""
    boto("secretsmanager").create_secret(Name="fusion-pos/qa/xmsqa1/db-login", SecretString=PASSWORD)
    aws.reset_recording()
    return pos_database


@pytest.fixture
def host(tmp_path):
    """The POS host's folders: App_Data (the target), and the controller's temp folders to scan."""
    folder = tmp_path / "POS01" / "App_Data"
    folder.mkdir(parents=True)
    (tmp_path / "local_tmp").mkdir()
    (tmp_path / "remote_tmp").mkdir()
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"pos_hosts": {"hosts": {"POS01": {
        "ansible_connection": "local", "ansible_pipelining": True,
        "ansible_python_interpreter": str(REPO / ".venv" / "bin" / "python")}}}}))
    return tmp_path


@pytest.fixture
def tenant(aws, host):
    def run(orgs=("xmsqa1",), plan=None, check=False, diff=False, verbosity=0, env=None, json_output=True, state="present"):
        plan = plan or dict((org, plan_entry(org)) for org in orgs)
        plays = [{"name": "tenant", "hosts": "POS01", "gather_facts": False, "tasks": [{
            "name": TASK, "ignore_errors": True,
            "fusion.pos.fusion_tenant": {"pos_host": "POS01", "tenants_folder": str(host / "POS01" / "App_Data"),
                                         "orgs": list(orgs), "plan": plan, "region": "us-east-1", "state": state}}]}]
        run_env = {"ANSIBLE_LOCAL_TEMP": str(host / "local_tmp"), "ANSIBLE_REMOTE_TEMP": str(host / "remote_tmp")}
        run_env.update(env or {})
        return run_playbook(plays, aws.url, inventory=host / "hosts.yml", check=check, diff=diff, verbosity=verbosity,
                            env=run_env, json_output=json_output)
    return run


def tenants_file(host):
    return host / "POS01" / "App_Data" / "tenants.json"


def read(host):
    return json.loads(tenants_file(host).read_text())


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_the_tenant_is_added_with_the_connection_string_of_its_database(tenant, host, estate):
    result = tenant()
    mine = result.result(TASK, "POS01")
    assert mine["changed"] is True and mine["results"]["xmsqa1"]["created"] is True, result.output
    assert read(host)["xmsqa1"] == {
        "State": "Uninitialized", "RequestUrlHost": "xmsqa1.fusionPOS.com", "RequestUrlPrefix": "", "RecipeName": "POS_Tenant",
        "DatabaseProvider": "SqlConnection", "TablePrefix": "",
        "ConnectionString": "Server=%s,1433;Database=POS_xmsqa1;User ID=POS_xmsqa1_user;Password=%s;Encrypt=True" % (estate, PASSWORD)}


def test_other_tenants_are_left_untouched(tenant, host, estate):
    tenants_file(host).write_text(json.dumps({"Default": {"State": "Running", "RecipeName": "POS_Manager"}, "other": OTHER}))
    tenant()
    document = read(host)
    assert list(document) == ["Default", "other", "xmsqa1"]
    assert document["other"] == OTHER and document["Default"] == {"State": "Running", "RecipeName": "POS_Manager"}


def test_a_rerun_changes_nothing_and_does_not_touch_the_file(tenant, host, estate, aws):
    tenant()
    before = digest(tenants_file(host))
    result = tenant()
    assert result.result(TASK, "POS01")["changed"] is False
    assert digest(tenants_file(host)) == before
    assert aws.writes() == []


@pytest.mark.parametrize("drift", [
    {"RequestUrlHost": "wrong.example.com"},
    {"ConnectionString": "Server=old,1433;Database=POS_xmsqa1;User ID=POS_xmsqa1_user;Password=stale;Encrypt=True"},
    {"RecipeName": "POS_Manager", "TablePrefix": "x"},
])
def test_drift_is_repaired_and_unmanaged_settings_kept(tenant, host, estate, drift):
    tenant()
    document = read(host)
    document["xmsqa1"].update(drift, State="Running")
    tenants_file(host).write_text(json.dumps(document))
    assert tenant().result(TASK, "POS01")["changed"] is True
    repaired = read(host)["xmsqa1"]
    assert repaired["State"] == "Running"
    assert repaired["RequestUrlHost"] == "xmsqa1.fusionPOS.com" and repaired["RecipeName"] == "POS_Tenant"
    assert PASSWORD in repaired["ConnectionString"]


def test_check_mode_writes_nothing_and_reports_what_the_real_run_does(tenant, host, estate):
    tenants_file(host).write_text(json.dumps({"other": OTHER}))
    before = digest(tenants_file(host))
    dry = tenant(check=True, diff=True).result(TASK, "POS01")
    assert digest(tenants_file(host)) == before
    real = tenant(diff=True).result(TASK, "POS01")
    assert dry["results"]["xmsqa1"]["changed"] is real["results"]["xmsqa1"]["changed"] is True
    assert dry["results"]["xmsqa1"]["diff"] == real["results"]["xmsqa1"]["diff"]


def test_diff_masks_the_password(tenant, host, estate):
    result = tenant(diff=True)
    diff = result.result(TASK, "POS01")["results"]["xmsqa1"]["diff"]
    assert diff["before"] == {}
    assert diff["after"]["ConnectionString"].endswith("Password=********;Encrypt=True")
    assert PASSWORD not in result.output


def test_a_stale_password_shows_as_differing_in_the_diff(tenant, host, estate):
    tenant()
    document = read(host)
    document["xmsqa1"]["ConnectionString"] = document["xmsqa1"]["ConnectionString"].replace(PASSWORD, "stale")
    tenants_file(host).write_text(json.dumps(document))
    diff = tenant(diff=True).result(TASK, "POS01")["results"]["xmsqa1"]["diff"]
    assert "Password=******** (differs)" in diff["before"]["ConnectionString"]
    assert read(host)["xmsqa1"]["ConnectionString"].count(PASSWORD) == 1


def test_the_password_is_in_the_file_and_nowhere_on_the_controller(tenant, host, estate):
    tenants_file(host).write_text(json.dumps({"other": OTHER}))
    result = tenant(verbosity=4, diff=True, json_output=False)
    assert result.rc == 0, result.output
    assert PASSWORD in tenants_file(host).read_text()
    assert PASSWORD not in result.output and "Other-Secret-987" not in result.output
    leaks = []
    for root in (host, REPO / "tests" / "output", pathlib.Path.home() / ".ansible"):
        # os.walk, not rglob: another test process's ansible removes its temporary files and
        # directories meanwhile (os.walk skips a directory that is gone; rglob raises)
        for folder, _dirs, files in os.walk(root):
            for path in (pathlib.Path(folder) / name for name in files):
                try:
                    if path != tenants_file(host) and PASSWORD.encode() in path.read_bytes():
                        leaks.append(str(path))
                except (FileNotFoundError, IsADirectoryError):
                    continue
    assert leaks == []
    assert sorted(os.listdir(host / "POS01" / "App_Data")) == ["tenants.json"]


def test_without_pipelining_the_write_is_refused(tenant, host, estate):
    result = tenant(env={"ANSIBLE_KEEP_REMOTE_FILES": "1"})
    mine = result.result(TASK, "POS01")
    assert mine["failed"] is True and "pipelining" in mine["msg"]
    assert not tenants_file(host).exists()


def test_an_org_whose_pos_version_differs_from_the_host_is_refused_before_any_change(tenant, host, estate, boto):
    boto("secretsmanager").create_secret(Name="fusion-pos/qa/xmsqa2/db-login", SecretString="Second-Pass-0123456789")
    plan = {"xmsqa1": plan_entry(pos_version="24.3.0"), "xmsqa2": plan_entry("xmsqa2")}
    mine = tenant(orgs=("xmsqa1", "xmsqa2"), plan=plan).result(TASK, "POS01")
    assert mine["failed"] is True
    assert mine["results"]["xmsqa1"]["msg"] == ("org xmsqa1: POS version 24.3.0 differs from the version pinned on POS host "
                                                "POS01 (PosVersion 24.2.1); refused, nothing changed")
    assert list(read(host)) == ["xmsqa2"]


def test_the_same_version_as_the_host_is_accepted(tenant, host, estate):
    mine = tenant(plan={"xmsqa1": plan_entry(pos_version="24.2.1")}).result(TASK, "POS01")
    assert mine["changed"] is True and "failed" not in mine["results"]["xmsqa1"]


def test_a_missing_tenants_folder_fails_in_one_line(tenant, host, estate):
    (host / "POS01" / "App_Data").rmdir()
    mine = tenant().result(TASK, "POS01")
    assert mine["failed"] is True and "\n" not in mine["msg"] and "does not exist" in mine["msg"]


# ---- state=absent (deprovision.yml) ---------------------------------------------------------------------

@pytest.fixture
def listed(host):
    """tenants.json with xmsqa1 (as a present run left it), another tenant and the host's default."""
    tenants_file(host).write_text(json.dumps({
        "Default": {"State": "Running", "RecipeName": "POS_Manager"}, "other": OTHER,
        "xmsqa1": dict(OTHER, RequestUrlHost="xmsqa1.fusionPOS.com", ConnectionString=OTHER["ConnectionString"].replace(
            "Other-Secret-987", PASSWORD))}))
    return tenants_file(host)


def test_absent_takes_only_the_orgs_tenant_out_and_makes_no_aws_call(tenant, host, listed, aws):
    result = tenant(state="absent")
    mine = result.result(TASK, "POS01")
    assert mine["changed"] is True and mine["results"]["xmsqa1"]["removed"] is True, result.output
    assert read(host) == {"Default": {"State": "Running", "RecipeName": "POS_Manager"}, "other": OTHER}
    assert aws.calls() == []


def test_absent_a_rerun_changes_nothing_and_does_not_touch_the_file(tenant, host, listed):
    tenant(state="absent")
    before = digest(listed)
    result = tenant(state="absent")
    assert result.result(TASK, "POS01")["changed"] is False
    assert result.result(TASK, "POS01")["results"]["xmsqa1"]["removed"] is False
    assert digest(listed) == before


def test_absent_in_check_mode_reports_the_removal_and_writes_nothing(tenant, host, listed):
    before = digest(listed)
    result = tenant(state="absent", check=True, diff=True)
    mine = result.result(TASK, "POS01")["results"]["xmsqa1"]
    assert mine["changed"] is True and mine["diff"]["after"] == {}
    assert "Password=********" in mine["diff"]["before"]["ConnectionString"]
    assert PASSWORD not in result.output and OTHER["ConnectionString"] not in result.output
    assert digest(listed) == before


def test_absent_without_a_tenants_file_is_no_change(tenant, host):
    result = tenant(state="absent")
    assert result.result(TASK, "POS01")["changed"] is False, result.output
    assert not tenants_file(host).exists()
