"""fusion_dns_record without AWS: validation, the record handler on a fake client, the plan and the summary line."""

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from ansible_collections.fusion.pos.plugins.module_utils import _aws, _dns_record, _route53
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionAWSError, FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._module import Context, run_resource
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_plan, _org_summary

NAME = "xmsqa1.fusionPOS.com"


class FakeRoute53:
    def __init__(self, records):
        self.records = records
        self.changes = []

    def list_resource_record_sets(self, **kwargs):
        return {"ResourceRecordSets": list(self.records)}

    def change_resource_record_sets(self, **kwargs):
        self.changes.append(kwargs)


def params(**overrides):
    base = dict(org="xmsqa1", pos_domain="fusionPOS.com", pos_host="POS01", hosted_zone="fusionPOS.com", ttl=300, state="present")
    base.update(overrides)
    return base


def a_record(value, ttl=300, name=NAME.lower() + ".", **extra):
    return dict(Name=name, Type="A", TTL=ttl, ResourceRecords=[{"Value": value}], **extra)


@pytest.mark.parametrize("records, changed", [
    ([], True),
    ([a_record("203.0.113.20")], False),
    ([a_record("203.0.113.20", ttl=60)], True),
    ([a_record("198.51.100.9")], True),
    ([a_record("203.0.113.20", name="other.fusionpos.com.")], True),
])
def test_the_record_is_written_only_when_it_differs(records, changed):
    client = FakeRoute53(records)
    result = _dns_record.ensure_record(client, "Z1", NAME, 300, "203.0.113.20", "c", check_mode=False)
    assert result[0] is changed
    assert len(client.changes) == (1 if changed else 0)
    if changed:
        change = client.changes[0]["ChangeBatch"]["Changes"][0]
        assert change["Action"] == "UPSERT"
        assert change["ResourceRecordSet"]["ResourceRecords"] == [{"Value": "203.0.113.20"}]


def test_check_mode_writes_nothing_and_reports_the_same_change():
    client = FakeRoute53([a_record("198.51.100.9")])
    dry = _dns_record.ensure_record(client, "Z1", NAME, 300, "203.0.113.20", "c", check_mode=True)
    assert client.changes == []
    assert dry == _dns_record.ensure_record(FakeRoute53([a_record("198.51.100.9")]), "Z1", NAME, 300, "203.0.113.20", "c", False)


@pytest.mark.parametrize("records", [[a_record("203.0.113.20")], [a_record("198.51.100.9", ttl=60)]])
def test_removal_deletes_the_record_set_exactly_as_read(records):
    client = FakeRoute53(records)
    changed, before, after = _dns_record.remove_record(client, "Z1", NAME, "c", check_mode=False)
    assert (changed, after) == (True, None) and before["values"] == [records[0]["ResourceRecords"][0]["Value"]]
    [change] = client.changes[0]["ChangeBatch"]["Changes"]
    assert change == {"Action": "DELETE", "ResourceRecordSet": records[0]}


@pytest.mark.parametrize("check_mode", [False, True])
def test_removal_of_a_missing_record_is_no_change_and_no_write(check_mode):
    client = FakeRoute53([a_record("203.0.113.20", name="other.fusionpos.com.")])
    assert _dns_record.remove_record(client, "Z1", NAME, "c", check_mode) == (False, None, None)
    assert client.changes == []


def test_removal_in_check_mode_writes_nothing_and_reports_the_same_change():
    client = FakeRoute53([a_record("203.0.113.20")])
    dry = _dns_record.remove_record(client, "Z1", NAME, "c", check_mode=True)
    assert client.changes == []
    assert dry == _dns_record.remove_record(FakeRoute53([a_record("203.0.113.20")]), "Z1", NAME, "c", False)


def test_a_delete_whose_answer_was_lost_and_is_then_not_found_is_success(monkeypatch):
    monkeypatch.setattr(_aws, "RETRY_BASE_DELAY", 0.0)
    answers = [ConnectionClosedError(endpoint_url="https://route53"), ClientError(
        {"Error": {"Code": "InvalidChangeBatch", "Message": "Tried to delete resource record set but it was not found"}},
        "ChangeResourceRecordSets")]

    class LosingRoute53(FakeRoute53):
        def change_resource_record_sets(self, **kwargs):
            self.changes.append(kwargs)
            raise answers.pop(0)

    client = LosingRoute53([])
    assert _route53.delete_record(client, "Z1", NAME, a_record("203.0.113.20"), "c") is None
    assert len(client.changes) == 2


def test_a_delete_not_found_on_the_first_try_stays_an_error():
    class Refusing(FakeRoute53):
        def change_resource_record_sets(self, **kwargs):
            raise ClientError({"Error": {"Code": "InvalidChangeBatch", "Message": "not found"}}, "ChangeResourceRecordSets")

    with pytest.raises(FusionAWSError, match="InvalidChangeBatch"):
        _route53.delete_record(Refusing([]), "Z1", NAME, a_record("203.0.113.20"), "c")


def test_removal_needs_no_pos_host():
    _dns_record.validate(params(pos_host=None, state="absent"))


def test_a_record_with_a_routing_policy_is_refused():
    with pytest.raises(FusionModuleError, match="routing policy"):
        _dns_record.ensure_record(FakeRoute53([a_record("1.2.3.4", SetIdentifier="a")]), "Z1", NAME, 300, "1.2.3.4", "c", False)


@pytest.mark.parametrize("overrides, message", [
    (dict(pos_host="pos1"), "invalid POS host name"),
    (dict(pos_host=None), "no POS host to point at"),
    (dict(ttl=-1), "ttl must be"),
    (dict(org="Bad Org"), "org"),
])
def test_bad_input_is_refused_before_any_call(overrides, message):
    with pytest.raises(Exception, match=message):
        _dns_record.validate(params(**overrides))


def test_without_a_zone_the_work_makes_no_client_and_the_record_is_manual():
    class NoClients:
        def client(self, *args, **kwargs):
            raise AssertionError("no call without a zone")

    result = run_resource(_dns_record.RESOURCE, Context(params(hosted_zone=""), clients=NoClients()))
    assert (result["changed"], result["manual"]) == (False, True)
    assert result["record"]["name"] == NAME and result["record"]["type"] == "A"


PLAN_VALUES = {"org_site_title": "QA", "fusion_environment": "qa", "fusion_region": "us-east-1"}


@pytest.mark.parametrize("values, pos_host, zone", [
    ({}, None, ""),
    ({"fusion_default_pos_host": "POS01", "fusion_pos_hosted_zone": "fusionPOS.com"}, "POS01", "fusionPOS.com"),
    ({"fusion_default_pos_host": "POS01", "org_placement": {"pos_host": "POS02"}}, "POS02", ""),
])
def test_the_plan_entry_carries_the_pos_host_and_the_zone(values, pos_host, zone):
    entry = _org_plan.plan({"xmsqa1": dict(PLAN_VALUES, **values)})["xmsqa1"]
    assert (entry["pos_host"], entry["hosted_zone"], entry["pos_host_region"]) == (pos_host, zone, "us-east-1")


@pytest.mark.parametrize("values, message", [
    ({"fusion_default_pos_host": "pos1"}, "invalid POS host name"),
    ({"org_pos_version": ""}, "org_pos_version must be"),
    ({"fusion_pos_hosted_zone": 5}, "fusion_pos_hosted_zone must be"),
])
def test_the_plan_refuses_bad_pos_values(values, message):
    with pytest.raises(_org_plan.PlanError, match=message):
        _org_plan.plan({"xmsqa1": dict(PLAN_VALUES, **values)})


@pytest.mark.parametrize("dns, expected", [
    ({}, "DNS: not provisioned in this run"),
    ({"manual": True, "record": {"name": NAME, "type": "A", "value": "the public IPv4 address of POS host POS01"}},
     "DNS: MANUAL (no Route 53 hosted zone configured, fusion_pos_hosted_zone): create A record %s -> "
     "the public IPv4 address of POS host POS01" % NAME),
    ({"manual": False, "zone": "fusionpos.com", "record": {"name": NAME, "type": "A", "ttl": 300, "value": "203.0.113.20"}},
     "DNS: A record %s -> 203.0.113.20 (TTL 300) in hosted zone fusionpos.com" % NAME),
])
def test_the_summary_prints_the_dns_line(dns, expected):
    lines = _org_summary.org_lines("xmsqa1", {"environment": "qa"}, {}, {}, {}, {}, False, dns=dns)
    assert expected in lines
