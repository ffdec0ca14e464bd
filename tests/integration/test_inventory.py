"""The inventories: the repository's pass the check; bad inputs are refused before any AWS call."""

import shutil
import subprocess

import pytest
import yaml

import fusion_testlib
from fusion_testlib import REPO

CHECK = REPO / "tools" / "check-inventories"
RULE = "lower-case letters and digits only"


@pytest.fixture
def inventories(tmp_path):
    root = tmp_path / "inventories"
    shutil.copytree(REPO / "inventories", root)
    return root


def check(root):
    return subprocess.run([str(CHECK), str(root)], capture_output=True, text=True, check=False)


def write(path, data):
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))


def org_file(org, **org_vars):
    org_vars.setdefault("org_site_title", "Title of " + org)
    return {"orgs": {"hosts": {org: org_vars}}}


def edit_settings(root, env="sandbox", drop=(), **changes):
    path = root / env / "group_vars" / "all" / "environment.yml"
    data = yaml.safe_load(path.read_text())
    for key in drop:
        del data[key]
    data.update(changes)
    write(path, data)


def test_repository_inventories_pass_the_check():
    result = check(REPO / "inventories")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sandbox: xmsdev1, xmsqa1, xmsqa2" in result.stdout


def test_check_defaults_to_the_repository_inventories():
    result = subprocess.run([str(CHECK)], capture_output=True, text=True, check=False, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_reports_every_problem_one_line_each(inventories):
    write(inventories / "qa" / "Bad1.yml", org_file("Bad1"))
    write(inventories / "sandbox" / "xmsqa9.yml", org_file("xmsqa9", org_sites="store1"))
    result = check(inventories)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR: ")]
    assert len(errors) == 2
    assert "qa/Bad1.yml" in errors[0] and RULE in errors[0]
    assert "org_sites must be a list" in errors[1]


def test_files_of_other_groups_are_not_org_files(inventories):
    # e.g. the shared infrastructure's pos_hosts.yml and group_vars/all/shared.yml
    write(inventories / "qa" / "pos_hosts.yml", {"pos_hosts": {"hosts": {"POS01": {"pos_host": {"region": "us-east-1"}}}}})
    write(inventories / "qa" / "group_vars" / "all" / "shared.yml", {"shared_regions": []})
    result = check(inventories)
    assert result.returncode == 0, result.stdout


def test_sandbox_may_mirror_a_real_org_id(inventories):
    # xmsqa1 is in inventories/qa and in inventories/sandbox: the sandbox is outside the rule.
    assert (inventories / "qa" / "xmsqa1.yml").exists() and (inventories / "sandbox" / "xmsqa1.yml").exists()
    assert check(inventories).returncode == 0


@pytest.mark.parametrize("region", ["us-east-1\n", "zz-nowhere-1"], ids=["trailing-newline", "unknown-to-botocore"])
def test_a_region_botocore_does_not_know_is_refused(inventories, region):
    edit_settings(inventories, "qa", fusion_region=region)
    result = check(inventories)
    assert result.returncode == 1
    assert "ERROR: inventories/qa: fusion_region must be an AWS region: " in result.stdout
    assert repr(region) in result.stdout


def test_a_new_region_botocore_knows_passes(inventories):
    edit_settings(inventories, "qa", fusion_region="ap-southeast-7")
    result = check(inventories)
    assert result.returncode == 0, result.stdout


def test_org_ids_are_unique_across_production_and_qa(inventories):
    write(inventories / "production" / "xmsqa1.yml", org_file("xmsqa1", fusion_environment="staging"))
    result = check(inventories)
    assert result.returncode == 1
    assert "org xmsqa1 is declared in more than one environment inventory" in result.stdout


# Each row: (id, extra org value or None, change to the tmp inventories, expected message fragment).
def _set_org(name, **org_vars):
    return lambda root: write(root / "sandbox" / ("%s.yml" % name), org_file(name, **org_vars))


def _raw(name, text):
    return lambda root: write(root / "sandbox" / name, text)


def _settings(env="sandbox", drop=(), **changes):
    return lambda root: edit_settings(root, env, drop, **changes)


def _remove(relative):
    return lambda root: (root / relative).unlink()


BAD_INPUTS = [
    # org IDs given on the command line
    ("upper-case org", "XMSQA1", None, "invalid org 'XMSQA1': an org ID is 1 to 40 characters"),
    ("leading digit", "1xmsqa", None, "invalid org '1xmsqa'"),
    ("hyphen", "xms-qa1", None, "invalid org 'xms-qa1'"),
    ("dot", "xms.qa1", None, "invalid org 'xms.qa1'"),
    ("underscore", "xms_qa1", None, "invalid org 'xms_qa1'"),
    ("space and shell", "xmsqa1; rm -rf /", None, "invalid org 'xmsqa1; rm -rf /'"),
    ("path", "../etc/passwd", None, "invalid org '../etc/passwd'"),
    ("wildcard", "*", None, "invalid org '*'"),
    ("jinja", "{{ 7 * 7 }}", None, "invalid org '49'"),
    ("41 characters", "a" * 41, None, "invalid org '%s'" % ("a" * 41)),
    ("empty", "", None, "no org given: run ansible-playbook provision.yml -e org="),
    ("unknown", "xmsqa9", None, "unknown org 'xmsqa9'"),
    ("one of two unknown", "xmsqa1,xmsqa9", None, "unknown org 'xmsqa9'"),
    # broken org files
    ("no site title", "xmsqa1", _set_org("xmsqa1", org_site_title=""), "org xmsqa1 needs org_site_title"),
    ("file named after another org", "xmsqa1", _raw("xmsqa3.yml", yaml.safe_dump(org_file("xmsqa4"))),
     "declares org xmsqa4 but the file is named xmsqa3.yml"),
    ("invalid org ID in a file", "xmsqa1", _raw("XmsQa3.yml", yaml.safe_dump(org_file("XmsQa3"))),
     "invalid org ID 'XmsQa3'"),
    ("not YAML", "xmsqa1", _raw("xmsqa3.yml", "orgs: [unclosed\n"), "xmsqa3.yml: cannot be read as YAML"),
    ("misspelt variable", "xmsqa1", _set_org("xmsqa3", org_site_titel="x"), "unknown org variable(s) org_site_titel"),
    ("two orgs in one file", "xmsqa1",
     _raw("xmsqa3.yml", yaml.safe_dump({"orgs": {"hosts": {"xmsqa3": {}, "xmsqa4": {}}}})),
     "an org file declares exactly one host, the org, in group orgs"),
    ("org outside group orgs", "xmsqa1", _raw("xmsqa3.yml", yaml.safe_dump({"all": {"hosts": {"xmsqa3": {}}}})),
     "an org file declares exactly one host"),
    ("unknown environment", "xmsqa1", _set_org("xmsqa3", fusion_environment="prod"),
     "fusion_environment: invalid environment 'prod'"),
    ("production org outside the production account", "xmsqa1", _set_org("xmsqa3", fusion_environment="production"),
     "environment production lives only in the POS Production account"),
    ("bad site ID", "xmsqa1", _set_org("xmsqa3", org_sites=["Store-1"]), "invalid site ID 'Store-1'"),
    ("bad placement", "xmsqa1", _set_org("xmsqa3", org_placement={"rds_instance": "db-pos-1"}),
     "org_placement.rds_instance: invalid RDS instance name 'db-pos-1'"),
    ("org declared twice in one inventory", "xmsqa1", _raw("xmsqa1.yaml", yaml.safe_dump(org_file("xmsqa1"))),
     "org xmsqa1 is declared more than once in inventory sandbox"),
    # environment settings
    ("no account ID", "xmsqa1", _settings(drop=["fusion_account_id"]), "environment settings lack fusion_account_id"),
    ("short account ID", "xmsqa1", _settings(fusion_account_id="12345"), "invalid AWS account ID '12345'"),
    ("unquoted account ID", "xmsqa1", _settings(fusion_account_id=123456789012),
     "fusion_account_id must be a quoted string of 12 digits"),
    ("no production account ID", "xmsqa1", _settings(drop=["fusion_production_account_id"]),
     "environment settings lack fusion_production_account_id"),
    ("no region", "xmsqa1", _settings(drop=["fusion_region"]), "environment settings lack fusion_region"),
    ("bad region", "xmsqa1", _settings(fusion_region="useast1"), "fusion_region must be an AWS region"),
    ("no endpoint setting", "xmsqa1", _settings(drop=["aws_endpoint_url"]), "environment settings lack aws_endpoint_url"),
    ("sandbox without emulator", "xmsqa1", _settings(aws_endpoint_url=""), "a sandbox inventory (fusion_sandbox: true) needs"),
    ("real environment with an endpoint", "xmsqa1", _settings("qa", aws_endpoint_url="http://127.0.0.1:4566"),
     "qa: aws_endpoint_url is set but the inventory is not a sandbox"),
    ("unknown password manager", "xmsqa1", _settings(fusion_secrets_backend="vault"),
     "fusion_secrets_backend must be one of aws_secretsmanager"),
    ("not a local connection", "xmsqa1", _settings(ansible_connection="ssh"), "ansible_connection must be local"),
    ("environment that does not fit the account", "xmsqa1", _settings("production", fusion_environment="qa"),
     "environment qa never lives in the POS Production account"),
    ("no environment settings", "xmsqa1", _remove("production/group_vars/all/environment.yml"),
     "environment settings lack fusion_environment"),
    ("org file with a second group", "xmsqa1",
     _raw("xmsqa3.yml", yaml.safe_dump(dict(org_file("xmsqa3"), pos_hosts={"hosts": {"POS01": {}}}))),
     "an org file declares exactly one host"),
]


@pytest.mark.parametrize("org, change, message", [row[1:] for row in BAD_INPUTS], ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_is_refused_before_any_aws_call(aws, inventories, org, change, message):
    if change:
        change(inventories)
    result = fusion_testlib.run_playbook(
        "provision.yml", aws.url, inventory=inventories / "sandbox",
        extra_vars={"org": org, "aws_endpoint_url": aws.url})
    assert result.rc != 0
    assert message in result.output
    assert aws.calls() == []
