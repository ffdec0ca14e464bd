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

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._security_group import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_security_group.py.
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
