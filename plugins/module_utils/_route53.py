# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route 53 calls of the tenant's DNS record (``_dns_record``).

One AWS call per ``aws_call``-decorated function; reads of something that may not exist answer
None. Route 53 is a global service: its client needs no particular region.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call

# Route 53 answers PriorRequestNotComplete while an earlier change of the zone is being applied.
BUSY = ("PriorRequestNotComplete", "Throttling")


def dns_name(name):
    """``Name.Example.com.`` -> ``name.example.com`` (Route 53 compares names case-insensitively)."""
    return str(name or "").rstrip(".").lower().replace("\\052", "*")


@aws_call("read the hosted zone", "hosted zone {0}", missing=("NoSuchHostedZone", "InvalidInput"))
def get_hosted_zone(client, zone_id):
    return client.get_hosted_zone(Id=zone_id)["HostedZone"]


@aws_call("find the hosted zone", "hosted zone {0}")
def hosted_zones_named(client, name):
    """Every hosted zone named exactly ``name`` (public and private ones)."""
    answer = client.list_hosted_zones_by_name(DNSName=name, MaxItems="10")
    return [zone for zone in answer["HostedZones"] if dns_name(zone["Name"]) == dns_name(name)]


@aws_call("read the record", "DNS record {1}")
def record_sets(client, zone_id, name, record_type):
    """The record sets of ``name`` and ``record_type`` (several only with routing policies)."""
    answer = client.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=name,
                                              StartRecordType=record_type, MaxItems="10")
    return [item for item in answer["ResourceRecordSets"]
            if dns_name(item["Name"]) == dns_name(name) and item["Type"] == record_type]


@aws_call("write the record", "DNS record {1}", retry_codes=BUSY)
def upsert_record(client, zone_id, name, record_type, ttl, values, comment):
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
        "Comment": comment,
        "Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": name, "Type": record_type, "TTL": ttl,
            "ResourceRecords": [{"Value": value} for value in values]}}],
    })


@aws_call("delete the record", "DNS record {1}", retry_codes=BUSY, done=("InvalidChangeBatch",))
def delete_record(client, zone_id, name, record_set, comment):
    """Delete ``record_set`` exactly as ``list_resource_record_sets`` answered it (Route 53 deletes only
    an exact match). Sent again after a lost answer, "not found" (InvalidChangeBatch) means an earlier
    try deleted it."""
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
        "Comment": comment, "Changes": [{"Action": "DELETE", "ResourceRecordSet": record_set}]})
