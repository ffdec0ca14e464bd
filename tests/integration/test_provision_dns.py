"""provision.yml's DNS step (role org_dns): the tenant's A record, or the manual line without a zone."""

import pytest

from fusion_testlib import REPO

SANDBOX = REPO / "inventories" / "sandbox"
SUMMARY_TASK = "Result of the org"


@pytest.fixture
def provision(playbook, aws):
    def run(org="xmsqa1", extra_vars=None, **kwargs):
        variables = {"org": org, "aws_endpoint_url": aws.url}
        variables.update(extra_vars or {})
        return playbook("provision.yml", extra_vars=variables, inventory=SANDBOX, **kwargs)
    return run


def a_records(boto, zone):
    found = boto("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return dict((item["Name"].rstrip(".").lower(), [v["Value"] for v in item["ResourceRecords"]]) for item in found if item["Type"] == "A")


def test_provision_makes_the_record_then_a_rerun_writes_nothing(provision, aws, boto, hosted_zone, pos_host):
    zone = {"fusion_pos_hosted_zone": "fusionPOS.com"}
    first = provision(extra_vars=zone)
    assert first.rc == 0, first.output
    assert first.org_step("dns", "xmsqa1")["changed"] is True
    assert a_records(boto, hosted_zone) == {"xmsqa1.fusionpos.com": [pos_host]}
    summary = first.result(SUMMARY_TASK, "xmsqa1")["msg"]
    assert "DNS: A record xmsqa1.fusionPOS.com -> %s (TTL 300) in hosted zone fusionpos.com" % pos_host in summary
    aws.reset_recording()
    again = provision(extra_vars=zone)
    assert again.rc == 0, again.output
    assert again.changed("xmsqa1") == 0
    assert [call for call in aws.writes() if call.service == "route53"] == []


def test_without_a_zone_the_summary_says_which_record_to_create(provision, aws):
    result = provision()
    assert result.rc == 0, result.output
    assert result.org_step("dns", "xmsqa1")["changed"] is False
    summary = result.result(SUMMARY_TASK, "xmsqa1")["msg"]
    assert any(line.startswith("DNS: MANUAL") and "A record xmsqa1.fusionPOS.com -> the public IPv4 address of POS host POS01" in line
               for line in summary), summary
    assert [call for call in aws.calls() if call.service == "route53"] == []
