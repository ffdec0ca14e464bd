"""Resolving the orgs of a run from ``-e org=`` (plugin_utils/_run_orgs.py)."""

import pytest

from ansible_collections.fusion.pos.plugins.plugin_utils._run_orgs import NO_ORG, resolve_run, split_request

# Declared everywhere (Tree.org_table()); the run loaded the sandbox inventory.
TABLE = {
    "xmsqa1": {"inventory": "sandbox", "file": "inventories/sandbox/xmsqa1.yml"},
    "xmsqa2": {"inventory": "sandbox", "file": "inventories/sandbox/xmsqa2.yml"},
    "xmsdemo1": {"inventory": "qa", "file": "inventories/qa/xmsdemo1.yml"},
}
GROUPS = {
    "all": ["xmsqa1", "xmsqa2", "POS01"],
    "ungrouped": [],
    "orgs": ["xmsqa1", "xmsqa2"],
    "qa_orgs": ["xmsqa1"],
    "pos_hosts": ["POS01"],
}


@pytest.mark.parametrize("org, expected", [
    ("xmsqa1", ["xmsqa1"]),
    ("xmsqa2,xmsqa1", ["xmsqa1", "xmsqa2"]),
    ("xmsqa1:xmsqa2", ["xmsqa1", "xmsqa2"]),
    (" xmsqa1 , xmsqa2 ", ["xmsqa1", "xmsqa2"]),
    ("orgs", ["xmsqa1", "xmsqa2"]),
    ("qa_orgs,xmsqa1", ["xmsqa1"]),
], ids=["one-org", "comma", "colon", "spaces", "group", "group-and-org-overlapping"])
def test_org_ids_and_groups_resolve_to_the_sorted_orgs(org, expected):
    assert resolve_run(TABLE, org, GROUPS) == (expected, [])


@pytest.mark.parametrize("org, expected", [
    ("", NO_ORG),
    ("   ", NO_ORG),
    (None, NO_ORG),
    ("XMSQA1", "invalid org 'XMSQA1': an org ID is"),
    ("*", "invalid org '*'"),
    ("xmsqa9", "unknown org 'xmsqa9': not declared in the inventory of this run (declared orgs: xmsqa1, xmsqa2)"),
    ("xmsdemo1", "org xmsdemo1 is declared in inventory qa, not in the inventory of this run: run with -i inventories/qa"),
    ("pos_hosts", "POS01 is not a declared org: an org is one file <org>.yml in group orgs"),
    ("ungrouped", "'ungrouped' names no org"),
], ids=["empty", "blank", "none", "upper-case", "wildcard", "unknown", "other-environment", "group-of-non-orgs", "empty-group"])
def test_a_request_that_names_no_declared_org_is_refused(org, expected):
    orgs, errors = resolve_run(TABLE, org, GROUPS)
    assert orgs == [] or errors
    assert len(errors) == 1
    assert errors[0].startswith(expected)


def test_every_bad_item_is_reported_not_only_the_first():
    _orgs, errors = resolve_run(TABLE, "xmsqa1,xmsqa9,XMSQA2", GROUPS)
    assert [error.split(":", maxsplit=1)[0] for error in errors] == ["unknown org 'xmsqa9'", "invalid org 'XMSQA2'"]


def test_one_bad_item_does_not_drop_the_good_ones_silently():
    orgs, errors = resolve_run(TABLE, "xmsqa1,typo", GROUPS)
    assert orgs == ["xmsqa1"] and errors


@pytest.mark.parametrize("org, expected", [
    ("a,b:c", ["a", "b", "c"]),
    ("a", ["a"]),
    ("a,,b", ["a", "", "b"]),
])
def test_a_request_is_split_on_commas_and_colons_only(org, expected):
    assert split_request(org) == expected


def test_an_org_known_only_from_the_other_environments_list_is_sent_to_its_inventory():
    from ansible_collections.fusion.pos.plugins.plugin_utils._inventory import check_loaded  # pylint: disable=import-outside-toplevel

    table, _errors = check_loaded({"xmsqa1": {"fusion_other_environment_orgs": ["xmsstg1"]}})
    run, errors = resolve_run(table, "xmsstg1", {"all": ["xmsqa1"], "orgs": ["xmsqa1"]})
    assert run == [] and errors == ["org xmsstg1 is declared in another environment inventory, not in the inventory "
                                    "of this run: run it with that environment's inventory"]
