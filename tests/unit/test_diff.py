"""DifferenceTracker of module_utils/_diff.py: changed and diff come from one record."""

import pytest

from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker


def test_empty_tracker_is_unchanged_with_empty_diff():
    tracker = DifferenceTracker()
    assert tracker.changed is False
    assert tracker.diff() == {"before": {}, "after": {}}


@pytest.mark.parametrize("before, after, expected", [
    ({"a": 1}, {"a": 1}, False),
    ({"a": 1}, {"a": 2}, True),
    (None, "pub/", True),
    ("x", None, True),
    (None, None, False),
], ids=["same", "value-changed", "created", "deleted", "both-missing"])
def test_add_defaults_changed_to_before_differs_from_after(before, after, expected):
    tracker = DifferenceTracker()
    assert tracker.add("item", before, after) is expected
    assert tracker.changed is expected


def test_explicit_changed_wins_over_the_comparison():
    tracker = DifferenceTracker()
    tracker.add("ownership", None, None, changed=True)
    assert tracker.changed is True and tracker.changed_items() == ["ownership"]


def test_record_takes_a_handler_result_and_returns_its_changed():
    tracker = DifferenceTracker()
    assert tracker.record("tags", (False, {"OrgId": "a"}, {"OrgId": "a"})) is False
    assert tracker.record("pab", (True, None, {"BlockPublicAcls": True})) is True
    assert tracker.changed is True
    assert tracker.changed_items() == ["pab"]


def test_any_changed_item_makes_the_tracker_changed():
    tracker = DifferenceTracker()
    tracker.add("a", 1, 1)
    tracker.add("b", 1, 2)
    tracker.add("c", 3, 3)
    assert tracker.changed is True and tracker.changed_items() == ["b"]


def test_diff_holds_before_and_after_of_every_item_and_the_header():
    tracker = DifferenceTracker()
    tracker.add("bucket", None, "fusion-rms-acme")
    tracker.add("tags", {"OrgId": "acme"}, {"OrgId": "acme"})
    assert tracker.diff(header="s3://fusion-rms-acme") == {
        "before": {"bucket": None, "tags": {"OrgId": "acme"}},
        "after": {"bucket": "fusion-rms-acme", "tags": {"OrgId": "acme"}},
        "before_header": "s3://fusion-rms-acme",
        "after_header": "s3://fusion-rms-acme",
    }


def test_recorded_values_are_copies():
    tags = {"OrgId": "acme"}
    tracker = DifferenceTracker()
    tracker.add("tags", tags, tags)
    tags["Team"] = "pos"
    assert tracker.before() == {"tags": {"OrgId": "acme"}} and tracker.changed is False


class _Module:
    def __init__(self, diff):
        self._diff = diff


@pytest.mark.parametrize("diff", [False, True], ids=["plain", "with-diff"])
def test_result_takes_changed_from_the_tracker_and_adds_the_diff_only_under_diff_mode(diff):
    tracker = DifferenceTracker()
    tracker.add("rules", [], [1])
    result = tracker.result(_Module(diff), "security group SG", group_id="sg-1")
    assert (result["changed"], result["group_id"]) == (True, "sg-1")
    assert ("diff" in result) is diff
    if diff:
        assert result["diff"] == tracker.diff(header="security group SG")
