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
