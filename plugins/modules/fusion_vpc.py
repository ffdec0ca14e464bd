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

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._vpc import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_vpc.py.
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
