# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A security group of the POS VPC with exactly the ingress rules given (``fusion.pos.fusion_security_group``).

Used for ``SG-POS-OPS``, ``SG-POS-DB`` and ``SG-POS-HOST`` (names: ``_naming.security_group_name``).
Handlers return ``(changed, before, after)`` and never write in check mode; ``work(ctx)`` records
them in one ``DifferenceTracker``. The calls are in ``_ec2``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _naming, _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource


def parse_ports(text, group):
    text = str(text).strip()
    low, high = text.split("-", 1) if "-" in text else (text, "")
    try:
        low, high = int(low), int(high or low)
    except ValueError:
        raise FusionModuleError("security group %s: ports %r: a port or a range like 5985-5986" % (group, text))
    if not 0 <= low <= high <= 65535:
        raise FusionModuleError("security group %s: ports %r out of range" % (group, text))
    return low, high


def wanted_rules(name, rules):
    result = []
    seen = set()
    for rule in rules:
        cidr = _ec2.normalise_cidr(rule["cidr"], "security group %s: rule address" % name)
        description = rule.get("description") or ""
        if description:
            _ec2.check_sg_description(description, "security group %s: rule description" % name)
        for ports in rule["ports"]:
            low, high = parse_ports(ports, name)
            key = ("tcp", low, high, cidr)
            if key in seen:
                raise FusionModuleError("security group %s: two rules for ports %s from %s" % (name, ports, cidr))
            seen.add(key)
            result.append({"protocol": "tcp", "from_port": low, "to_port": high, "cidr": cidr, "description": description})
    return _ec2.sort_rules(result)


def validate(params):
    _naming.validate_region(params["region"])
    wanted_rules(params["name"], params["rules"])


def ensure_group(ec2, name, vpc_name, vpc_id, description, tags, desired, check_mode):
    """A missing group is created with its rules. Returns ``(changed, before, after, group)``, group None when missing."""
    groups = _ec2.find_security_groups(ec2, vpc_id, [name]) if vpc_id else []
    after = {"name": name, "vpc": vpc_name}
    if groups:
        return False, after, after, groups[0]
    if not check_mode:
        group_id = _ec2.create_security_group(ec2, name, vpc_id, description, tags)
        if desired:
            _ec2.authorize_ingress(ec2, group_id, _ec2.permissions_from_rules(desired))
        return True, None, after, {"GroupId": group_id}
    return True, None, after, None


def _target(rule):
    return (rule["protocol"], rule["from_port"], rule["to_port"], rule["cidr"])


def ensure_rules(ec2, name, group, desired, purge, check_mode):
    """The ingress rules of an existing group. Returns ``(changed, before, after)``."""
    group_id = group["GroupId"]
    existing = _ec2.rules_from_permissions(group.get("IpPermissions"))
    wanted_keys = set(_ec2.rule_key(r) for r in desired)
    have_keys = set(_ec2.rule_key(r) for r in existing)
    to_add = [r for r in desired if _ec2.rule_key(r) not in have_keys]
    to_remove = [r for r in existing if _ec2.rule_key(r) not in wanted_keys]
    if not purge:
        # keep foreign rules, but a listed rule whose description changed still gets replaced
        add_targets = set(_target(r) for r in to_add)
        to_remove = [r for r in to_remove if _target(r) in add_targets]
    unsupported = [r for r in to_remove if not r["cidr"] or "/" not in r["cidr"] or ":" in r["cidr"]]
    if unsupported:
        raise FusionModuleError("security group %s (%s): has rules this module does not manage (group, IPv6 or prefix-list sources): %s"
                                % (name, group_id, unsupported))
    current = _ec2.sort_rules([r for r in existing if r not in to_remove] + to_add)
    if not check_mode:
        if to_remove:
            _ec2.revoke_ingress(ec2, group_id, _ec2.permissions_from_rules(to_remove, descriptions=False))
        if to_add:
            _ec2.authorize_ingress(ec2, group_id, _ec2.permissions_from_rules(to_add))
    return existing != current, existing, current


def ensure_group_tags(ec2, group, tags, check_mode):
    """Missing tags added. Returns ``(changed, before, after)`` over the missing keys only."""
    current = _tags.to_dict(group.get("Tags"))
    to_add = _tags.missing(current, tags)
    if to_add and not check_mode:
        _ec2.create_tags(ec2, group["GroupId"], to_add)
    return bool(to_add), dict((k, current.get(k)) for k in to_add), to_add


def work(ctx):
    params = ctx.params
    name = params["name"]
    region = params["region"]
    desired = wanted_rules(name, params["rules"])
    vpc_name = params["vpc"] or _naming.vpc_name(region)
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    tags["Name"] = name
    ec2 = ctx.client("ec2", region)
    tracker = DifferenceTracker()

    vpc = _ec2.find_vpc(ec2, vpc_name)
    if vpc is None and not ctx.check_mode:
        raise FusionModuleError("security group %s: VPC %s does not exist; run fusion.pos.fusion_vpc (shared.yml) first" % (name, vpc_name))
    vpc_id = vpc["VpcId"] if vpc else ""
    changed, before, after, group = ensure_group(ec2, name, vpc_name, vpc_id, params["description"], tags, desired, ctx.check_mode)
    tracker.add("group", before, after, changed)
    if changed:
        tracker.add("rules", [], desired)
        current = desired
    else:
        changed, before, current = ensure_rules(ec2, name, group, desired, params["purge_rules"], ctx.check_mode)
        tracker.add("rules", before, current, changed)
        changed, before, after = ensure_group_tags(ec2, group, tags, ctx.check_mode)
        if changed:
            tracker.add("tags", before, after)
    return tracker.result(ctx, "security group %s" % name, group_id=(group or {}).get("GroupId", ""), rules=current)


RESOURCE = Resource(
    "fusion_security_group",
    dict(
        name=dict(type="str", required=True),
        description=dict(type="str", required=True),
        vpc=dict(type="str"),
        rules=dict(type="list", elements="dict", default=[], options=dict(
            ports=dict(type="list", elements="str", required=True),
            cidr=dict(type="str", required=True),
            description=dict(type="str", default="", aliases=["name"]),
        )),
        purge_rules=dict(type="bool", default=True),
        tags=dict(type="dict", default={}),
    ),
    work,
    validate=validate,
)
