"""provision.yml's tenant step (role org_tenant): the org's tenant in POS01's tenants.json.

POS01 is the sandbox's: a local connection, its MonitorTenantsFolder a temporary folder named by
FUSION_SANDBOX_TENANTS_ROOT (as tools/sandbox does); POS01's instance and db-POS-01 are made in the
emulator here (shared.yml's job), the org's database password by provision.yml's secrets step.
"""

import hashlib
import json

import pytest

from fusion_testlib import REPO

SANDBOX = REPO / "inventories" / "sandbox"
SUMMARY_TASK = "Result of the org"


@pytest.fixture
def estate(pos_host, pos_database):
    """POS01 and db-POS-01 (tests/conftest.py)."""


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "POS01" / "App_Data"
    path.mkdir(parents=True)
    return path


@pytest.fixture
def provision(playbook, aws, tmp_path):
    def run(org="xmsqa1", extra_vars=None, **kwargs):
        variables = {"org": org, "aws_endpoint_url": aws.url}
        variables.update(extra_vars or {})
        return playbook("provision.yml", extra_vars=variables, inventory=SANDBOX,
                        env={"FUSION_SANDBOX_TENANTS_ROOT": str(tmp_path)}, **kwargs)
    return run


def test_provision_adds_the_tenant_then_a_rerun_leaves_the_file_alone(provision, folder, estate, boto):
    first = provision()
    assert first.rc == 0, first.output
    assert first.org_result("xmsqa1")["steps"]["tenant"]["changed"] is True
    password = boto("secretsmanager").get_secret_value(SecretId="fusion-pos/qa/xmsqa1/db-login")["SecretString"]
    tenant = json.loads((folder / "tenants.json").read_text())["xmsqa1"]
    assert tenant["RequestUrlHost"] == "xmsqa1.fusionPOS.com" and tenant["RecipeName"] == "POS_Tenant"
    assert "Database=POS_xmsqa1;User ID=POS_xmsqa1_user;Password=%s;" % password in tenant["ConnectionString"]
    assert password not in first.output
    summary = first.result(SUMMARY_TASK, "xmsqa1")["msg"]
    assert any(line.startswith("tenant: xmsqa1 (host name xmsqa1.fusionPOS.com)") for line in summary), summary
    stamp = hashlib.sha256((folder / "tenants.json").read_bytes()).hexdigest(), (folder / "tenants.json").stat().st_mtime_ns
    again = provision()
    assert again.rc == 0, again.output
    assert again.changed("xmsqa1") == 0
    assert (hashlib.sha256((folder / "tenants.json").read_bytes()).hexdigest(), (folder / "tenants.json").stat().st_mtime_ns) == stamp


def test_an_org_on_another_pos_version_is_refused_and_nothing_is_written(provision, folder, estate):
    result = provision(extra_vars={"org_pos_version": "24.3.0"})
    assert result.rc != 0
    assert "POS version 24.3.0 differs from the version pinned on POS host POS01" in result.org_result("xmsqa1")["msg"]
    assert not (folder / "tenants.json").exists()


def test_an_org_whose_tenant_failed_is_left_out_of_the_dns_step(provision, folder, estate):
    result = provision(extra_vars={"org_pos_version": "24.3.0"})
    steps = result.org_result("xmsqa1")["steps"]
    assert steps["tenant"]["failed"] is True
    assert "DNS record" not in steps   # the steps after a failed one do not run for that org


def test_check_mode_writes_no_tenant(provision, folder, estate):
    result = provision(check=True)
    assert result.rc == 0, result.output
    assert result.org_result("xmsqa1")["steps"]["tenant"]["changed"] is True
    assert not (folder / "tenants.json").exists()
