#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_security_group
short_description: A security group of the POS VPC with exactly the ingress rules given
version_added: 0.1.0
description:
  - Ensures security group O(name) in the POS VPC of the region (found by its C(Name) tag, see
    M(fusion.pos.fusion_vpc)) with exactly the IPv4 ingress rules of O(rules); a rule not listed is
    removed (O(purge_rules)), a rule whose description changed is replaced.
  - Used for C(SG-POS-OPS) (one rule on 1433 per operator, described by the operator's name),
    C(SG-POS-DB) and C(SG-POS-HOST). Egress stays the AWS default.
  - Check mode reads real state and reports the same change a real run would make; when the VPC does
    not exist yet (a dry run on an empty account) the group is reported as to be created.
author: Fusion POS team (@fusion-pos)
options:
  name:
    description: The group name (also its C(Name) tag).
    type: str
    required: true
  description:
    description: The group description (fixed once the group exists).
    type: str
    required: true
  vpc:
    description: The C(Name) tag of the VPC; default the POS VPC of the region, C(vpc-POS-<region>).
    type: str
  rules:
    description: The ingress rules.
    type: list
    elements: dict
    default: []
    suboptions:
      ports:
        description: TCP ports, each one port or a C(from-to) range; one rule per entry.
        type: list
        elements: str
        required: true
      cidr:
        description: An IPv4 address or network; a bare address means C(/32).
        type: str
        required: true
      description:
        description: The rule description (for C(SG-POS-OPS), the operator's name).
        type: str
        default: ""
        aliases: [name]
  purge_rules:
    description: Remove ingress rules that O(rules) does not list.
    type: bool
    default: true
  tags:
    description: Tags added besides C(Name) and C(ManagedBy=fusion.pos).
    type: dict
    default: {}
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: Before and after of the rule list.
"""

EXAMPLES = r"""
- name: SG-POS-OPS with one SQL Server rule per operator
  fusion.pos.fusion_security_group:
    region: us-east-1
    name: SG-POS-OPS
    description: POS operators to SQL Server
    rules:
      - {ports: ["1433"], cidr: 203.0.113.7, description: Jane Doe}
"""

RETURN = r"""
group_id:
  description: The group ID (empty in check mode when the group would be created).
  returned: always
  type: str
rules:
  description: The ingress rules after the run.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    CONNECTION_ARGS, FusionModuleError, client, require_boto3, run_module,
)
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils import _ec2


def parse_ports(text, group):
    text = str(text).strip()
    low, _sep, high = text.partition("-")
    try:
        low, high = int(low), int(high or low)
    except ValueError:
        raise FusionModuleError("security group %s: ports %r: a port or a range like 5985-5986" % (group, text))
    if not (0 <= low <= high <= 65535):
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


def ensure(module):
    params = module.params
    name = params["name"]
    region = _ec2.validate_region(params["region"] or "")
    desired = wanted_rules(name, params["rules"])
    vpc_name = params["vpc"] or _ec2.vpc_name(region)
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    tags["Name"] = name
    ec2 = client(module, "ec2", region)
    tracker = DifferenceTracker()

    vpcs = _ec2.find_vpcs(ec2, vpc_name)
    if len(vpcs) > 1:
        raise FusionModuleError("VPC %s: %d VPCs carry this Name tag" % (vpc_name, len(vpcs)))
    if not vpcs and not module.check_mode:
        raise FusionModuleError("security group %s: VPC %s does not exist; run fusion.pos.fusion_vpc (shared.yml) first" % (name, vpc_name))
    vpc_id = vpcs[0]["VpcId"] if vpcs else ""
    groups = _ec2.find_security_groups(ec2, vpc_id, [name]) if vpc_id else []
    if not groups:
        group_id = ""
        if not module.check_mode:
            group_id = _ec2.create_security_group(ec2, name, vpc_id, params["description"], tags)
            if desired:
                _ec2.authorize_ingress(ec2, group_id, _ec2.permissions_from_rules(desired))
        tracker.add("group", None, {"name": name, "vpc": vpc_name})
        tracker.add("rules", [], desired)
        current = desired
    else:
        group = groups[0]
        group_id = group["GroupId"]
        tracker.add("group", {"name": name, "vpc": vpc_name}, {"name": name, "vpc": vpc_name})
        existing = _ec2.rules_from_permissions(group.get("IpPermissions"))
        wanted_keys = set(_ec2.rule_key(r) for r in desired)
        have_keys = set(_ec2.rule_key(r) for r in existing)
        to_add = [r for r in desired if _ec2.rule_key(r) not in have_keys]
        to_remove = [r for r in existing if _ec2.rule_key(r) not in wanted_keys]
        if not params["purge_rules"]:
            # keep foreign rules, but a listed rule whose description changed still gets replaced
            add_targets = set((r["protocol"], r["from_port"], r["to_port"], r["cidr"]) for r in to_add)
            to_remove = [r for r in to_remove if (r["protocol"], r["from_port"], r["to_port"], r["cidr"]) in add_targets]
        unsupported = [r for r in to_remove if not r["cidr"] or "/" not in r["cidr"] or ":" in r["cidr"]]
        if unsupported:
            raise FusionModuleError("security group %s (%s): has rules this module does not manage (group, IPv6 or prefix-list sources): %s"
                                    % (name, group_id, unsupported))
        current = _ec2.sort_rules([r for r in existing if r not in to_remove] + to_add)
        if not module.check_mode:
            if to_remove:
                _ec2.revoke_ingress(ec2, group_id, _ec2.permissions_from_rules(to_remove, descriptions=False))
            if to_add:
                _ec2.authorize_ingress(ec2, group_id, _ec2.permissions_from_rules(to_add))
        tracker.add("rules", existing, current)
        missing = _ec2.missing_tags(_ec2.tag_dict(group.get("Tags")), tags)
        if missing:
            if not module.check_mode:
                _ec2.create_tags(ec2, group_id, missing)
            tracker.add("tags", dict((k, _ec2.tag_dict(group.get("Tags")).get(k)) for k in missing), missing)
    return tracker.result(module, "security group %s" % name, group_id=group_id, rules=current)


def main():
    module = AnsibleModule(
        argument_spec=dict(
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
            **CONNECTION_ARGS
        ),
        supports_check_mode=True,
    )
    require_boto3(module)
    run_module(module, ensure)


if __name__ == "__main__":
    main()
