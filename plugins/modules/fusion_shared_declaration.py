#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_shared_declaration
short_description: Validate the shared-infrastructure declaration of an environment before any AWS call
version_added: 0.1.0
description:
  - Checks the regions, RDS instances, brokers, operators and POS hosts that an inventory declares
    for C(shared.yml), and returns them normalised as one plan. It makes no AWS call.
  - Refuses, naming every offending entry in one message, names that break the naming rules
    (C(db-POS-NN), C(mq-POS-NN), C(POSNN)), duplicates, an unknown SQL Server edition, an undeclared
    region or availability zone, a POS host whose RDS instance is in another availability zone, a POS
    host that points at an undeclared RDS instance or broker, a missing POS version, an operator
    without a name or with an address that is not IPv4, and duplicate operator names or addresses.
author: Fusion POS team (@fusion-pos)
options:
  environment:
    description: The environment the shared resources belong to.
    type: str
    required: true
  regions:
    description:
      - The regions, each a mapping with C(region) and C(availability_zones) (primary, secondary).
    type: list
    elements: raw
    default: []
  rds_instances:
    description:
      - The RDS instances, each a mapping with C(name), C(region), C(availability_zone) and C(edition).
      - Optional keys C(instance_class), C(allocated_storage), C(backup_retention_days), C(engine_version).
    type: list
    elements: raw
    default: []
  brokers:
    description:
      - The brokers, each a mapping with C(name) and C(region), optional C(instance_type), C(engine_version).
    type: list
    elements: raw
    default: []
  operators:
    description:
      - The operators, each a mapping with C(name) and C(address) (an IPv4 address or network).
    type: list
    elements: raw
    default: []
  pos_hosts:
    description:
      - POS host name to its declaration, a mapping with C(region), C(availability_zone), C(rds_instance),
        C(broker) and C(pos_version), optional C(subnet) (public or private), C(instance_type), C(ami_id).
    type: dict
    default: {}
  region:
    description:
      - Narrow the plan to this region (C(-e region=...) of C(shared.yml)) after the whole declaration is
        validated, to the region's VPC, C(SG-POS-OPS), RDS instances, brokers and POS hosts.
      - Refused, naming the declared regions, when the region is not declared (an empty string too).
      - Omitted or null, every region.
    type: str
  limit:
    description:
      - The raw C(--limit) of the run (C(ansible_limit)), used in messages. Omitted, null or empty, no limit.
    type: str
  limit_hosts:
    description:
      - The hosts the C(--limit) selects (C(ansible_play_hosts_all) of a play on C(localhost:all)); only read
        when O(limit) is given. C(localhost) is ignored; any other host must be a declared POS host.
      - The plan is narrowed to these POS hosts and what they need (their regions' VPC and C(SG-POS-OPS),
        their RDS instances and brokers), and to those of them in O(region) when both are given.
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    description: Makes no change in any mode.
  diff_mode:
    support: none
    description: Nothing to show.
"""

EXAMPLES = r"""
- name: Validate the declaration
  fusion.pos.fusion_shared_declaration:
    environment: qa
    regions: [{region: us-east-1, availability_zones: [us-east-1a, us-east-1b]}]
    rds_instances: [{name: db-POS-01, region: us-east-1, availability_zone: us-east-1a, edition: web}]
    brokers: [{name: mq-POS-01, region: us-east-1}]
    operators: [{name: Jane Doe, address: 203.0.113.7}]
    pos_hosts:
      POS01: {region: us-east-1, availability_zone: us-east-1a, rds_instance: db-POS-01,
              broker: mq-POS-01, pos_version: 24.2.1}
  register: shared_plan
"""

RETURN = r"""
plan:
  description: The normalised declaration (operator addresses as CIDRs, entries sorted by name).
  returned: success
  type: dict
  contains:
    environment:
      description: The environment.
      type: str
    regions:
      description: The regions.
      type: list
    rds_instances:
      description: The RDS instances, each with the POS hosts that use it (C(hosts)).
      type: list
    brokers:
      description: The brokers, each with the POS hosts that use it (C(hosts)).
      type: list
    operators:
      description: The operators, each C({name, cidr}).
      type: list
    pos_hosts:
      description: The POS hosts, each with its C(name).
      type: list
    scope:
      description:
        - What the plan covers, C({region, limit, regions, rds_instances, brokers, pos_hosts}) (names);
          C(region) and C(limit) are null when the run is not narrowed.
      type: dict
msg:
  description: One line saying what the run covers.
  returned: success
  type: str
"""

import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError, run_module
from ansible_collections.fusion.pos.plugins.module_utils._naming import (
    NamingError, validate_broker, validate_environment, validate_pos_host, validate_rds_instance,
)
from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _rds

_VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+){1,3}([-+][A-Za-z0-9.]+)?\Z")
_AZ_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]\Z")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, text):
        self.items.append("%s: %s" % (where, text))

    def check(self, where, func, value):
        try:
            func(value)
            return True
        except (NamingError, FusionModuleError) as exc:
            self.add(where, str(exc))
            return False


def _entry(item, where, problems, required):
    if not isinstance(item, dict):
        problems.add(where, "must be a mapping, got %r" % (item,))
        return None
    missing = [key for key in required if item.get(key) in (None, "", [])]
    if missing:
        problems.add(where, "missing %s" % ", ".join(missing))
    return item


def build_plan(environment, regions, rds_instances, brokers, operators, pos_hosts):
    """The normalised plan, or FusionModuleError naming every bad entry."""
    problems = Problems()
    try:
        environment = validate_environment(environment)
    except NamingError as exc:
        raise FusionModuleError("shared declaration refused: %s" % exc)

    plan_regions = {}
    for index, item in enumerate(regions or []):
        where = "regions[%s]" % (item.get("region") if isinstance(item, dict) and item.get("region") else index)
        item = _entry(item, where, problems, ("region", "availability_zones"))
        if not item or not item.get("region"):
            continue
        region = item["region"]
        if not problems.check(where, _ec2.validate_region, region):
            continue
        azs = item.get("availability_zones") or []
        if (not isinstance(azs, list) or len(azs) != 2 or azs[0] == azs[1]
                or not all(isinstance(az, str) and _AZ_RE.match(az) and az.startswith(region) for az in azs)):
            problems.add(where, "availability_zones must be two different zones of %s (primary, secondary), got %r" % (region, azs))
            continue
        if region in plan_regions:
            problems.add(where, "declared twice")
            continue
        plan_regions[region] = {"region": region, "availability_zones": list(azs)}
    if not plan_regions:
        problems.add("regions", "at least one region must be declared")

    def place(where, item):
        region = item.get("region")
        if region not in plan_regions:
            problems.add(where, "region %r is not declared under regions" % (region,))
            return False
        az = item.get("availability_zone")
        if az is not None and az not in plan_regions[region]["availability_zones"]:
            problems.add(where, "availability zone %r is not one of the two declared for %s: %s"
                         % (az, region, plan_regions[region]["availability_zones"]))
            return False
        return True

    plan_rds = {}
    for index, item in enumerate(rds_instances or []):
        name = item.get("name") if isinstance(item, dict) else None
        where = "rds_instances[%s]" % (name or index)
        item = _entry(item, where, problems, ("name", "region", "availability_zone", "edition"))
        if not item or not name or not problems.check(where, validate_rds_instance, name):
            continue
        ok = place(where, item)
        if item.get("edition") not in _rds.EDITIONS:
            problems.add(where, "unknown edition %r: one of %s" % (item.get("edition"), ", ".join(sorted(_rds.EDITIONS))))
            ok = False
        if name.lower() in [n.lower() for n in plan_rds]:
            problems.add(where, "declared twice (RDS names are case-insensitive)")
            ok = False
        if ok:
            plan_rds[name] = dict(item, hosts=[])

    plan_brokers = {}
    for index, item in enumerate(brokers or []):
        name = item.get("name") if isinstance(item, dict) else None
        where = "brokers[%s]" % (name or index)
        item = _entry(item, where, problems, ("name", "region"))
        if not item or not name or not problems.check(where, validate_broker, name):
            continue
        ok = place(where, item)
        if name in plan_brokers:
            problems.add(where, "declared twice")
            ok = False
        if ok:
            plan_brokers[name] = dict(item, hosts=[])

    plan_operators = []
    names, cidrs = set(), set()
    for index, item in enumerate(operators or []):
        name = item.get("name") if isinstance(item, dict) else None
        where = "operators[%s]" % (name or index)
        item = _entry(item, where, problems, ("name", "address"))
        if not item or not name or not item.get("address"):
            continue
        ok = problems.check(where, lambda n: _ec2.check_sg_description(n, "operator name"), name)
        try:
            cidr = _ec2.normalise_cidr(item["address"], "address")
        except FusionModuleError as exc:
            problems.add(where, str(exc))
            continue
        if name.lower() in names:
            problems.add(where, "operator name declared twice")
            ok = False
        if cidr in cidrs:
            problems.add(where, "address %s declared for another operator too" % cidr)
            ok = False
        names.add(name.lower())
        cidrs.add(cidr)
        if ok:
            plan_operators.append({"name": name, "cidr": cidr})

    plan_hosts = []
    if not isinstance(pos_hosts, dict):
        problems.add("pos_hosts", "must be a mapping of host name to declaration")
        pos_hosts = {}
    for host in sorted(pos_hosts):
        item = pos_hosts[host]
        where = "pos_hosts[%s]" % host
        if not problems.check(where, validate_pos_host, host):
            continue
        if item is None:
            problems.add(where, "no pos_host declaration (region, availability_zone, rds_instance, broker, pos_version)")
            continue
        item = _entry(item, where, problems, ("region", "availability_zone", "rds_instance", "broker", "pos_version"))
        if not item:
            continue
        ok = place(where, item)
        if item.get("subnet", "public") not in ("public", "private"):
            problems.add(where, "subnet %r: public or private" % (item.get("subnet"),))
            ok = False
        version = item.get("pos_version")
        if version not in (None, "") and not _VERSION_RE.match(str(version)):
            problems.add(where, "pos_version %r is not a pinned version like 24.2.1" % (version,))
            ok = False
        rds = item.get("rds_instance")
        if rds and rds not in plan_rds:
            if problems.check(where, validate_rds_instance, rds):
                problems.add(where, "RDS instance %s is not declared under rds_instances" % rds)
            ok = False
        elif rds:
            db = plan_rds[rds]
            if (db["region"], db["availability_zone"]) != (item.get("region"), item.get("availability_zone")):
                problems.add(where, "is in %s/%s but its RDS instance %s is in %s/%s; they must share one availability zone"
                             % (item.get("region"), item.get("availability_zone"), rds, db["region"], db["availability_zone"]))
                ok = False
        broker = item.get("broker")
        if broker and broker not in plan_brokers:
            if problems.check(where, validate_broker, broker):
                problems.add(where, "broker %s is not declared under brokers" % broker)
            ok = False
        elif broker and plan_brokers[broker]["region"] != item.get("region"):
            problems.add(where, "is in %s but its broker %s is in %s" % (item.get("region"), broker, plan_brokers[broker]["region"]))
            ok = False
        if ok and not [p for p in problems.items if p.startswith(where + ":")]:
            entry = dict(item, name=host, pos_version=str(version), subnet=item.get("subnet", "public"))
            plan_hosts.append(entry)
            plan_rds[rds]["hosts"].append(host)
            plan_brokers[broker]["hosts"].append(host)

    if problems.items:
        raise FusionModuleError("shared declaration refused (%s): %s" % (environment, "; ".join(problems.items)))
    return {
        "environment": environment,
        "regions": [plan_regions[r] for r in sorted(plan_regions)],
        "rds_instances": [plan_rds[n] for n in sorted(plan_rds)],
        "brokers": [plan_brokers[n] for n in sorted(plan_brokers)],
        "operators": sorted(plan_operators, key=lambda o: o["name"].lower()),
        "pos_hosts": plan_hosts,
    }


CONTROLLER = "localhost"


def _names(items):
    return [item["name"] if isinstance(item, dict) else item for item in items]


def narrow_plan(plan, region=None, limit=None, limit_hosts=None):
    """The validated plan narrowed to one region and/or the POS hosts a --limit selects.

    ``region`` None: every region; ``limit`` None or empty: no limit (``limit_hosts`` is then not
    read). Refusals (FusionModuleError) name what was asked and what is declared."""
    regions = [r["region"] for r in plan["regions"]]
    hosts = plan["pos_hosts"]
    declared_hosts = [h["name"] for h in hosts]
    if region is not None:
        if region not in regions:
            raise FusionModuleError("shared.yml -e region refused: region %r is not declared in this inventory; "
                                    "declared regions: %s" % (region, ", ".join(regions)))
        hosts = [h for h in hosts if h["region"] == region]
    if limit:
        selected = sorted(set(h for h in (limit_hosts or []) if h != CONTROLLER))
        others = [h for h in selected if h not in declared_hosts]
        if others:
            raise FusionModuleError("shared.yml --limit %r refused: it selects hosts that are not declared POS hosts: %s "
                                    "(a limit narrows shared.yml to POS hosts; declared POS hosts: %s)"
                                    % (limit, ", ".join(others), ", ".join(declared_hosts) or "none"))
        if not selected:
            raise FusionModuleError("shared.yml --limit %r refused: it selects no declared POS host; declared POS hosts: %s"
                                    % (limit, ", ".join(declared_hosts) or "none"))
        in_scope = [h for h in hosts if h["name"] in selected]
        if not in_scope:
            raise FusionModuleError("shared.yml --limit %r with -e region=%s refused: none of %s is in %s (%s)"
                                    % (limit, region, ", ".join(selected), region, ", ".join(
                                        "%s in %s" % (h["name"], h["region"]) for h in plan["pos_hosts"] if h["name"] in selected)))
        hosts = in_scope
        keep_regions = set(h["region"] for h in hosts)
        keep_rds = set(h["rds_instance"] for h in hosts)
        keep_brokers = set(h["broker"] for h in hosts)
    elif region is not None:
        keep_regions = set([region])
        keep_rds = set(r["name"] for r in plan["rds_instances"] if r["region"] == region)
        keep_brokers = set(b["name"] for b in plan["brokers"] if b["region"] == region)
    else:
        keep_regions, keep_rds, keep_brokers = set(regions), set(_names(plan["rds_instances"])), set(_names(plan["brokers"]))
    narrowed = dict(
        plan,
        regions=[r for r in plan["regions"] if r["region"] in keep_regions],
        rds_instances=[r for r in plan["rds_instances"] if r["name"] in keep_rds],
        brokers=[b for b in plan["brokers"] if b["name"] in keep_brokers],
        pos_hosts=hosts,
    )
    narrowed["scope"] = {
        "region": region,
        "limit": limit or None,
        "regions": [r["region"] for r in narrowed["regions"]],
        "rds_instances": _names(narrowed["rds_instances"]),
        "brokers": _names(narrowed["brokers"]),
        "pos_hosts": _names(narrowed["pos_hosts"]),
    }
    return narrowed


def scope_message(plan):
    scope = plan["scope"]
    narrowed_by = [text for text in ("-e region=%s" % scope["region"] if scope["region"] is not None else "",
                                     "--limit %s" % scope["limit"] if scope["limit"] else "") if text]
    listed = ["%s %s" % (label, ", ".join(scope[key]) or "none") for key, label in (
        ("regions", "regions"), ("rds_instances", "RDS instances"), ("brokers", "brokers"), ("pos_hosts", "POS hosts"))]
    return "%s: %s" % ("narrowed by " + " and ".join(narrowed_by) if narrowed_by else "the whole declaration", "; ".join(listed))


def ensure(module):
    p = module.params
    plan = build_plan(p["environment"], p["regions"], p["rds_instances"], p["brokers"], p["operators"], p["pos_hosts"])
    plan = narrow_plan(plan, p["region"], p["limit"], p["limit_hosts"])
    return {"changed": False, "plan": plan, "msg": scope_message(plan)}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            environment=dict(type="str", required=True),
            regions=dict(type="list", elements="raw", default=[]),
            rds_instances=dict(type="list", elements="raw", default=[]),
            brokers=dict(type="list", elements="raw", default=[]),
            operators=dict(type="list", elements="raw", default=[]),
            pos_hosts=dict(type="dict", default={}),
            region=dict(type="str"),
            limit=dict(type="str"),
            limit_hosts=dict(type="list", elements="str"),
        ),
        supports_check_mode=True,
    )
    run_module(module, ensure)


if __name__ == "__main__":
    main()
