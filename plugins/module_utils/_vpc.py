# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The regional POS VPC (``fusion.pos.fusion_vpc``): VPC, internet gateway, subnets, route tables and
the RDS DB subnet group, each found again by its Name (``_naming``).

One handler per part, each returning ``(changed, before, after)`` (plus the part's ID where a later
part needs it) and never writing in check mode; ``work(ctx)`` records them in one
``DifferenceTracker``. The calls are in ``_ec2`` and ``_rds``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _naming, _rds, _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

PLANNED = ""  # the ID of a part that check mode would create


def validate(params):
    region = _naming.validate_region(params["region"])
    azs = params["availability_zones"]
    if len(azs) != 2 or azs[0] == azs[1] or not all(az.startswith(region) for az in azs):
        raise FusionModuleError("VPC %s: availability_zones must be two different zones of %s, got %s"
                                % (_naming.vpc_name(region), region, azs))
    for az in azs:
        _naming.validate_availability_zone(az)


def names_of(region, azs):
    """The Name of every part, and the subnet plan (name, kind, az, cidr) in creation order."""
    names = {
        "vpc": _naming.vpc_name(region),
        "internet_gateway": _naming.igw_name(region),
        "public_route_table": _naming.route_table_name("public", region),
        "private_route_table": _naming.route_table_name("private", region),
        "db_subnet_group": _naming.db_subnet_group_name(region),
    }
    plan = []
    for kind in _naming.SUBNET_KINDS:
        for index, az in enumerate(azs):
            plan.append({"name": _naming.subnet_name(kind, az), "kind": kind, "az": az, "cidr": _ec2.SUBNET_CIDRS[(kind, index)]})
    names["subnets"] = [item["name"] for item in plan]
    return names, plan


def ensure_tags(ec2, resource_id, current_tags, wanted, check_mode):
    """Add the wanted tags the part lacks (others are kept); True when some were (or would be) added."""
    to_add = _tags.missing(current_tags, wanted)
    if to_add and not check_mode:
        _ec2.create_tags(ec2, resource_id, to_add)
    return bool(to_add)


def holds_something(ec2, vpc_id):
    """True when the VPC has a subnet, a live instance or a network interface."""
    return bool(_ec2.vpc_subnets(ec2, vpc_id) or _ec2.vpc_instances(ec2, vpc_id) or _ec2.vpc_network_interfaces(ec2, vpc_id))


def managed_by_us(resource):
    tags = _tags.to_dict(resource.get("Tags"))
    return all(tags.get(key) == value for key, value in _ec2.MANAGED_BY.items())


def repair_vpcs(ec2, name, check_mode):
    """The VPC carrying Name ``name`` (None when there is none). Extra copies that fusion.pos made
    itself (a create sent twice by an older version) and that hold nothing are deleted (not in check
    mode): the one holding something is kept, else the first by ID. Returns ``(vpc, deleted IDs)``;
    copies it cannot tell apart safely are refused in one line."""
    found = _ec2.find_vpcs(ec2, name)
    if len(found) < 2:
        return (found[0] if found else None), []
    found = sorted(found, key=lambda vpc: vpc["VpcId"])
    holding = [vpc for vpc in found if holds_something(ec2, vpc["VpcId"])]
    foreign = [vpc["VpcId"] for vpc in found if not managed_by_us(vpc)]
    if len(holding) > 1 or foreign:
        raise FusionModuleError(
            "%d VPCs carry Name tag %s: %s; %s: remove or rename the extra one by hand"
            % (len(found), name, ", ".join(vpc["VpcId"] for vpc in found),
               "%s not made by fusion.pos (no tag ManagedBy=fusion.pos)" % ", ".join(foreign) if foreign
               else "more than one holds subnets, instances or network interfaces"))
    keep = holding[0] if holding else found[0]
    extra = [vpc["VpcId"] for vpc in found if vpc["VpcId"] != keep["VpcId"]]
    if not check_mode:
        for vpc_id in extra:
            _ec2.delete_vpc(ec2, vpc_id)
    return keep, extra


def ensure_vpc(ec2, name, tags, check_mode):
    """Returns ``(changed, before, after, vpc_id)``."""
    vpc, extra = repair_vpcs(ec2, name, check_mode)
    after = {"name": name, "cidr": _ec2.VPC_CIDR, "tenancy": "default", "ipv6": False,
             "dns_support": True, "dns_hostnames": True}
    if vpc is None:
        vpc_id = PLANNED
        if not check_mode:
            vpc_id = _ec2.create_vpc(ec2, name, _ec2.VPC_CIDR, tags)["VpcId"]
            for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                _ec2.set_vpc_attribute(ec2, vpc_id, attribute, True)
        return True, None, after, vpc_id
    vpc_id = vpc["VpcId"]
    if vpc["CidrBlock"] != _ec2.VPC_CIDR or vpc.get("InstanceTenancy", "default") != "default":
        raise FusionModuleError("VPC %s (%s): has CIDR %s and tenancy %s, the standard is %s and default; "
                                "fix or remove it by hand" % (name, vpc_id, vpc["CidrBlock"], vpc.get("InstanceTenancy"), _ec2.VPC_CIDR))
    before = {"name": name, "cidr": vpc["CidrBlock"], "tenancy": vpc.get("InstanceTenancy", "default"),
              "ipv6": bool(vpc.get("Ipv6CidrBlockAssociationSet")),
              "dns_support": _ec2.vpc_attribute(ec2, vpc_id, "enableDnsSupport"),
              "dns_hostnames": _ec2.vpc_attribute(ec2, vpc_id, "enableDnsHostnames")}
    if not check_mode:
        for attribute, key in (("enableDnsSupport", "dns_support"), ("enableDnsHostnames", "dns_hostnames")):
            if not before[key]:
                _ec2.set_vpc_attribute(ec2, vpc_id, attribute, True)
    after["ipv6"] = before["ipv6"]  # an IPv6 block added by hand is reported, not removed
    tagged = ensure_tags(ec2, vpc_id, _tags.to_dict(vpc.get("Tags")), tags, check_mode)
    if extra:
        before["duplicates_deleted"] = extra
        after["duplicates_deleted"] = []
    return (before != after) or tagged, before, after, vpc_id


def ensure_internet_gateway(ec2, name, vpc_name, vpc_id, tags, check_mode):
    """Returns ``(changed, before, after, igw_id)``."""
    igw = _ec2.find_one_by_name(_ec2.find_igws(ec2, name), name, "internet gateways", "InternetGatewayId")
    after = {"name": name, "attached_to": vpc_name}
    if igw is None:
        igw_id = PLANNED
        if not check_mode:
            igw_id = _ec2.create_igw(ec2, name, tags)["InternetGatewayId"]
            _ec2.attach_igw(ec2, igw_id, vpc_id)
        return True, None, after, igw_id
    igw_id = igw["InternetGatewayId"]
    attached = [a["VpcId"] for a in igw.get("Attachments", []) if a.get("State") in ("available", "attached", None)]
    if attached and vpc_id not in attached:
        raise FusionModuleError("internet gateway %s (%s): attached to %s, not to VPC %s" % (name, igw_id, attached, vpc_name))
    before = {"name": name, "attached_to": vpc_name if attached else None}
    if not attached and not check_mode:
        _ec2.attach_igw(ec2, igw_id, vpc_id)
    tagged = ensure_tags(ec2, igw_id, _tags.to_dict(igw.get("Tags")), tags, check_mode)
    return (before != after) or tagged, before, after, igw_id


def by_name(resources):
    """EC2 descriptions grouped by their Name tag (those without one are left out)."""
    grouped = {}
    for resource in resources:
        name = _ec2.name_tag(resource)
        if name:
            grouped.setdefault(name, []).append(resource)
    return grouped


def ensure_subnet(ec2, plan, existing, vpc_id, tags, check_mode):
    """One subnet of the plan; ``existing`` maps Name to the VPC's subnets. Returns ``(changed, before, after, subnet_id)``."""
    name = plan["name"]
    public = plan["kind"] == "public"
    after = {"name": name, "cidr": plan["cidr"], "az": plan["az"], "map_public_ip": public}
    subnet = _ec2.find_one_by_name(existing.get(name, []), name, "subnets", "SubnetId")
    if subnet is None:
        subnet_id = PLANNED
        if not check_mode:
            subnet_id = _ec2.create_subnet(ec2, name, vpc_id, plan["cidr"], plan["az"], tags)["SubnetId"]
            if public:
                _ec2.set_map_public_ip(ec2, subnet_id, True)
        return True, None, after, subnet_id
    subnet_id = subnet["SubnetId"]
    if subnet["CidrBlock"] != plan["cidr"] or subnet["AvailabilityZone"] != plan["az"]:
        raise FusionModuleError("subnet %s (%s): is %s in %s, the standard is %s in %s; fix or remove it by hand"
                                % (name, subnet_id, subnet["CidrBlock"], subnet["AvailabilityZone"], plan["cidr"], plan["az"]))
    before = dict(after, map_public_ip=bool(subnet.get("MapPublicIpOnLaunch")))
    if before["map_public_ip"] != public and not check_mode:
        _ec2.set_map_public_ip(ec2, subnet_id, public)
    tagged = ensure_tags(ec2, subnet_id, _tags.to_dict(subnet.get("Tags")), tags, check_mode)
    return (before != after) or tagged, before, after, subnet_id


def associations(tables):
    """subnet ID -> (association ID, route table ID) over the VPC's route tables."""
    association_of = {}
    for table in tables:
        for assoc in table.get("Associations", []):
            if assoc.get("SubnetId"):
                association_of[assoc["SubnetId"]] = (assoc["RouteTableAssociationId"], table["RouteTableId"])
    return association_of


def _associate(ec2, rtb_id, subnet_id, association_of):
    if subnet_id in association_of:
        _ec2.replace_association(ec2, rtb_id, association_of[subnet_id][0])
    else:
        _ec2.associate_route_table(ec2, rtb_id, subnet_id)


def ensure_route_table(ec2, route, existing, association_of, tags, check_mode):
    """One route table. ``route``: kind, name, vpc_id, igw_id, igw_name, members (subnet names), subnet_ids.

    Returns ``(changed, before, after)``.
    """
    kind, name, igw_id, members, subnet_ids = route["kind"], route["name"], route["igw_id"], route["members"], route["subnet_ids"]
    after = {"name": name, "default_route": route["igw_name"] if kind == "public" else None, "subnets": members}
    table = _ec2.find_one_by_name(existing.get(name, []), name, "route tables", "RouteTableId")
    if table is None:
        if not check_mode:
            rtb_id = _ec2.create_route_table(ec2, name, route["vpc_id"], tags)["RouteTableId"]
            if kind == "public":
                _ec2.create_default_route(ec2, rtb_id, igw_id)
            for subnet in members:
                _associate(ec2, rtb_id, subnet_ids[subnet], association_of)
        return True, None, after
    rtb_id = table["RouteTableId"]
    default = [r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    gateway = default[0].get("GatewayId") if default else None
    before = {"name": name,
              "default_route": (route["igw_name"] if gateway == igw_id and igw_id else gateway),
              "subnets": sorted(n for n in members if subnet_ids.get(n) and association_of.get(subnet_ids[n], (None, None))[1] == rtb_id)}
    if kind == "private" and gateway:
        before["default_route"] = gateway  # reported; a route added by hand (e.g. a NAT gateway) is kept
        after["default_route"] = gateway
    if not check_mode:
        if kind == "public" and gateway != igw_id:
            if default:
                _ec2.replace_default_route(ec2, rtb_id, igw_id)
            else:
                _ec2.create_default_route(ec2, rtb_id, igw_id)
        for subnet in members:
            if subnet not in before["subnets"]:
                _associate(ec2, rtb_id, subnet_ids[subnet], association_of)
    tagged = ensure_tags(ec2, rtb_id, _tags.to_dict(table.get("Tags")), tags, check_mode)
    after["subnets"] = sorted(after["subnets"])
    return (before != after) or tagged, before, after


def ensure_db_subnet_group(rds, name, vpc_name, public, subnet_ids, tags, check_mode):
    """The DB subnet group on the public subnets (``public``: their names). Returns ``(changed, before, after)``."""
    description = "POS databases (public subnets of %s)" % vpc_name
    after = {"name": name, "subnets": sorted(public)}
    group = _rds.describe_subnet_group(rds, name)
    if group is None:
        if not check_mode:
            _rds.create_subnet_group(rds, name, description, [subnet_ids[n] for n in public], tags)
        return True, None, after
    id_to_name = dict((v, k) for k, v in subnet_ids.items() if v)
    current = sorted(id_to_name.get(s["SubnetIdentifier"], s["SubnetIdentifier"]) for s in group.get("Subnets", []))
    before = {"name": name, "subnets": current}
    if before != after and not check_mode:
        _rds.modify_subnet_group(rds, name, description, [subnet_ids[n] for n in public])
    return before != after, before, after


def work(ctx):
    params = ctx.params
    region = params["region"]
    check = ctx.check_mode
    names, plan = names_of(region, params["availability_zones"])
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)

    def named(name):
        return dict(tags, Name=name)

    ec2 = ctx.client("ec2", region)
    rds = ctx.client("rds", region)
    tracker = DifferenceTracker()

    changed, before, after, vpc_id = ensure_vpc(ec2, names["vpc"], named(names["vpc"]), check)
    tracker.add("vpc", before, after, changed)
    changed, before, after, igw_id = ensure_internet_gateway(
        ec2, names["internet_gateway"], names["vpc"], vpc_id, named(names["internet_gateway"]), check)
    tracker.add("internet_gateway", before, after, changed)

    existing = by_name(_ec2.vpc_subnets(ec2, vpc_id)) if vpc_id else {}
    subnet_ids = {}
    for item in plan:
        changed, before, after, subnet_ids[item["name"]] = ensure_subnet(ec2, item, existing, vpc_id, named(item["name"]), check)
        tracker.add("subnet %s" % item["name"], before, after, changed)

    tables = _ec2.vpc_route_tables(ec2, vpc_id) if vpc_id else []
    existing, association_of = by_name(tables), associations(tables)
    for kind in _naming.SUBNET_KINDS:
        name = names["%s_route_table" % kind]
        route = {"kind": kind, "name": name, "vpc_id": vpc_id, "igw_id": igw_id, "igw_name": names["internet_gateway"],
                 "members": [p["name"] for p in plan if p["kind"] == kind], "subnet_ids": subnet_ids}
        tracker.record("route table %s" % name, ensure_route_table(ec2, route, existing, association_of, named(name), check))

    public = [p["name"] for p in plan if p["kind"] == "public"]
    tracker.record("db_subnet_group", ensure_db_subnet_group(rds, names["db_subnet_group"], names["vpc"], public, subnet_ids, tags, check))

    subnets = dict((p["name"], {"id": subnet_ids[p["name"]], "kind": p["kind"], "az": p["az"], "cidr": p["cidr"]}) for p in plan)
    return tracker.result(ctx, names["vpc"], vpc_id=vpc_id, names=names, subnets=subnets, db_subnet_group=names["db_subnet_group"])


RESOURCE = Resource(
    "fusion_vpc",
    dict(
        availability_zones=dict(type="list", elements="str", required=True),
        tags=dict(type="dict", default={}),
    ),
    work,
    validate=validate,
)
