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
    description: The EC2 instance type (role C(fusion.pos.ec2) picks it per environment).
    type: str
    required: true
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
    description:
      - A fixed AMI; when given, O(ami_name_filter) is not used.
      - One of O(ami_id) and O(ami_name_filter) is required.
    type: str
  ami_name_filter:
    description:
      - The AMI name filter (role C(fusion.pos.ec2) passes C(Windows_Server-20*-English-Full-Base-*)).
      - Requires O(ami_owners).
    type: str
  ami_owners:
    description: The AMI owners (role C(fusion.pos.ec2) passes C([amazon])).
    type: list
    elements: str
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
    instance_type: t3.large
    pos_version: 24.2.1
    rds_instance: db-POS-01
    broker: mq-POS-01
    security_groups: [SG-POS-HOST]
    ami_name_filter: Windows_Server-20*-English-Full-Base-*
    ami_owners: [amazon]
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

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._pos_host import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_pos_host.py.
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
