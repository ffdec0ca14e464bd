"""fusion.pos.fusion_dns_record against the emulator: the tenant's A record in Route 53.

Zones, records and the POS host are made with boto3 and read back with boto3; write calls are
counted with ``aws.writes()`` (Route 53 is a REST API: a write is any request but GET/HEAD).
"""

import pytest

from fusion_testlib import module_play

NAME = "xmsqa1.fusionPOS.com"
TASK = "dns"


@pytest.fixture
def zone(aws, hosted_zone):
    """The public hosted zone fusionPOS.com and POS01 (tests/conftest.py); the recorder starts after the setup."""
    aws.reset_recording()
    return hosted_zone


@pytest.fixture
def dns(playbook):
    def run(check=False, diff=False, **options):
        options.setdefault("org", "xmsqa1")
        options.setdefault("pos_host", "POS01")
        options.setdefault("hosted_zone", "fusionPOS.com")
        options.setdefault("region", "us-east-1")
        return playbook(module_play([{"name": TASK, "fusion.pos.fusion_dns_record": options, "ignore_errors": True}]),
                        check=check, diff=diff)
    return run


def records(boto, zone_id):
    found = boto("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return dict((item["Name"].rstrip(".").lower(), (item["TTL"], [v["Value"] for v in item["ResourceRecords"]]))
                for item in found if item["Type"] == "A")


def upsert(boto, zone_id, value, ttl=300):
    boto("route53").change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": NAME, "Type": "A", "TTL": ttl, "ResourceRecords": [{"Value": value}]}}]})


def test_creates_the_a_record_pointing_at_the_pos_host(dns, boto, zone, pos_host):
    result = dns().result(TASK)
    assert result["changed"] is True and result["manual"] is False, result
    assert result["record"] == {"name": NAME, "type": "A", "ttl": 300, "value": pos_host}
    assert records(boto, zone)[NAME.lower()] == (300, [pos_host])


def test_a_rerun_makes_no_write(dns, aws, zone):
    dns()
    aws.reset_recording()
    result = dns().result(TASK)
    assert result["changed"] is False
    assert aws.writes() == []


def test_the_zone_can_be_named_by_its_id(dns, boto, zone, pos_host):
    assert dns(hosted_zone=zone).result(TASK)["zone_id"] == zone
    assert records(boto, zone)[NAME.lower()] == (300, [pos_host])


@pytest.mark.parametrize("drift", [dict(value="198.51.100.9"), dict(value=None, ttl=60)])
def test_drift_is_repaired(dns, boto, zone, pos_host, drift):
    upsert(boto, zone, drift["value"] or pos_host, drift.get("ttl", 300))
    result = dns().result(TASK)
    assert result["changed"] is True
    assert records(boto, zone)[NAME.lower()] == (300, [pos_host])


def test_dry_run_reports_exactly_what_the_real_run_changes_and_writes_nothing(dns, aws, boto, zone, pos_host):
    upsert(boto, zone, "198.51.100.9")
    aws.reset_recording()
    dry = dns(check=True, diff=True).result(TASK)
    assert aws.writes() == []
    assert records(boto, zone)[NAME.lower()] == (300, ["198.51.100.9"])
    real = dns(diff=True).result(TASK)
    assert dry["changed"] is real["changed"] is True
    assert dry["diff"] == real["diff"]
    assert real["diff"]["before"]["record"]["values"] == ["198.51.100.9"]
    assert real["diff"]["after"]["record"]["values"] == [pos_host]


def test_ttl_is_an_option(dns, boto, zone, pos_host):
    dns(ttl=60)
    assert records(boto, zone)[NAME.lower()] == (60, [pos_host])


@pytest.mark.parametrize("hosted_zone", ["example.org", "ZNOSUCHZONE0001"])
def test_a_zone_that_is_not_found_fails_in_one_line(dns, aws, pos_host, hosted_zone):
    aws.reset_recording()
    result = dns(hosted_zone=hosted_zone).result(TASK)
    assert result["failed"] is True
    assert "\n" not in result["msg"] and result["msg"].startswith("hosted zone %s: " % hosted_zone)
    assert aws.writes() == []


def test_a_pos_host_that_is_not_there_fails_in_one_line(dns, zone):
    result = dns(pos_host="POS02").result(TASK)
    assert result["failed"] is True and result["msg"].startswith("POS host POS02: no live EC2 instance")


def test_without_a_zone_no_call_is_made_and_the_record_is_manual(dns, aws):
    aws.reset_recording()
    result = dns(hosted_zone="").result(TASK)
    assert (result["changed"], result["manual"]) == (False, True)
    assert result["record"]["name"] == NAME and result["record"]["type"] == "A"
    assert "POS01" in result["record"]["value"]
    assert aws.calls() == []


# ---- state=absent (deprovision.yml) ---------------------------------------------------------------------

def test_absent_deletes_the_record_whatever_it_points_at_and_reads_no_pos_host(dns, aws, boto, zone):
    upsert(boto, zone, "198.51.100.9", ttl=60)
    aws.reset_recording()
    result = dns(state="absent", pos_host=None).result(TASK)
    assert result["changed"] is True, result
    assert NAME.lower() not in records(boto, zone)
    assert [call.service for call in aws.calls() if call.service == "ec2"] == []


def test_absent_a_rerun_makes_no_write(dns, aws, boto, zone, pos_host):
    upsert(boto, zone, pos_host)
    dns(state="absent")
    aws.reset_recording()
    assert dns(state="absent").result(TASK)["changed"] is False
    assert aws.writes() == []


def test_absent_in_check_mode_reports_the_deletion_and_writes_nothing(dns, aws, boto, zone, pos_host):
    upsert(boto, zone, pos_host)
    aws.reset_recording()
    result = dns(state="absent", check=True, diff=True).result(TASK)
    assert result["changed"] is True
    assert result["diff"]["before"]["record"]["values"] == [pos_host] and result["diff"]["after"]["record"] is None
    assert aws.writes() == []
    assert records(boto, zone)[NAME.lower()] == (300, [pos_host])


def test_absent_leaves_other_records_of_the_zone_alone(dns, boto, zone, pos_host):
    upsert(boto, zone, pos_host)
    boto("route53").change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "xmsqa2.fusionPOS.com", "Type": "A", "TTL": 300,
                                                  "ResourceRecords": [{"Value": pos_host}]}}]})
    dns(state="absent")
    assert records(boto, zone) == {"xmsqa2.fusionpos.com": (300, [pos_host])}


def test_absent_without_a_zone_makes_no_call_and_names_the_record_to_delete(dns, aws):
    result = dns(state="absent", hosted_zone="").result(TASK)
    assert result["changed"] is False and result["manual"] is True
    assert "delete the A record xmsqa1.fusionPOS.com by hand" in result["msg"]
    assert aws.calls() == []
