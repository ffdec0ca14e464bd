"""The run's plan is plain data: what the inventory's tagged values become, and what they keep."""

import pytest

from ansible_collections.fusion.pos.plugins.plugin_utils import _org_plan


class TaggedStr(str):
    """Stands for ansible-core's tagged string (a str subclass carrying its origin)."""


class LazyDict(dict):
    """Stands for ansible-core's lazy template dict."""


class LazyList(list):
    """Stands for ansible-core's lazy template list."""


def _types(value):
    if isinstance(value, dict):
        return [type(value)] + [t for key, item in value.items() for t in _types(key) + _types(item)]
    if isinstance(value, list):
        return [type(value)] + [t for item in value for t in _types(item)]
    return [type(value)]


@pytest.mark.parametrize("value, expected", [
    (TaggedStr("xmsqa1"), "xmsqa1"),
    (LazyDict({TaggedStr("mode"): TaggedStr("shared")}), {"mode": "shared"}),
    (LazyList([TaggedStr("store1"), TaggedStr("store2")]), ["store1", "store2"]),
    (("a", 1), ["a", 1]),
    (True, True),
    (None, None),
    (7, 7),
    (1.5, 1.5),
])
def test_plain_keeps_the_value_and_drops_the_subclass(value, expected):
    result = _org_plan.plain(value)
    assert result == expected
    assert set(_types(result)) <= {str, dict, list, int, bool, float, type(None)}


def test_plain_keeps_booleans_booleans():
    assert _org_plan.plain(False) is False


def test_the_plan_of_tagged_inventory_values_is_plain_data():
    values = {"org_site_title": TaggedStr("QA"), "fusion_environment": TaggedStr("qa"), "fusion_region": TaggedStr("us-east-1"),
              "org_sites": LazyList([TaggedStr("store1")]), "org_placement": LazyDict({TaggedStr("mode"): TaggedStr("shared")})}
    plan = _org_plan.plan({"xmsqa1": values})
    assert plan["xmsqa1"]["sites"] == ["store1"] and plan["xmsqa1"]["placement"] == {"mode": "shared"}
    assert set(_types(plan)) <= {str, dict, list, int, bool, float, type(None)}


# ---- the run's record: plan, environments and the one-account rule from one look-up per org ------

def _org(environment="qa", account="123456789012", production="210987654321", **extra):
    values = {"org_site_title": "QA", "fusion_environment": environment, "fusion_region": "us-east-1",
              "fusion_account_id": account, "fusion_production_account_id": production}
    values.update(extra)
    return values


def test_the_run_keeps_the_orgs_order_their_environments_and_the_one_account():
    record = _org_plan.run({"xmsqa2": _org(), "xmsdev1": _org(environment="dev", account=123456789012)})
    assert record["orgs"] == ["xmsqa2", "xmsdev1"]
    assert record["environments"] == ["qa", "dev"]
    assert record["account"] == {"account_id": "123456789012", "production_account_id": "210987654321"}
    assert set(record["plan"]) == {"xmsqa2", "xmsdev1"}


@pytest.mark.parametrize("orgs, message", [
    ({"xmsqa1": _org(), "xmsqa2": _org(account="111111111111")},
     "the orgs of one run must live in one AWS account, but xmsqa1, xmsqa2 declare accounts 123456789012, 111111111111 "
     "(production account 210987654321): run each environment inventory on its own"),
    ({"xmsqa1": _org(), "xmsqa2": _org(production="111111111111")}, "production account 210987654321, 111111111111"),
    ({"xmsqa1": _org(account="12345")}, "the account of the run: invalid AWS account ID '12345': exactly 12 digits"),
    ({"xmsqa1": _org(account=None)}, "the account of the run: invalid AWS account ID 'None'"),
], ids=["two-accounts", "two-production-accounts", "bad-account", "no-account"])
def test_the_run_refuses_anything_but_one_account(orgs, message):
    with pytest.raises(_org_plan.PlanError) as caught:
        _org_plan.run(orgs)
    assert message in str(caught.value)


def test_the_run_lists_the_plan_problems_and_the_account_problem_together():
    with pytest.raises(_org_plan.PlanError) as caught:
        _org_plan.run({"xmsqa1": _org(org_site_title=""), "xmsqa2": _org(account="111111111111")})
    assert len(caught.value.errors) == 2
    assert "org_site_title" in caught.value.errors[0] and "one AWS account" in caught.value.errors[1]
