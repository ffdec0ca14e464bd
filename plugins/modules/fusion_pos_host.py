#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_pos_host
short_description: A shared Windows EC2 POS host POSNN, one instance per host name
version_added: 0.1.0
description:
  - Ensures exactly one live EC2 instance tagged C(Name=<name>) (states pending, running, stopping,
    stopped). A missing one is launched from a Windows Server AMI in the declared subnet of the POS
    VPC (C(subnet-POS-<kind>-<az>)) with the security groups O(security_groups); an existing one is
    found again by its C(Name) tag, never launched twice. Two live instances with the same name are
    refused.
  - Tags C(Name), C(PosVersion) (the pinned POS Server version), C(PosRdsInstance), C(PosBroker) and
    C(ManagedBy=fusion.pos) are kept in shape on an existing instance; so are its security groups.
  - The AMI is O(ami_id) when given, otherwise the available x86_64 image of O(ami_owners) whose
    name matches O(ami_name_filter) and sorts last (the newest Windows Server release, then the newest
    build); it is chosen only when the instance is launched.
  - Availability zone and subnet of an existing instance are refused when they differ; a different
    instance type is reported as a warning and left alone (changing it needs a stop).
  - Check mode reads real state and reports exactly the change a real run would make, without writes.
author: Fusion POS team (@fusion-pos)
options:
  name:
    description: The host name, C(POSNN).
    type: str
    required: true
  availability_zone:
    description: The availability zone (the one of the host's RDS instance).
    type: str
    required: true
  subnet:
    description: The kind of subnet of the POS VPC the host lives in.
    type: str
    choices: [public, private]
    default: public
  instance_type:
    description: The EC2 instance type.
    type: str
    default: t3.large
  pos_version:
    description: The POS Server version pinned on the host (tag C(PosVersion)).
    type: str
    required: true
  rds_instance:
    description: The host's RDS instance (tag C(PosRdsInstance)).
    type: str
    required: true
  broker:
    description: The host's Amazon MQ broker (tag C(PosBroker)).
    type: str
    required: true
  security_groups:
    description: Names of the security groups (of the POS VPC) the host gets.
    type: list
    elements: str
    default: []
  ami_id:
    description: A fixed AMI; when given, O(ami_name_filter) is not used.
    type: str
  ami_name_filter:
    description: The AMI name filter.
    type: str
    default: Windows_Server-20*-English-Full-Base-*
  ami_owners:
    description: The AMI owners.
    type: list
    elements: str
    default: [amazon]
  key_name:
    description: An EC2 key pair (to decrypt the Windows Administrator password).
    type: str
  volume_size:
    description: Size of the root volume in GiB (default the AMI's).
    type: int
  tags:
    description: More tags besides the ones above.
    type: dict
    default: {}
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: Before and after of the instance's placement, tags and security groups.
"""

EXAMPLES = r"""
- name: POS host POS01
  fusion.pos.fusion_pos_host:
    region: us-east-1
    name: POS01
    availability_zone: us-east-1a
    pos_version: 24.2.1
    rds_instance: db-POS-01
    broker: mq-POS-01
    security_groups: [SG-POS-HOST]
"""

RETURN = r"""
instance:
  description: The instance after the run.
  returned: always
  type: dict
  contains:
    id:
      description: The instance ID (empty in check mode when it would be launched).
      type: str
    image_id:
      description: The AMI it runs (or would be launched from).
      type: str
    private_ip:
      description: Its private address.
      type: str
    public_ip:
      description: Its public address, if any.
      type: str
"""

import uuid

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    CONNECTION_ARGS, FusionModuleError, client, require_boto3, run_module,
)
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._naming import (
    validate_broker, validate_pos_host, validate_rds_instance,
)
from ansible_collections.fusion.pos.plugins.module_utils import _ec2


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


def ensure(module):
    params = module.params
    name = validate_pos_host(params["name"])
    validate_rds_instance(params["rds_instance"])
    validate_broker(params["broker"])
    region = _ec2.validate_region(params["region"] or "")
    az = params["availability_zone"]
    if not az.startswith(region):
        raise FusionModuleError("POS host %s: availability zone %s is not in region %s" % (name, az, region))
    subnet_name = _ec2.subnet_name(params["subnet"], az)
    vpc_name = _ec2.vpc_name(region)
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    tags.update({"Name": name, "PosVersion": params["pos_version"], "PosRdsInstance": params["rds_instance"],
                 "PosBroker": params["broker"]})
    want_groups = sorted(params["security_groups"])

    ec2 = client(module, "ec2", region)
    tracker = DifferenceTracker()

    vpcs = _ec2.find_vpcs(ec2, vpc_name)
    vpc_id = vpcs[0]["VpcId"] if vpcs else ""
    group_ids = {}
    if vpc_id and want_groups:
        for group in _ec2.find_security_groups(ec2, vpc_id, want_groups):
            group_ids[group["GroupName"]] = group["GroupId"]
    missing_groups = [g for g in want_groups if g not in group_ids]

    found = _ec2.find_instances(ec2, name)
    if len(found) > 1:
        raise FusionModuleError("POS host %s: %d live instances carry this Name tag (%s); terminate the extra one by hand"
                                % (name, len(found), ", ".join(i["InstanceId"] for i in found)))
    want = {"name": name, "availability_zone": az, "subnet": subnet_name, "security_groups": want_groups,
            "tags": dict(tags)}
    if not found:
        subnets = [s for s in _ec2.find_subnets(ec2, subnet_name) if s["VpcId"] == vpc_id] if vpc_id else []
        if not module.check_mode and (not subnets or missing_groups):
            raise FusionModuleError("POS host %s: subnet %s or security groups %s missing in VPC %s; run the VPC and "
                                    "security group steps of shared.yml first" % (name, subnet_name, missing_groups, vpc_name))
        image = choose_image(ec2, params)
        instance = {}
        if not module.check_mode:
            launch = {
                "ImageId": image["ImageId"], "InstanceType": params["instance_type"], "MinCount": 1, "MaxCount": 1,
                "SubnetId": subnets[0]["SubnetId"], "SecurityGroupIds": [group_ids[g] for g in want_groups],
                "TagSpecifications": _ec2.tag_spec("instance", tags) + _ec2.tag_spec("volume", tags),
                "ClientToken": "fusion-pos-%s-%s" % (name, uuid.uuid4().hex),  # a retried launch stays one instance
                "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
            }
            if params["key_name"]:
                launch["KeyName"] = params["key_name"]
            if params["volume_size"]:
                launch["BlockDeviceMappings"] = [{"DeviceName": image.get("RootDeviceName", "/dev/sda1"),
                                                  "Ebs": {"VolumeSize": params["volume_size"], "VolumeType": "gp3",
                                                          "DeleteOnTermination": True}}]
            instance = _ec2.run_instance(ec2, name, launch)
        tracker.add("instance", None, dict(want, image=image.get("Name"), instance_type=params["instance_type"]))
        image_id = image["ImageId"]
    else:
        instance = found[0]
        image_id = instance.get("ImageId")
        current_tags = _ec2.tag_dict(instance.get("Tags"))
        id_to_group = dict((v, k) for k, v in group_ids.items())
        current_groups = sorted(id_to_group.get(g["GroupId"], g.get("GroupName") or g["GroupId"]) for g in instance.get("SecurityGroups", []))
        subnet_of = [s for s in _ec2.find_subnets(ec2, subnet_name) if s["SubnetId"] == instance.get("SubnetId")]
        before = {"name": name, "availability_zone": (instance.get("Placement") or {}).get("AvailabilityZone"),
                  "subnet": subnet_name if subnet_of else instance.get("SubnetId"),
                  "security_groups": current_groups,
                  "tags": dict((k, current_tags.get(k)) for k in tags)}
        if before["availability_zone"] != az or before["subnet"] != subnet_name:
            raise FusionModuleError("POS host %s (%s): is in %s / %s, declared %s / %s; a host cannot move, fix the declaration"
                                    % (name, instance["InstanceId"], before["availability_zone"], before["subnet"], az, subnet_name))
        if instance.get("InstanceType") != params["instance_type"]:
            module.warn("POS host %s is %s, declared %s: not changed (needs a stop); resize it in a maintenance window"
                        % (name, instance.get("InstanceType"), params["instance_type"]))
        if missing_groups:
            raise FusionModuleError("POS host %s: security groups %s do not exist in VPC %s" % (name, missing_groups, vpc_name))
        if not module.check_mode:
            new_tags = _ec2.missing_tags(current_tags, tags)
            if new_tags:
                _ec2.create_tags(ec2, instance["InstanceId"], new_tags)
            if current_groups != want_groups:
                _ec2.set_instance_groups(ec2, instance["InstanceId"], [group_ids[g] for g in want_groups])
        tracker.add("instance", before, want)
    return tracker.result(
        module, "POS host %s" % name,
        instance={"name": name, "id": instance.get("InstanceId", ""), "image_id": image_id,
                  "availability_zone": az, "private_ip": instance.get("PrivateIpAddress", ""),
                  "public_ip": instance.get("PublicIpAddress", ""), "pos_version": params["pos_version"],
                  "state": (instance.get("State") or {}).get("Name", "")})


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            availability_zone=dict(type="str", required=True),
            subnet=dict(type="str", choices=["public", "private"], default="public"),
            instance_type=dict(type="str", default="t3.large"),
            pos_version=dict(type="str", required=True),
            rds_instance=dict(type="str", required=True),
            broker=dict(type="str", required=True),
            security_groups=dict(type="list", elements="str", default=[]),
            ami_id=dict(type="str"),
            ami_name_filter=dict(type="str", default="Windows_Server-20*-English-Full-Base-*"),
            ami_owners=dict(type="list", elements="str", default=["amazon"]),
            key_name=dict(type="str", no_log=False),
            volume_size=dict(type="int"),
            tags=dict(type="dict", default={}),
            **CONNECTION_ARGS
        ),
        supports_check_mode=True,
    )
    require_boto3(module)
    run_module(module, ensure)


if __name__ == "__main__":
    main()
