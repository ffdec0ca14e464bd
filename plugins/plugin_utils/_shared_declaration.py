# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared-infrastructure declaration of an environment, validated into one plan (no AWS call).

- ``DECLARATION_SPEC``: the argument spec of the declaration, with nested option specs for
  ``regions``, ``rds_instances``, ``brokers`` and ``operators`` (types, required keys, no unknown
  key) and ``POS_HOST_SPEC`` for each value of the ``pos_hosts`` map (applied by ``build_plan``,
  since an argument spec cannot describe a map of arbitrary names).
- ``build_plan(...)``: the rules between entries (naming rules, duplicates, declared regions and
  availability zones, a POS host's RDS instance and broker) and the normalised plan, or one
  ``DeclarationError`` naming every offending entry.

Narrowing the plan to a run (``-e region=``, ``--limit``) is ``_shared_scope``'s job.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _rds
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._naming import (
    NamingError, validate_broker, validate_environment, validate_pos_host, validate_rds_instance, validate_region,
)

REGION_SPEC = dict(
    region=dict(type="str", required=True),
    availability_zones=dict(type="list", elements="str", required=True),
)
RDS_INSTANCE_SPEC = dict(
    name=dict(type="str", required=True),
    region=dict(type="str", required=True),
    availability_zone=dict(type="str", required=True),
    edition=dict(type="str", required=True),
    instance_class=dict(type="str"),
    allocated_storage=dict(type="int"),
    backup_retention_days=dict(type="int"),
    engine_version=dict(type="str"),
)
BROKER_SPEC = dict(
    name=dict(type="str", required=True),
    region=dict(type="str", required=True),
    instance_type=dict(type="str"),
    engine_version=dict(type="str"),
)
OPERATOR_SPEC = dict(
    name=dict(type="str", required=True),
    address=dict(type="str", required=True),
)
POS_HOST_SPEC = dict(
    region=dict(type="str", required=True),
    availability_zone=dict(type="str", required=True),
    rds_instance=dict(type="str", required=True),
    broker=dict(type="str", required=True),
    pos_version=dict(type="str", required=True),
    subnet=dict(type="str", default="public"),
    instance_type=dict(type="str"),
    ami_id=dict(type="str"),
)
DECLARATION_SPEC = dict(
    environment=dict(type="str", required=True),
    regions=dict(type="list", elements="dict", default=[], options=REGION_SPEC),
    rds_instances=dict(type="list", elements="dict", default=[], options=RDS_INSTANCE_SPEC),
    brokers=dict(type="list", elements="dict", default=[], options=BROKER_SPEC),
    operators=dict(type="list", elements="dict", default=[], options=OPERATOR_SPEC),
    pos_hosts=dict(type="dict", default={}),
)

SUBNETS = ("public", "private")
_VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+){1,3}([-+][A-Za-z0-9.]+)?\Z")
_AZ_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]+[a-z]\Z")


class DeclarationError(ValueError):
    """The declaration (or the scope asked of it) is refused; the message names every offending entry."""


class Problems:
    """Every problem of a declaration, each ``<entry>: <what is wrong>``."""

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

    def about(self, where):
        return [item for item in self.items if item.startswith(where + ":")]


def _given(item):
    """The keys of a validated entry that were given (the argument spec adds absent ones as None)."""
    return dict((key, value) for key, value in item.items() if value is not None)


def _entry(item, where, problems, required):
    if not isinstance(item, dict):
        problems.add(where, "must be a mapping, got %r" % (item,))
        return None
    item = _given(item)
    missing = [key for key in required if item.get(key) in (None, "", [])]
    if missing:
        problems.add(where, "missing %s" % ", ".join(missing))
    return item


def _where(kind, item, key, index):
    name = item.get(key) if isinstance(item, dict) else None
    return "%s[%s]" % (kind, name or index), name


def _regions(regions, problems):
    plan = {}
    for index, item in enumerate(regions or []):
        where, region = _where("regions", item, "region", index)
        item = _entry(item, where, problems, ("region", "availability_zones"))
        if not item or not region or not problems.check(where, validate_region, region):
            continue
        azs = item.get("availability_zones") or []
        if (not isinstance(azs, list) or len(azs) != 2 or azs[0] == azs[1]
                or not all(isinstance(az, str) and _AZ_RE.match(az) and az.startswith(region) for az in azs)):
            problems.add(where, "availability_zones must be two different zones of %s (primary, secondary), got %r" % (region, azs))
            continue
        if region in plan:
            problems.add(where, "declared twice")
            continue
        plan[region] = {"region": region, "availability_zones": list(azs)}
    if not plan:
        problems.add("regions", "at least one region must be declared")
    return plan


def _placed(where, item, regions, problems):
    """Whether the entry's region (and availability zone, if any) are declared."""
    region = item.get("region")
    if region not in regions:
        problems.add(where, "region %r is not declared under regions" % (region,))
        return False
    az = item.get("availability_zone")
    if az is not None and az not in regions[region]["availability_zones"]:
        problems.add(where, "availability zone %r is not one of the two declared for %s: %s"
                     % (az, region, regions[region]["availability_zones"]))
        return False
    return True


def _rds_instances(rds_instances, regions, problems):
    plan = {}
    for index, item in enumerate(rds_instances or []):
        where, name = _where("rds_instances", item, "name", index)
        item = _entry(item, where, problems, ("name", "region", "availability_zone", "edition"))
        if not item or not name or not problems.check(where, validate_rds_instance, name):
            continue
        ok = _placed(where, item, regions, problems)
        if item.get("edition") not in _rds.EDITIONS:
            problems.add(where, "unknown edition %r: one of %s" % (item.get("edition"), ", ".join(sorted(_rds.EDITIONS))))
            ok = False
        if name.lower() in [n.lower() for n in plan]:
            problems.add(where, "declared twice (RDS names are case-insensitive)")
            ok = False
        if ok:
            plan[name] = dict(item, hosts=[])
    return plan


def _brokers(brokers, regions, problems):
    plan = {}
    for index, item in enumerate(brokers or []):
        where, name = _where("brokers", item, "name", index)
        item = _entry(item, where, problems, ("name", "region"))
        if not item or not name or not problems.check(where, validate_broker, name):
            continue
        ok = _placed(where, item, regions, problems)
        if name in plan:
            problems.add(where, "declared twice")
            ok = False
        if ok:
            plan[name] = dict(item, hosts=[])
    return plan


def _operators(operators, problems):
    plan = []
    names, cidrs = set(), set()
    for index, item in enumerate(operators or []):
        where, name = _where("operators", item, "name", index)
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
            plan.append({"name": name, "cidr": cidr})
    return sorted(plan, key=lambda o: o["name"].lower())


def spec_errors(errors):
    """The argument spec's errors as short texts, without the ones another error repeats."""
    texts = []
    for error in errors:
        text = " ".join(str(error).split())
        if isinstance(error, UnsupportedError):
            text = "unsupported option %s" % text
        texts.append(text)
    return [text for index, text in enumerate(texts)
            if not any(text in other for other_index, other in enumerate(texts) if other_index != index)
            and text not in texts[:index]]


def argument_refusal(errors):
    """One line refusing task arguments that break ``DECLARATION_SPEC`` (or the scope's spec)."""
    return "shared declaration refused: %s" % "; ".join(spec_errors(errors))


def pos_host_entry(item, where, problems):
    """One value of the ``pos_hosts`` map checked against ``POS_HOST_SPEC`` (types, required and unknown keys)."""
    if item is None:
        problems.add(where, "no pos_host declaration (region, availability_zone, rds_instance, broker, pos_version)")
        return None
    if not isinstance(item, dict):
        problems.add(where, "must be a mapping, got %r" % (item,))
        return None
    missing = [key for key, spec in POS_HOST_SPEC.items() if spec.get("required") and item.get(key) in (None, "", [])]
    if missing:
        problems.add(where, "missing %s" % ", ".join(missing))
        return None
    result = ArgumentSpecValidator(POS_HOST_SPEC).validate(item)
    for text in spec_errors(result.errors):
        problems.add(where, text)
    return None if result.error_messages else _given(result.validated_parameters)


def _pos_host(host, item, plan_rds, plan_brokers, regions, problems):
    where = "pos_hosts[%s]" % host
    if not problems.check(where, validate_pos_host, host):
        return None
    item = pos_host_entry(item, where, problems)
    if not item:
        return None
    _placed(where, item, regions, problems)
    if item["subnet"] not in SUBNETS:
        problems.add(where, "subnet %r: public or private" % (item["subnet"],))
    if not _VERSION_RE.match(item["pos_version"]):
        problems.add(where, "pos_version %r is not a pinned version like 24.2.1" % (item["pos_version"],))
    rds, broker = item["rds_instance"], item["broker"]
    if rds not in plan_rds:
        if problems.check(where, validate_rds_instance, rds):
            problems.add(where, "RDS instance %s is not declared under rds_instances" % rds)
    elif (plan_rds[rds]["region"], plan_rds[rds]["availability_zone"]) != (item["region"], item["availability_zone"]):
        problems.add(where, "is in %s/%s but its RDS instance %s is in %s/%s; they must share one availability zone"
                     % (item["region"], item["availability_zone"], rds, plan_rds[rds]["region"], plan_rds[rds]["availability_zone"]))
    if broker not in plan_brokers:
        if problems.check(where, validate_broker, broker):
            problems.add(where, "broker %s is not declared under brokers" % broker)
    elif plan_brokers[broker]["region"] != item["region"]:
        problems.add(where, "is in %s but its broker %s is in %s" % (item["region"], broker, plan_brokers[broker]["region"]))
    if problems.about(where):
        return None
    return dict(item, name=host)


def build_plan(environment, regions, rds_instances, brokers, operators, pos_hosts):
    """The normalised plan, or DeclarationError naming every bad entry."""
    problems = Problems()
    try:
        environment = validate_environment(environment)
    except NamingError as exc:
        raise DeclarationError("shared declaration refused: %s" % exc)
    plan_regions = _regions(regions, problems)
    plan_rds = _rds_instances(rds_instances, plan_regions, problems)
    plan_brokers = _brokers(brokers, plan_regions, problems)
    plan_operators = _operators(operators, problems)
    plan_hosts = []
    if not isinstance(pos_hosts, dict):
        problems.add("pos_hosts", "must be a mapping of host name to declaration")
        pos_hosts = {}
    for host in sorted(pos_hosts):
        entry = _pos_host(host, pos_hosts[host], plan_rds, plan_brokers, plan_regions, problems)
        if entry:
            plan_hosts.append(entry)
            plan_rds[entry["rds_instance"]]["hosts"].append(host)
            plan_brokers[entry["broker"]]["hosts"].append(host)
    if problems.items:
        raise DeclarationError("shared declaration refused (%s): %s" % (environment, "; ".join(problems.items)))
    return {
        "environment": environment,
        "regions": [plan_regions[r] for r in sorted(plan_regions)],
        "rds_instances": [plan_rds[n] for n in sorted(plan_rds)],
        "brokers": [plan_brokers[n] for n in sorted(plan_brokers)],
        "operators": plan_operators,
        "pos_hosts": plan_hosts,
    }
