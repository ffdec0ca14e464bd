"""Reading and checking the environment inventories as files (plugin_utils/_inventory.py)."""

import pathlib
import shutil

import pytest
import yaml

from ansible_collections.fusion.pos.plugins.plugin_utils._inventory import (
    Tree, check_loaded, environment_fit_error, inventory_root, is_org_file, org_of,
)

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def inventories(tmp_path):
    """A copy of the repository's inventories (production, qa, sandbox)."""
    root = tmp_path / "inventories"
    shutil.copytree(REPO / "inventories", root)
    return root


def set_region(root, region, env="qa"):
    path = root / env / "group_vars" / "all" / "environment.yml"
    data = yaml.safe_load(path.read_text())
    data["fusion_region"] = region
    path.write_text(yaml.safe_dump(data))


def write_org(root, env, org, **org_vars):
    org_vars.setdefault("org_site_title", "Title of " + org)
    (root / env / ("%s.yml" % org)).write_text(yaml.safe_dump({"orgs": {"hosts": {org: org_vars}}}))


def test_the_repository_inventories_have_no_problem():
    tree = Tree(REPO / "inventories")
    assert tree.errors == []
    assert sorted(tree.inventories) == ["production", "qa", "sandbox"]


def test_every_declared_org_is_in_the_org_table_with_its_inventory_and_account():
    table = Tree(REPO / "inventories").org_table()
    assert table["xmsstg1"]["inventory"] == "production"
    assert table["xmsdemo1"]["file"] == os_path("inventories", "qa", "xmsdemo1.yml")
    assert table["xmsdemo1"]["account_id"] == Tree(REPO / "inventories").inventories["qa"]["account_id"]


def os_path(*parts):
    return str(pathlib.PurePath(*parts))


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-7"])
def test_a_region_botocore_knows_passes(inventories, region):
    set_region(inventories, region)
    assert Tree(inventories).errors == []


@pytest.mark.parametrize("region, expected", [
    ("us-east-1\n", "inventories/qa: fusion_region must be an AWS region: invalid AWS region 'us-east-1\\n'"),
    ("zz-nowhere-1", "inventories/qa: fusion_region must be an AWS region: unknown AWS region 'zz-nowhere-1'"),
    ("useast1", "inventories/qa: fusion_region must be an AWS region: invalid AWS region 'useast1'"),
    ("US-EAST-1", "inventories/qa: fusion_region must be an AWS region: invalid AWS region 'US-EAST-1'"),
    (1, "inventories/qa: fusion_region must be an AWS region: invalid AWS region 1"),
    (None, "inventories/qa: fusion_region must be an AWS region: invalid AWS region None"),
], ids=["trailing-newline", "unknown-to-botocore", "no-hyphens", "upper-case", "number", "null"])
def test_a_region_that_is_not_one_botocore_knows_is_refused(inventories, region, expected):
    set_region(inventories, region)
    errors = Tree(inventories).errors
    assert len(errors) == 1
    assert errors[0].startswith(expected)


def test_an_org_declared_in_two_real_environments_is_refused_once(inventories):
    write_org(inventories, "production", "xmsqa1", fusion_environment="staging")
    errors = Tree(inventories).errors
    assert len(errors) == 1
    assert errors[0].startswith("org xmsqa1 is declared in more than one environment inventory")


def test_org_ids_are_compared_case_insensitively_across_environments(inventories):
    (inventories / "production" / "misc.yml").write_text(yaml.safe_dump({"orgs": {"hosts": {"XMSQA1": {}}}}))
    assert any("invalid org ID 'XMSQA1'" in error for error in Tree(inventories).errors)


def test_the_sandbox_may_mirror_a_real_org(inventories):
    write_org(inventories, "sandbox", "xmsdemo1")
    assert Tree(inventories).errors == []


def test_a_missing_directory_is_one_problem(tmp_path):
    assert Tree(tmp_path / "nowhere").errors == ["nowhere: no such inventory directory"]


@pytest.mark.parametrize("relative, expected", [
    ("inventories", "inventories"),
    ("inventories/qa", "inventories"),
    ("inventories/qa/xmsqa1.yml", "inventories"),
], ids=["the-root", "an-inventory", "an-org-file"])
def test_the_inventory_root_is_found_from_any_inventory_source(relative, expected):
    assert inventory_root(str(REPO / relative)) == str(REPO / expected)


@pytest.mark.parametrize("stem, data, expected", [
    ("xmsqa1", {"orgs": {"hosts": {"xmsqa1": {}}}}, True),
    ("xmsqa1", {"all": {"hosts": {}}}, True),
    ("pos_hosts", {"pos_hosts": {"hosts": {}}}, False),
    ("pos_hosts", {"orgs": {"hosts": {}}}, True),
    ("Bad1", None, False),
], ids=["org-named-org-file", "org-named-other-file", "shared-hosts", "other-name-with-orgs", "not-org-named-empty"])
def test_a_file_is_an_org_file_when_named_like_an_org_or_declaring_orgs(stem, data, expected):
    assert is_org_file(stem, data) is expected


@pytest.mark.parametrize("data, expected", [
    ({"orgs": {"hosts": {"xmsqa1": {"org_site_title": "x"}}}}, ("xmsqa1", {"org_site_title": "x"})),
    ({"orgs": {"hosts": {"xmsqa1": None}}}, ("xmsqa1", None)),
    ({"orgs": {"hosts": {"a": {}, "b": {}}}}, None),
    ({"orgs": {"hosts": {}}}, None),
    ({"orgs": {"hosts": {"a": {}}, "vars": {}}}, None),
    ({"orgs": {"hosts": {"a": {}}}, "pos_hosts": {}}, None),
    (["orgs"], None),
], ids=["one-org", "one-org-without-vars", "two-orgs", "no-org", "group-vars", "second-group", "a-list"])
def test_an_org_file_declares_exactly_one_host_in_group_orgs(data, expected):
    assert org_of(data) == expected


@pytest.mark.parametrize("environment, in_production, fits", [
    ("production", True, True), ("staging", True, True), ("qa", False, True), ("dev", False, True), ("demo", False, True),
    ("production", False, False), ("staging", False, False), ("qa", True, False), ("demo", True, False),
])
def test_an_environment_fits_only_its_kind_of_account(environment, in_production, fits):
    assert (environment_fit_error(environment, in_production) is None) is fits


# ---- fusion_other_environment_orgs: the uniqueness rule for a run that sees one inventory ----------

def set_other_orgs(root, env, orgs):
    path = root / env / "group_vars" / "all" / "other_environments.yml"
    path.write_text(yaml.safe_dump({"fusion_other_environment_orgs": orgs}))


def test_a_new_org_must_be_added_to_the_other_environments_list(inventories):
    write_org(inventories, "qa", "xmsqa9")
    assert Tree(inventories).errors == [
        "inventories/production/group_vars/all: fusion_other_environment_orgs does not match the other environment "
        "inventories (qa): missing xmsqa9; write fusion_other_environment_orgs: [xmsdemo1, xmsqa1, xmsqa9]"]
    set_other_orgs(inventories, "production", ["xmsdemo1", "xmsqa1", "xmsqa9"])
    assert Tree(inventories).errors == []


def test_a_list_naming_an_org_no_other_inventory_declares_is_refused(inventories):
    set_other_orgs(inventories, "qa", ["xmsstg1", "gone1"])
    assert Tree(inventories).errors == [
        "inventories/qa/group_vars/all: fusion_other_environment_orgs does not match the other environment "
        "inventories (production): not declared there gone1; write fusion_other_environment_orgs: [xmsstg1]"]


def test_a_real_inventory_without_the_list_is_refused_and_the_sandbox_needs_none(inventories):
    (inventories / "qa" / "group_vars" / "all" / "other_environments.yml").unlink()
    errors = Tree(inventories).errors
    assert len(errors) == 1 and errors[0].startswith("inventories/qa/group_vars/all: fusion_other_environment_orgs must be")
    assert not (inventories / "sandbox" / "group_vars" / "all" / "other_environments.yml").exists()


QA_VARS = {"fusion_environment": "qa", "fusion_sandbox": False, "fusion_other_environment_orgs": ["xmsstg1"]}


@pytest.mark.parametrize("loaded, expected", [
    ({"xmsqa1": QA_VARS}, []),
    ({"xmsqa1": dict(QA_VARS, fusion_other_environment_orgs=["xmsstg1", "XMSQA1"])},
     ["org xmsqa1 is declared in more than one environment inventory"]),
    ({"xmsqa1": dict(QA_VARS, fusion_other_environment_orgs=None)},
     ["org xmsqa1: its inventory does not declare fusion_other_environment_orgs"]),
    ({"xmsqa1": {"fusion_environment": "qa", "fusion_sandbox": True}}, []),
], ids=["unique", "declared-elsewhere", "no-list", "sandbox"])
def test_the_loaded_variables_carry_the_uniqueness_rule(loaded, expected):
    _table, errors = check_loaded(loaded)
    assert [error[:len(start)] for error, start in zip(errors, expected)] == expected and len(errors) == len(expected)


def test_the_orgs_of_the_other_environments_are_known_by_id_only():
    table, _errors = check_loaded({"xmsqa1": QA_VARS})
    assert table["xmsqa1"]["inventory"] == "the loaded inventory"
    assert table["xmsstg1"]["inventory"] == "another environment" and table["xmsstg1"]["file"] is None
