# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant's DNS record ``<org>.<pos_domain>`` (``fusion.pos.fusion_dns_record``).

docs/specification.md section 3 (the tenant's host name) and section 8 (the DNS record, "Route 53,
when a hosted zone is configured"); decisions in docs/tenant-and-dns.md.

- No hosted zone configured (``hosted_zone`` empty): no AWS call at all; the result is
  ``manual: true`` with the record an operator creates by hand (name, type, value).
- Otherwise: the zone (a name, or an ID such as ``Z0123456789ABC``) is read, the POS host's public
  IPv4 address is read from EC2 (the one live instance tagged ``Name=<pos_host>``), the record is
  read with ``list_resource_record_sets`` and written with one ``UPSERT`` only when its type, TTL
  or value differ. ``UPSERT`` is idempotent by itself, so a retried write cannot duplicate anything.
- ``state=absent`` (deprovision.yml): the record, when there, is deleted with one ``DELETE`` of the
  record set exactly as read (Route 53 deletes only an exact match); no POS host is read. A retried
  delete that finds the record already gone (an earlier try did it) is success. Without a hosted zone
  nothing is called and the result says which record to delete by hand.

Handlers return ``(changed, before, after)``; ``work(ctx)`` records them in one
``DifferenceTracker``. Calls: ``_route53``, ``_ec2``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _naming, _route53
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

RECORD_TYPE = "A"
DEFAULT_TTL = 300
# A hosted zone ID (Z0123456789ABCDEFGHIJ, or /hostedzone/...): upper-case letters and digits, no dot.
_ZONE_ID_RE = re.compile(r"^(/hostedzone/)?([A-Z0-9]{1,32})\Z")


def record_name(params):
    return _naming.tenant_host_name(params["org"], params["pos_domain"] or _naming.DEFAULT_POS_DOMAIN)


def validate(params):
    name = record_name(params)
    if params["pos_host"]:
        _naming.validate_pos_host(params["pos_host"])
    elif params["hosted_zone"] and params["state"] == "present":
        raise FusionModuleError("DNS record %s: no POS host to point at (org_placement.pos_host or fusion_default_pos_host)" % name)
    if not 0 <= params["ttl"] <= 2147483647:
        raise FusionModuleError("DNS record %s: ttl must be 0 to 2147483647 seconds, got %d" % (name, params["ttl"]))


def manual_record(params):
    """What an operator creates by hand when no hosted zone is configured."""
    host = params["pos_host"]
    value = ("the public IPv4 address of POS host %s (EC2 instance tagged Name=%s)" % (host, host) if host
             else "the public IPv4 address of the org's POS host")
    return {"name": record_name(params), "type": RECORD_TYPE, "ttl": params["ttl"], "value": value}


def find_zone(route53, zone):
    """``(zone ID, zone name)`` of the configured zone; a zone that is not there fails in one line."""
    match = _ZONE_ID_RE.match(zone)
    if match:
        found = _route53.get_hosted_zone(route53, match.group(2))
        if not found:
            raise FusionModuleError("hosted zone %s: not found in this AWS account (fusion_pos_hosted_zone)" % zone)
        return match.group(2), _route53.dns_name(found["Name"])
    zones = [item for item in _route53.hosted_zones_named(route53, zone) if not (item.get("Config") or {}).get("PrivateZone")]
    if not zones:
        raise FusionModuleError("hosted zone %s: no public hosted zone of that name in this AWS account (fusion_pos_hosted_zone)" % zone)
    if len(zones) > 1:
        raise FusionModuleError("hosted zone %s: %d public hosted zones carry that name (%s); name one by its ID"
                                % (zone, len(zones), ", ".join(sorted(item["Id"].split("/")[-1] for item in zones))))
    return zones[0]["Id"].split("/")[-1], _route53.dns_name(zones[0]["Name"])


def host_address(ec2, host):
    """The public IPv4 address of the one live instance tagged ``Name=<host>``."""
    instance = _ec2.find_one_by_name(_ec2.find_instances(ec2, host), host, "instances", "InstanceId")
    if not instance:
        raise FusionModuleError("POS host %s: no live EC2 instance carries Name tag %s (shared.yml makes it)" % (host, host))
    address = instance.get("PublicIpAddress")
    if not address:
        raise FusionModuleError("POS host %s (%s): has no public IPv4 address for the tenant's DNS record"
                                % (host, instance["InstanceId"]))
    return address


def read_record(route53, zone_id, name):
    """``(record set as Route 53 answers it, its comparable form)``; ``(None, None)`` when there is none."""
    found = _route53.record_sets(route53, zone_id, name, RECORD_TYPE)
    if any(item.get("SetIdentifier") for item in found):
        raise FusionModuleError("DNS record %s: has a routing policy (SetIdentifier); fusion.pos manages only a simple record, "
                                "fix it by hand" % name)
    if not found:
        return None, None
    item = found[0]
    before = {"name": name, "type": RECORD_TYPE, "ttl": item.get("TTL"),
              "values": sorted(value["Value"] for value in item.get("ResourceRecords") or [])}
    if item.get("AliasTarget"):
        before["alias"] = _route53.dns_name(item["AliasTarget"].get("DNSName"))
    return item, before


def ensure_record(route53, zone_id, name, ttl, address, comment, check_mode):
    """The A record ``name`` -> ``address``. Returns ``(changed, before, after)``."""
    before = read_record(route53, zone_id, name)[1]
    after = {"name": name, "type": RECORD_TYPE, "ttl": ttl, "values": [address]}
    changed = before != after
    if changed and not check_mode:
        _route53.upsert_record(route53, zone_id, name, RECORD_TYPE, ttl, [address], comment)
    return changed, before, after


def remove_record(route53, zone_id, name, comment, check_mode):
    """No A record ``name`` (deleted exactly as read). Returns ``(changed, before, None)``."""
    item, before = read_record(route53, zone_id, name)
    if item is not None and not check_mode:
        _route53.delete_record(route53, zone_id, name, item, comment)
    return before is not None, before, None


def work(ctx):
    params = ctx.params
    name = record_name(params)
    absent = params["state"] == "absent"
    if not params["hosted_zone"]:
        record = manual_record(params)
        todo = ("delete the %(type)s record %(name)s by hand if it exists" if absent
                else "create the %(type)s record %(name)s -> %(value)s by hand")
        return dict(changed=False, manual=True, record=record, msg="no Route 53 hosted zone configured: " + todo % record)
    route53 = ctx.client("route53")
    zone_id, zone_name = find_zone(route53, params["hosted_zone"])
    if _route53.dns_name(name) != zone_name and not _route53.dns_name(name).endswith("." + zone_name):
        raise FusionModuleError("DNS record %s: is not inside hosted zone %s (%s)" % (name, zone_name, zone_id))
    if absent:
        tracker = DifferenceTracker()
        tracker.record("record", remove_record(route53, zone_id, name, "fusion.pos: tenant %s deprovisioned" % params["org"],
                                               ctx.check_mode))
        return tracker.result(ctx, "DNS record %s" % name, manual=False, zone_id=zone_id, zone=zone_name,
                              record={"name": name, "type": RECORD_TYPE})
    address = host_address(ctx.client("ec2"), params["pos_host"])
    tracker = DifferenceTracker()
    tracker.record("record", ensure_record(route53, zone_id, name, params["ttl"], address,
                                           "fusion.pos: tenant %s on %s" % (params["org"], params["pos_host"]), ctx.check_mode))
    return tracker.result(ctx, "DNS record %s" % name, manual=False, zone_id=zone_id, zone=zone_name,
                          pos_host=params["pos_host"], address=address,
                          record={"name": name, "type": RECORD_TYPE, "ttl": params["ttl"], "value": address})


RESOURCE = Resource(
    "fusion_dns_record",
    dict(
        org=dict(type="str", required=True),
        pos_domain=dict(type="str", default=_naming.DEFAULT_POS_DOMAIN),
        pos_host=dict(type="str"),
        hosted_zone=dict(type="str", default=""),
        ttl=dict(type="int", default=DEFAULT_TTL),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    work,
    validate=validate,
)
