#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_vpc
short_description: The regional POS VPC with its subnets, internet gateway, route tables and DB subnet group
version_added: 0.1.0
description:
  - Ensures, in one run, the VPC of one region as docs/specification.md section 7.1 describes it
    C(10.0.0.0/16), no IPv6, default tenancy, DNS support and host names on (public RDS needs them),
    a public and a private subnet in each of the two availability zones, an internet gateway, a
    public route table (C(0.0.0.0/0) to the gateway) for the public subnets, a private route table
    for the private subnets, and an RDS DB subnet group on the public subnets.
  - Every part is found again by its C(Name) tag; the names are fixed (see docs/shared-infrastructure.md)
    VPC C(vpc-POS-<region>), subnets C(subnet-POS-public-<az>) and C(subnet-POS-private-<az>), internet
    gateway C(igw-POS-<region>), route tables C(rtb-POS-public-<region>) and C(rtb-POS-private-<region>),
    DB subnet group C(db-subnets-pos-public-<region>).
  - A part that exists with a different CIDR or availability zone is refused, never replaced.
  - Check mode reads the real state and reports exactly what a real run would create or change,
    without any write.
author: Fusion POS team (@fusion-pos)
options:
  availability_zones:
    description: The primary and the secondary availability zone, in this order.
    type: list
    elements: str
    required: true
  tags:
    description: Tags added to every part besides C(Name) and C(ManagedBy=fusion.pos).
    type: dict
    default: {}
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: Before and after of every part.
"""

EXAMPLES = r"""
- name: The POS VPC of us-east-1
  fusion.pos.fusion_vpc:
    region: us-east-1
    availability_zones: [us-east-1a, us-east-1b]
    tags:
      Environment: qa
"""

RETURN = r"""
vpc_id:
  description: The VPC ID (empty in check mode when the VPC would be created).
  returned: always
  type: str
names:
  description: The C(Name) of every part.
  returned: always
  type: dict
subnets:
  description: Per subnet name, its ID (empty when it would be created), kind, availability zone and CIDR.
  returned: always
  type: dict
db_subnet_group:
  description: The name of the RDS DB subnet group on the public subnets.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    CONNECTION_ARGS, FusionModuleError, client, require_boto3, run_module,
)
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _rds

PLANNED = ""  # the ID of a part that check mode would create


class VpcRun:
    def __init__(self, module):
        self.module = module
        self.check = module.check_mode
        self.region = _ec2.validate_region(module.params["region"] or "")
        azs = module.params["availability_zones"]
        if len(azs) != 2 or azs[0] == azs[1] or not all(az.startswith(self.region) for az in azs):
            raise FusionModuleError("VPC %s: availability_zones must be two different zones of %s, got %s"
                                    % (_ec2.vpc_name(self.region), self.region, azs))
        self.azs = azs
        self.tags = dict(module.params["tags"] or {}, **_ec2.MANAGED_BY)
        self.ec2 = client(module, "ec2", self.region)
        self.rds = client(module, "rds", self.region)
        self.tracker = DifferenceTracker()
        self.names = {
            "vpc": _ec2.vpc_name(self.region),
            "internet_gateway": _ec2.igw_name(self.region),
            "public_route_table": _ec2.route_table_name("public", self.region),
            "private_route_table": _ec2.route_table_name("private", self.region),
            "db_subnet_group": _ec2.db_subnet_group_name(self.region),
        }
        self.subnet_plan = []
        for kind in ("public", "private"):
            for index, az in enumerate(self.azs):
                self.subnet_plan.append({"name": _ec2.subnet_name(kind, az), "kind": kind, "az": az,
                                         "cidr": _ec2.SUBNET_CIDRS[(kind, index)]})
        self.names["subnets"] = [item["name"] for item in self.subnet_plan]

    def named(self, name):
        return dict(self.tags, Name=name)

    def ensure_tags(self, resource_id, current_tags, name):
        wanted = _ec2.missing_tags(current_tags, self.named(name))
        if wanted and not self.check:
            _ec2.create_tags(self.ec2, resource_id, wanted)
        return bool(wanted)

    # -- VPC -----------------------------------------------------------------------------
    def vpc(self):
        name = self.names["vpc"]
        found = _ec2.find_vpcs(self.ec2, name)
        if len(found) > 1:
            raise FusionModuleError("VPC %s: %d VPCs carry this Name tag: %s" % (name, len(found), [v["VpcId"] for v in found]))
        after = {"name": name, "cidr": _ec2.VPC_CIDR, "tenancy": "default", "ipv6": False,
                 "dns_support": True, "dns_hostnames": True}
        if not found:
            vpc_id = PLANNED
            if not self.check:
                vpc_id = _ec2.create_vpc(self.ec2, name, _ec2.VPC_CIDR, self.named(name))["VpcId"]
                for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                    _ec2.set_vpc_attribute(self.ec2, vpc_id, attribute, True)
            self.tracker.add("vpc", None, after)
            return vpc_id
        vpc = found[0]
        vpc_id = vpc["VpcId"]
        if vpc["CidrBlock"] != _ec2.VPC_CIDR or vpc.get("InstanceTenancy", "default") != "default":
            raise FusionModuleError("VPC %s (%s): has CIDR %s and tenancy %s, the standard is %s and default; "
                                    "fix or remove it by hand" % (name, vpc_id, vpc["CidrBlock"], vpc.get("InstanceTenancy"), _ec2.VPC_CIDR))
        before = {"name": name, "cidr": vpc["CidrBlock"], "tenancy": vpc.get("InstanceTenancy", "default"),
                  "ipv6": bool(vpc.get("Ipv6CidrBlockAssociationSet")),
                  "dns_support": _ec2.vpc_attribute(self.ec2, vpc_id, "enableDnsSupport"),
                  "dns_hostnames": _ec2.vpc_attribute(self.ec2, vpc_id, "enableDnsHostnames")}
        if not self.check:
            for attribute, key in (("enableDnsSupport", "dns_support"), ("enableDnsHostnames", "dns_hostnames")):
                if not before[key]:
                    _ec2.set_vpc_attribute(self.ec2, vpc_id, attribute, True)
        after["ipv6"] = before["ipv6"]  # an IPv6 block added by hand is reported, not removed
        tagged = self.ensure_tags(vpc_id, _ec2.tag_dict(vpc.get("Tags")), name)
        self.tracker.add("vpc", before, after, changed=(before != after) or tagged)
        return vpc_id

    # -- internet gateway ----------------------------------------------------------------
    def internet_gateway(self, vpc_id):
        name = self.names["internet_gateway"]
        found = _ec2.find_igws(self.ec2, name)
        if len(found) > 1:
            raise FusionModuleError("internet gateway %s: %d gateways carry this Name tag" % (name, len(found)))
        after = {"name": name, "attached_to": self.names["vpc"]}
        if not found:
            igw_id = PLANNED
            if not self.check:
                igw_id = _ec2.create_igw(self.ec2, name, self.named(name))["InternetGatewayId"]
                _ec2.attach_igw(self.ec2, igw_id, vpc_id)
            self.tracker.add("internet_gateway", None, after)
            return igw_id
        igw = found[0]
        igw_id = igw["InternetGatewayId"]
        attached = [a["VpcId"] for a in igw.get("Attachments", []) if a.get("State") in ("available", "attached", None)]
        if attached and vpc_id not in attached:
            raise FusionModuleError("internet gateway %s (%s): attached to %s, not to VPC %s" % (name, igw_id, attached, self.names["vpc"]))
        before = {"name": name, "attached_to": self.names["vpc"] if attached else None}
        if not attached and not self.check:
            _ec2.attach_igw(self.ec2, igw_id, vpc_id)
        tagged = self.ensure_tags(igw_id, _ec2.tag_dict(igw.get("Tags")), name)
        self.tracker.add("internet_gateway", before, after, changed=(before != after) or tagged)
        return igw_id

    # -- subnets -------------------------------------------------------------------------
    def subnets(self, vpc_id):
        existing = {}
        if vpc_id:
            for subnet in _ec2.vpc_subnets(self.ec2, vpc_id):
                name = _ec2.tag_dict(subnet.get("Tags")).get("Name")
                if name:
                    existing.setdefault(name, []).append(subnet)
        ids = {}
        for plan in self.subnet_plan:
            name = plan["name"]
            public = plan["kind"] == "public"
            after = {"name": name, "cidr": plan["cidr"], "az": plan["az"], "map_public_ip": public}
            found = existing.get(name, [])
            if len(found) > 1:
                raise FusionModuleError("subnet %s: %d subnets carry this Name tag" % (name, len(found)))
            if not found:
                subnet_id = PLANNED
                if not self.check:
                    subnet_id = _ec2.create_subnet(self.ec2, name, vpc_id, plan["cidr"], plan["az"], self.named(name))["SubnetId"]
                    if public:
                        _ec2.set_map_public_ip(self.ec2, subnet_id, True)
                self.tracker.add("subnet %s" % name, None, after)
            else:
                subnet = found[0]
                subnet_id = subnet["SubnetId"]
                if subnet["CidrBlock"] != plan["cidr"] or subnet["AvailabilityZone"] != plan["az"]:
                    raise FusionModuleError("subnet %s (%s): is %s in %s, the standard is %s in %s; fix or remove it by hand"
                                            % (name, subnet_id, subnet["CidrBlock"], subnet["AvailabilityZone"], plan["cidr"], plan["az"]))
                before = dict(after, map_public_ip=bool(subnet.get("MapPublicIpOnLaunch")))
                if before["map_public_ip"] != public and not self.check:
                    _ec2.set_map_public_ip(self.ec2, subnet_id, public)
                tagged = self.ensure_tags(subnet_id, _ec2.tag_dict(subnet.get("Tags")), name)
                self.tracker.add("subnet %s" % name, before, after, changed=(before != after) or tagged)
            ids[name] = subnet_id
        return ids

    # -- route tables --------------------------------------------------------------------
    def route_tables(self, vpc_id, igw_id, subnet_ids):
        tables = _ec2.vpc_route_tables(self.ec2, vpc_id) if vpc_id else []
        by_name = {}
        association_of = {}  # subnet id -> (association id, route table id)
        for table in tables:
            name = _ec2.tag_dict(table.get("Tags")).get("Name")
            if name:
                by_name.setdefault(name, []).append(table)
            for assoc in table.get("Associations", []):
                if assoc.get("SubnetId"):
                    association_of[assoc["SubnetId"]] = (assoc["RouteTableAssociationId"], table["RouteTableId"])
        result = {}
        for kind in ("public", "private"):
            name = self.names["%s_route_table" % kind]
            members = [p["name"] for p in self.subnet_plan if p["kind"] == kind]
            after = {"name": name, "default_route": self.names["internet_gateway"] if kind == "public" else None,
                     "subnets": members}
            found = by_name.get(name, [])
            if len(found) > 1:
                raise FusionModuleError("route table %s: %d route tables carry this Name tag" % (name, len(found)))
            if not found:
                rtb_id = PLANNED
                if not self.check:
                    rtb_id = _ec2.create_route_table(self.ec2, name, vpc_id, self.named(name))["RouteTableId"]
                    if kind == "public":
                        _ec2.create_default_route(self.ec2, rtb_id, igw_id)
                    for subnet in members:
                        self._associate(rtb_id, subnet_ids[subnet], association_of)
                self.tracker.add("route table %s" % name, None, after)
                result[name] = rtb_id
                continue
            table = found[0]
            rtb_id = table["RouteTableId"]
            default = [r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
            gateway = default[0].get("GatewayId") if default else None
            before = {"name": name,
                      "default_route": (self.names["internet_gateway"] if gateway == igw_id and igw_id else gateway),
                      "subnets": sorted(n for n in members if subnet_ids.get(n) and association_of.get(subnet_ids[n], (None, None))[1] == rtb_id)}
            if kind == "private" and gateway:
                before["default_route"] = gateway  # reported; a route added by hand (e.g. a NAT gateway) is kept
                after["default_route"] = gateway
            if not self.check:
                if kind == "public" and gateway != igw_id:
                    if default:
                        _ec2.replace_default_route(self.ec2, rtb_id, igw_id)
                    else:
                        _ec2.create_default_route(self.ec2, rtb_id, igw_id)
                for subnet in members:
                    if subnet not in before["subnets"]:
                        self._associate(rtb_id, subnet_ids[subnet], association_of)
            tagged = self.ensure_tags(rtb_id, _ec2.tag_dict(table.get("Tags")), name)
            after["subnets"] = sorted(after["subnets"])
            self.tracker.add("route table %s" % name, before, after, changed=(before != after) or tagged)
            result[name] = rtb_id
        return result

    def _associate(self, rtb_id, subnet_id, association_of):
        if subnet_id in association_of:
            _ec2.replace_association(self.ec2, rtb_id, association_of[subnet_id][0])
        else:
            _ec2.associate_route_table(self.ec2, rtb_id, subnet_id)

    # -- DB subnet group -----------------------------------------------------------------
    def db_subnet_group(self, subnet_ids):
        name = self.names["db_subnet_group"]
        public = [p["name"] for p in self.subnet_plan if p["kind"] == "public"]
        description = "POS databases (public subnets of %s)" % self.names["vpc"]
        after = {"name": name, "subnets": sorted(public)}
        group = _rds.describe_subnet_group(self.rds, name)
        if group is None:
            if not self.check:
                _rds.create_subnet_group(self.rds, name, description, [subnet_ids[n] for n in public], self.tags)
            self.tracker.add("db_subnet_group", None, after)
            return name
        id_to_name = dict((v, k) for k, v in subnet_ids.items() if v)
        current = sorted(id_to_name.get(s["SubnetIdentifier"], s["SubnetIdentifier"]) for s in group.get("Subnets", []))
        before = {"name": name, "subnets": current}
        if before != after and not self.check:
            _rds.modify_subnet_group(self.rds, name, description, [subnet_ids[n] for n in public])
        self.tracker.add("db_subnet_group", before, after)
        return name

    def run(self):
        vpc_id = self.vpc()
        igw_id = self.internet_gateway(vpc_id)
        subnet_ids = self.subnets(vpc_id)
        self.route_tables(vpc_id, igw_id, subnet_ids)
        group = self.db_subnet_group(subnet_ids)
        subnets = dict((p["name"], {"id": subnet_ids[p["name"]], "kind": p["kind"], "az": p["az"], "cidr": p["cidr"]})
                       for p in self.subnet_plan)
        return self.tracker.result(self.module, self.names["vpc"], vpc_id=vpc_id, names=self.names, subnets=subnets,
                                   db_subnet_group=group)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            availability_zones=dict(type="list", elements="str", required=True),
            tags=dict(type="dict", default={}),
            **CONNECTION_ARGS
        ),
        supports_check_mode=True,
    )
    require_boto3(module)
    run_module(module, lambda m: VpcRun(m).run())


if __name__ == "__main__":
    main()
