# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2 calls of the shared infrastructure (VPC parts, security groups, POS hosts).

One AWS call per ``aws_call``-decorated function, plus the helpers that only shape what those calls
take and give back: the VPC layout, rule lists and ``find_one_by_name()`` (the one rule for "exactly
one resource carries this Name tag"). Names are spelled in ``_naming`` only; the work of the modules
is in ``_vpc``, ``_security_group``, ``_rds_instance`` and ``_pos_host``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress
import re

from ansible_collections.fusion.pos.plugins.module_utils import _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call, FusionModuleError

VPC_CIDR = "10.0.0.0/16"
# The layout of the AWS "VPC and more" wizard: public /20s at the bottom, private /20s from .128.
SUBNET_CIDRS = {
    ("public", 0): "10.0.0.0/20",
    ("public", 1): "10.0.16.0/20",
    ("private", 0): "10.0.128.0/20",
    ("private", 1): "10.0.144.0/20",
}
MANAGED_BY = {"ManagedBy": "fusion.pos"}
LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped"]
# EC2 is eventually consistent: an ID returned by a create call may be unknown to the next call for
# a moment. These codes are retried (with aws_call's bounded, jittered backoff) on writes that use
# an ID made earlier in the same run.
NOT_YET = ("InvalidVpcID.NotFound", "InvalidSubnetID.NotFound", "InvalidInternetGatewayID.NotFound",
           "InvalidRouteTableID.NotFound", "InvalidGroup.NotFound", "InvalidInstanceID.NotFound",
           "InvalidID", "InvalidGatewayID.NotFound", "InvalidAMIID.NotFound")
_SG_DESCRIPTION_RE = re.compile(r"^[A-Za-z0-9. _\-:/()#,@\[\]+=&;{}!$*]{1,255}\Z")


def check_sg_description(text, what):
    if not isinstance(text, str) or not _SG_DESCRIPTION_RE.match(text):
        raise FusionModuleError(
            "%s %r cannot be a security group rule description: 1 to 255 of "
            "a-z A-Z 0-9 space . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *" % (what, text))
    return text


def normalise_cidr(address, what):
    """``203.0.113.7`` -> ``203.0.113.7/32``; an IPv4 network stays as written (normalised)."""
    try:
        return str(ipaddress.IPv4Network(str(address).strip(), strict=True))
    except (ValueError, TypeError) as exc:
        raise FusionModuleError("%s %r is not an IPv4 address or network: %s" % (what, address, exc))


def tag_spec(resource_type, tags):
    return [{"ResourceType": resource_type, "Tags": _tags.to_list(tags)}]


def name_tag(resource):
    """The ``Name`` tag of an EC2 resource description (None when it has none)."""
    return _tags.to_dict(resource.get("Tags")).get("Name")


def find_one_by_name(found, name, plural, id_key, advice=""):
    """The one resource of ``found`` (those carrying Name tag ``name``); None when there is none.

    Two or more are refused in one line, the same for every part found by its Name tag:
    ``2 VPCs carry Name tag vpc-POS-us-east-1: vpc-1, vpc-2``.
    """
    if len(found) > 1:
        raise FusionModuleError("%d %s carry Name tag %s: %s%s"
                                % (len(found), plural, name, ", ".join(sorted(item[id_key] for item in found)), advice))
    return found[0] if found else None


def find_vpc(client, name):
    """The VPC carrying Name tag ``name`` (None when there is none); two are refused."""
    return find_one_by_name(find_vpcs(client, name), name, "VPCs", "VpcId")


# ---- reads ----------------------------------------------------------------------------------

@aws_call("find the VPC", "VPC {0}")
def find_vpcs(client, name):
    return client.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]


@aws_call("read a VPC attribute", "VPC {0}")
def vpc_attribute(client, vpc_id, attribute):
    key = attribute[0].upper() + attribute[1:]
    return client.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)[key]["Value"]


@aws_call("find the internet gateway", "internet gateway {0}")
def find_igws(client, name):
    return client.describe_internet_gateways(Filters=[{"Name": "tag:Name", "Values": [name]}])["InternetGateways"]


@aws_call("list the subnets", "VPC {0}")
def vpc_subnets(client, vpc_id):
    return client.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]


@aws_call("list the route tables", "VPC {0}")
def vpc_route_tables(client, vpc_id):
    return client.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]


@aws_call("find the security groups", "VPC {0}")
def find_security_groups(client, vpc_id, names):
    return client.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                    {"Name": "group-name", "Values": list(names)}])["SecurityGroups"]


@aws_call("find the subnet", "subnet {0}")
def find_subnets(client, name):
    return client.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [name]}])["Subnets"]


@aws_call("find the instance", "POS host {0}")
def find_instances(client, name):
    found = []
    for page in client.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "tag:Name", "Values": [name]},
                     {"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}]):
        for reservation in page["Reservations"]:
            found.extend(reservation["Instances"])
    return found


@aws_call("find the AMI", "AMI filter {0}")
def find_images(client, name_filter, owners):
    return client.describe_images(Owners=list(owners), Filters=[
        {"Name": "name", "Values": [name_filter]},
        {"Name": "state", "Values": ["available"]},
        {"Name": "architecture", "Values": ["x86_64"]},
    ])["Images"]


@aws_call("read the AMI", "AMI {0}", missing=("InvalidAMIID.NotFound", "InvalidAMIID.Malformed"))
def describe_image(client, image_id):
    images = client.describe_images(ImageIds=[image_id])["Images"]
    return images[0] if images else None


@aws_call("list the instances", "VPC {0}")
def vpc_instances(client, vpc_id):
    found = []
    for page in client.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}]):
        for reservation in page["Reservations"]:
            found.extend(reservation["Instances"])
    return found


@aws_call("list the network interfaces", "VPC {0}")
def vpc_network_interfaces(client, vpc_id):
    return client.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkInterfaces"]


# ---- after a lost answer: what the first attempt of a create made (aws_call's found=) ---------
# Every create below sets the Name tag in the create call itself (TagSpecifications), so a read by
# Name finds what an attempt whose answer was lost made, before the create is sent again.

def _first(items):
    return items[0] if items else None


def _vpc_made(client, name, cidr, tags):  # pylint: disable=unused-argument
    return _first(find_vpcs(client, name))


def _igw_made(client, name, tags):  # pylint: disable=unused-argument
    return _first(find_igws(client, name))


def _subnet_made(client, name, vpc_id, cidr, az, tags):  # pylint: disable=unused-argument
    return _first([s for s in find_subnets(client, name) if s.get("VpcId") == vpc_id])


def _route_table_made(client, name, vpc_id, tags):  # pylint: disable=unused-argument
    return _first([t for t in vpc_route_tables(client, vpc_id) if name_tag(t) == name])


def _group_made(client, name, vpc_id, description, tags):  # pylint: disable=unused-argument
    groups = find_security_groups(client, vpc_id, [name])
    return groups[0]["GroupId"] if groups else None


def _instance_made(client, name, params):  # pylint: disable=unused-argument
    return _first(find_instances(client, name))


def launch_token(name, *parts):
    """The ``ClientToken`` of a POS host's launch: deterministic (host name and what it is launched
    from), so a RunInstances sent again after a lost answer, in this run or the next, is one launch."""
    digest = hashlib.sha256("\n".join((name,) + tuple(str(p) for p in parts)).encode("utf-8")).hexdigest()
    return "fusion-pos-%s-%s" % (name, digest[:40])


# ---- writes ---------------------------------------------------------------------------------

@aws_call("create the VPC", "VPC {0}", found=_vpc_made)
def create_vpc(client, name, cidr, tags):
    return client.create_vpc(CidrBlock=cidr, InstanceTenancy="default", AmazonProvidedIpv6CidrBlock=False,
                             TagSpecifications=tag_spec("vpc", tags))["Vpc"]


@aws_call("change a VPC attribute", "VPC {0}", retry_codes=NOT_YET)
def set_vpc_attribute(client, vpc_id, attribute, value):
    key = attribute[0].upper() + attribute[1:]
    client.modify_vpc_attribute(**{"VpcId": vpc_id, key: {"Value": value}})


@aws_call("tag", "{0}", retry_codes=NOT_YET)
def create_tags(client, resource_id, tags):
    client.create_tags(Resources=[resource_id], Tags=_tags.to_list(tags))


@aws_call("create the internet gateway", "internet gateway {0}", found=_igw_made)
def create_igw(client, name, tags):
    return client.create_internet_gateway(TagSpecifications=tag_spec("internet-gateway", tags))["InternetGateway"]


@aws_call("attach the internet gateway", "internet gateway {0}", retry_codes=NOT_YET, done=("Resource.AlreadyAssociated",))
def attach_igw(client, igw_id, vpc_id):
    client.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)


@aws_call("create the subnet", "subnet {0}", retry_codes=NOT_YET, found=_subnet_made, done=("InvalidSubnet.Conflict",))
def create_subnet(client, name, vpc_id, cidr, az, tags):
    return client.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az,
                                TagSpecifications=tag_spec("subnet", tags))["Subnet"]


@aws_call("change the public IP setting", "subnet {0}", retry_codes=NOT_YET)
def set_map_public_ip(client, subnet_id, value):
    client.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": value})


@aws_call("create the route table", "route table {0}", retry_codes=NOT_YET, found=_route_table_made)
def create_route_table(client, name, vpc_id, tags):
    return client.create_route_table(VpcId=vpc_id, TagSpecifications=tag_spec("route-table", tags))["RouteTable"]


@aws_call("add the default route", "route table {0}", retry_codes=NOT_YET, done=("RouteAlreadyExists",))
def create_default_route(client, rtb_id, igw_id):
    client.create_route(RouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)


@aws_call("replace the default route", "route table {0}", retry_codes=NOT_YET)
def replace_default_route(client, rtb_id, igw_id):
    client.replace_route(RouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)


@aws_call("associate the subnet", "route table {0}", retry_codes=NOT_YET, done=("Resource.AlreadyAssociated",))
def associate_route_table(client, rtb_id, subnet_id):
    client.associate_route_table(RouteTableId=rtb_id, SubnetId=subnet_id)


@aws_call("move the subnet association", "route table {0}", retry_codes=NOT_YET)
def replace_association(client, rtb_id, association_id):
    client.replace_route_table_association(AssociationId=association_id, RouteTableId=rtb_id)


@aws_call("create the security group", "security group {0}", retry_codes=NOT_YET, found=_group_made, done=("InvalidGroup.Duplicate",))
def create_security_group(client, name, vpc_id, description, tags):
    return client.create_security_group(GroupName=name, VpcId=vpc_id, Description=description,
                                        TagSpecifications=tag_spec("security-group", tags))["GroupId"]


@aws_call("add ingress rules", "security group {0}", retry_codes=NOT_YET, done=("InvalidPermission.Duplicate",))
def authorize_ingress(client, group_id, permissions):
    client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)


@aws_call("remove ingress rules", "security group {0}", retry_codes=NOT_YET, done=("InvalidPermission.NotFound",))
def revoke_ingress(client, group_id, permissions):
    client.revoke_security_group_ingress(GroupId=group_id, IpPermissions=permissions)


@aws_call("launch the instance", "POS host {0}", retry_codes=NOT_YET, found=_instance_made)
def run_instance(client, name, params):
    return client.run_instances(**params)["Instances"][0]


@aws_call("change the security groups", "instance {0}", retry_codes=NOT_YET)
def set_instance_groups(client, instance_id, group_ids):
    client.modify_instance_attribute(InstanceId=instance_id, Groups=list(group_ids))


@aws_call("delete the VPC", "VPC {0}", done=("InvalidVpcID.NotFound",))
def delete_vpc(client, vpc_id):
    client.delete_vpc(VpcId=vpc_id)


# ---- rule sets ------------------------------------------------------------------------------

def rules_from_permissions(permissions):
    """EC2 ``IpPermissions`` -> sorted list of ``{protocol, from_port, to_port, cidr, description}``."""
    rules = []
    for perm in permissions or []:
        for rng in perm.get("IpRanges", []):
            rules.append({
                "protocol": perm.get("IpProtocol"),
                "from_port": perm.get("FromPort"),
                "to_port": perm.get("ToPort"),
                "cidr": rng["CidrIp"],
                "description": rng.get("Description", ""),
            })
        for other in perm.get("UserIdGroupPairs", []) + perm.get("Ipv6Ranges", []) + perm.get("PrefixListIds", []):
            rules.append({
                "protocol": perm.get("IpProtocol"),
                "from_port": perm.get("FromPort"),
                "to_port": perm.get("ToPort"),
                "cidr": other.get("GroupId") or other.get("CidrIpv6") or other.get("PrefixListId"),
                "description": other.get("Description", ""),
            })
    return sort_rules(rules)


def sort_rules(rules):
    return sorted(rules, key=lambda r: (r["protocol"] or "", r["from_port"] or 0, r["to_port"] or 0, r["cidr"], r["description"]))


def permissions_from_rules(rules, descriptions=True):
    """``IpPermissions`` for authorize (with descriptions) or revoke (``descriptions=False``)."""
    perms = []
    for rule in rules:
        rng = {"CidrIp": rule["cidr"]}
        if descriptions and rule.get("description"):
            rng["Description"] = rule["description"]
        perms.append({"IpProtocol": rule["protocol"], "FromPort": rule["from_port"],
                      "ToPort": rule["to_port"], "IpRanges": [rng]})
    return perms


def rule_key(rule):
    return (rule["protocol"], rule["from_port"], rule["to_port"], rule["cidr"], rule["description"])
