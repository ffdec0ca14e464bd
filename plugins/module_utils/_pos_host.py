# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A shared Windows EC2 POS host ``POSNN`` (``fusion.pos.fusion_pos_host``): exactly one live instance
per host name, found again by its Name tag.

A missing host is launched (the AMI chosen only then, ``choose_image()``); an existing one keeps its
tags and security groups in shape; AZ and subnet never change; an instance-type difference is a
warning. The instance type and the AMI choice are an operator's: their defaults are in the role
(``roles/ec2/defaults``), not here. Handlers return ``(changed, before, after)`` (plus the instance);
``work(ctx)`` records them in one ``DifferenceTracker``. Calls: ``_ec2``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _naming, _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource


def validate(params):
    name = _naming.validate_pos_host(params["name"])
    _naming.validate_rds_instance(params["rds_instance"])
    _naming.validate_broker(params["broker"])
    region = _naming.validate_region(params["region"])
    if not params["availability_zone"].startswith(region):
        raise FusionModuleError("POS host %s: availability zone %s is not in region %s" % (name, params["availability_zone"], region))
    _naming.subnet_name(params["subnet"], params["availability_zone"])


def choose_image(ec2, params):
    if params["ami_id"]:
        image = _ec2.describe_image(ec2, params["ami_id"])
        if not image:
            raise FusionModuleError("POS host %s: AMI %s not found" % (params["name"], params["ami_id"]))
        return image
    images = _ec2.find_images(ec2, params["ami_name_filter"], params["ami_owners"])
    if not images:
        raise FusionModuleError("POS host %s: no available x86_64 AMI of %s matches %r"
                                % (params["name"], params["ami_owners"], params["ami_name_filter"]))
    return sorted(images, key=lambda i: (i.get("Name", ""), i.get("CreationDate", "")))[-1]


def launch_instance(ec2, params, want, subnet, group_ids, check_mode):
    """Launch the missing host. Returns ``(changed, before, after, instance)``; in check mode the
    instance is ``{"ImageId": ...}`` (the image it would get)."""
    name = params["name"]
    image = choose_image(ec2, params)
    instance = {"ImageId": image["ImageId"]}
    if not check_mode:
        launch = {
            "ImageId": image["ImageId"], "InstanceType": params["instance_type"], "MinCount": 1, "MaxCount": 1,
            "SubnetId": subnet["SubnetId"], "SecurityGroupIds": [group_ids[g] for g in want["security_groups"]],
            "TagSpecifications": _ec2.tag_spec("instance", want["tags"]) + _ec2.tag_spec("volume", want["tags"]),
            # deterministic: a launch sent again after a lost answer (this run or the next) stays one instance
            "ClientToken": _ec2.launch_token(name, subnet["SubnetId"], image["ImageId"]),
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
        }
        if params["key_name"]:
            launch["KeyName"] = params["key_name"]
        if params["volume_size"]:
            launch["BlockDeviceMappings"] = [{"DeviceName": image.get("RootDeviceName", "/dev/sda1"),
                                              "Ebs": {"VolumeSize": params["volume_size"], "VolumeType": "gp3",
                                                      "DeleteOnTermination": True}}]
        instance = _ec2.run_instance(ec2, name, launch)
        if (instance.get("State") or {}).get("Name") in ("shutting-down", "terminated"):
            # the token's earlier launch was terminated since: EC2 answers that instance again
            launch["ClientToken"] = _ec2.launch_token(name, subnet["SubnetId"], image["ImageId"], instance["InstanceId"])
            instance = _ec2.run_instance(ec2, name, launch)
    return True, None, dict(want, image=image.get("Name"), instance_type=params["instance_type"]), instance


def update_instance(ec2, instance, want, in_subnet, group_ids, check_mode):
    """Tags and security groups of an existing host. ``in_subnet``: it is in the declared subnet.
    Returns ``(changed, before, after)``; refuses a host that would have to move."""
    name = want["name"]
    current_tags = _tags.to_dict(instance.get("Tags"))
    id_to_group = dict((v, k) for k, v in group_ids.items())
    current_groups = sorted(id_to_group.get(g["GroupId"], g.get("GroupName") or g["GroupId"]) for g in instance.get("SecurityGroups", []))
    before = {"name": name, "availability_zone": (instance.get("Placement") or {}).get("AvailabilityZone"),
              "subnet": want["subnet"] if in_subnet else instance.get("SubnetId"),
              "security_groups": current_groups,
              "tags": dict((k, current_tags.get(k)) for k in want["tags"])}
    if before["availability_zone"] != want["availability_zone"] or before["subnet"] != want["subnet"]:
        raise FusionModuleError("POS host %s (%s): is in %s / %s, declared %s / %s; a host cannot move, fix the declaration"
                                % (name, instance["InstanceId"], before["availability_zone"], before["subnet"],
                                   want["availability_zone"], want["subnet"]))
    if not check_mode:
        new_tags = _tags.missing(current_tags, want["tags"])
        if new_tags:
            _ec2.create_tags(ec2, instance["InstanceId"], new_tags)
        if current_groups != want["security_groups"]:
            _ec2.set_instance_groups(ec2, instance["InstanceId"], [group_ids[g] for g in want["security_groups"]])
    return before != want, before, want


def work(ctx):
    params = ctx.params
    name = params["name"]
    region = params["region"]
    az = params["availability_zone"]
    check = ctx.check_mode
    subnet_name = _naming.subnet_name(params["subnet"], az)
    vpc_name = _naming.vpc_name(region)
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    tags.update({"Name": name, "PosVersion": params["pos_version"], "PosRdsInstance": params["rds_instance"],
                 "PosBroker": params["broker"]})
    want = {"name": name, "availability_zone": az, "subnet": subnet_name, "security_groups": sorted(params["security_groups"]),
            "tags": tags}

    ec2 = ctx.client("ec2", region)
    tracker = DifferenceTracker()

    vpc = _ec2.find_vpc(ec2, vpc_name)
    vpc_id = vpc["VpcId"] if vpc else ""
    group_ids = {}
    if vpc_id and want["security_groups"]:
        for group in _ec2.find_security_groups(ec2, vpc_id, want["security_groups"]):
            group_ids[group["GroupName"]] = group["GroupId"]
    missing_groups = [g for g in want["security_groups"] if g not in group_ids]

    instance = _ec2.find_one_by_name(_ec2.find_instances(ec2, name), name, "live instances", "InstanceId",
                                     advice="; terminate the extra one by hand")
    if instance is None:
        subnets = [s for s in _ec2.find_subnets(ec2, subnet_name) if s["VpcId"] == vpc_id] if vpc_id else []
        subnet = _ec2.find_one_by_name(subnets, subnet_name, "subnets", "SubnetId")
        if not check and (subnet is None or missing_groups):
            raise FusionModuleError("POS host %s: subnet %s or security groups %s missing in VPC %s; run the VPC and "
                                    "security group steps of shared.yml first" % (name, subnet_name, missing_groups, vpc_name))
        changed, before, after, instance = launch_instance(ec2, params, want, subnet, group_ids, check)
    else:
        if instance.get("InstanceType") != params["instance_type"]:
            ctx.warn("POS host %s is %s, declared %s: not changed (needs a stop); resize it in a maintenance window"
                     % (name, instance.get("InstanceType"), params["instance_type"]))
        in_subnet = any(s["SubnetId"] == instance.get("SubnetId") for s in _ec2.find_subnets(ec2, subnet_name))
        if missing_groups:
            raise FusionModuleError("POS host %s: security groups %s do not exist in VPC %s" % (name, missing_groups, vpc_name))
        changed, before, after = update_instance(ec2, instance, want, in_subnet, group_ids, check)
    tracker.add("instance", before, after, changed)
    return tracker.result(
        ctx, "POS host %s" % name,
        instance={"name": name, "id": instance.get("InstanceId", ""), "image_id": instance.get("ImageId"),
                  "availability_zone": az, "private_ip": instance.get("PrivateIpAddress", ""),
                  "public_ip": instance.get("PublicIpAddress", ""), "pos_version": params["pos_version"],
                  "state": (instance.get("State") or {}).get("Name", "")})


RESOURCE = Resource(
    "fusion_pos_host",
    dict(
        name=dict(type="str", required=True),
        availability_zone=dict(type="str", required=True),
        subnet=dict(type="str", choices=list(_naming.SUBNET_KINDS), default="public"),
        # Choices an operator makes: no default here, the role's defaults are the only ones.
        instance_type=dict(type="str", required=True),
        pos_version=dict(type="str", required=True),
        rds_instance=dict(type="str", required=True),
        broker=dict(type="str", required=True),
        security_groups=dict(type="list", elements="str", default=[]),
        ami_id=dict(type="str"),
        ami_name_filter=dict(type="str"),
        ami_owners=dict(type="list", elements="str"),
        key_name=dict(type="str", no_log=False),
        volume_size=dict(type="int"),
        tags=dict(type="dict", default={}),
    ),
    work,
    validate=validate,
    required_one_of=[("ami_id", "ami_name_filter")],
    required_by={"ami_name_filter": ("ami_owners",)},
)
