#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_shared_declaration
short_description: Validate the shared-infrastructure declaration of an environment before any AWS call
version_added: 0.1.0
description:
  - Checks the regions, RDS instances, brokers, operators and POS hosts that an inventory declares
    for C(shared.yml), and returns them normalised as one plan. It makes no AWS call.
  - Refuses, naming every offending entry in one message, names that break the naming rules
    (C(db-POS-NN), C(mq-POS-NN), C(POSNN)), duplicates, an unknown SQL Server edition, an undeclared
    region or availability zone, a POS host whose RDS instance is in another availability zone, a POS
    host that points at an undeclared RDS instance or broker, a missing POS version, an operator
    without a name or with an address that is not IPv4, and duplicate operator names or addresses.
  - The lists are validated as nested options (types, required keys, no unknown key) before those rules;
    a refusal is one line starting with C(shared declaration refused).
  - Runs on the controller, in-process (an action plugin of the same name; this file only documents it).
author: Fusion POS team (@fusion-pos)
options:
  environment:
    description: The environment the shared resources belong to.
    type: str
    required: true
  regions:
    description:
      - The regions; each needs two different availability zones of its own (primary, secondary).
      - A region must be one botocore knows (C(zz-nowhere-1) is refused before any AWS call).
    type: list
    elements: dict
    default: []
    suboptions:
      region:
        description: The region, such as C(us-east-1).
        type: str
        required: true
      availability_zones:
        description: The two availability zones of the region, primary first.
        type: list
        elements: str
        required: true
  rds_instances:
    description: The RDS SQL Server instances C(db-POS-NN).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The instance name, C(db-POS-NN) (unique, compared case-insensitively).
        type: str
        required: true
      region:
        description: A declared region.
        type: str
        required: true
      availability_zone:
        description: One of the region's two declared availability zones.
        type: str
        required: true
      edition:
        description: The SQL Server edition, C(express) or C(web).
        type: str
        required: true
      instance_class:
        description: The DB instance class; omitted, the environment's default of the C(rds) role.
        type: str
      allocated_storage:
        description: The storage in GiB; omitted, the environment's default.
        type: int
      backup_retention_days:
        description: The days automated backups are kept; omitted, the environment's default.
        type: int
      engine_version:
        description: The engine version; omitted, the C(rds) role's default.
        type: str
  brokers:
    description: The Amazon MQ RabbitMQ brokers C(mq-POS-NN).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The broker name, C(mq-POS-NN).
        type: str
        required: true
      region:
        description: A declared region.
        type: str
        required: true
      instance_type:
        description: The broker instance type; omitted, the environment's default of the C(rabbitmq) role.
        type: str
      engine_version:
        description: The engine version; omitted, the C(rabbitmq) role's default.
        type: str
  operators:
    description: The operators allowed on port 1433 through C(SG-POS-OPS).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The operator's name (unique, compared case-insensitively; a valid security group rule description).
        type: str
        required: true
      address:
        description: An IPv4 address or network (unique across operators); returned as a CIDR.
        type: str
        required: true
  pos_hosts:
    description:
      - POS host name (C(POSNN)) to its declaration, a mapping with C(region), C(availability_zone),
        C(rds_instance), C(broker) and C(pos_version) (all required, C(pos_version) pinned such as C(24.2.1)),
        optional C(subnet) (C(public), the default, or C(private)), C(instance_type), C(ami_id).
      - Each declaration is checked against the same kind of option spec as the lists (types, required keys,
        no unknown key); the map itself cannot be one, since its keys are host names.
    type: dict
    default: {}
  region:
    description:
      - Narrow the plan to this region (C(-e region=...) of C(shared.yml)) after the whole declaration is
        validated, to the region's VPC, C(SG-POS-OPS), RDS instances, brokers and POS hosts.
      - Refused, naming the declared regions, when the region is not declared (an empty string too).
      - Omitted or null, every region.
    type: str
  limit:
    description:
      - The raw C(--limit) of the run (C(ansible_limit)), used in messages. Omitted, null or empty, no limit.
    type: str
  limit_hosts:
    description:
      - The hosts the C(--limit) selects (C(ansible_play_hosts_all) of a play on C(localhost:all)); only read
        when O(limit) is given. C(localhost) is ignored; any other host must be a declared POS host.
      - The plan is narrowed to these POS hosts and what they need (their regions' VPC and C(SG-POS-OPS),
        their RDS instances and brokers), and to those of them in O(region) when both are given.
    type: list
    elements: str
extends_documentation_fragment:
  - fusion.pos.read_only
attributes:
  action:
    support: full
    description: An action plugin; runs on the controller and needs no connection to a host.
"""

EXAMPLES = r"""
- name: Validate the declaration
  fusion.pos.fusion_shared_declaration:
    environment: qa
    regions: [{region: us-east-1, availability_zones: [us-east-1a, us-east-1b]}]
    rds_instances: [{name: db-POS-01, region: us-east-1, availability_zone: us-east-1a, edition: web}]
    brokers: [{name: mq-POS-01, region: us-east-1}]
    operators: [{name: Jane Doe, address: 203.0.113.7}]
    pos_hosts:
      POS01: {region: us-east-1, availability_zone: us-east-1a, rds_instance: db-POS-01,
              broker: mq-POS-01, pos_version: 24.2.1}
  register: shared_plan
"""

RETURN = r"""
plan:
  description: The normalised declaration (operator addresses as CIDRs, entries sorted by name).
  returned: success
  type: dict
  contains:
    environment:
      description: The environment.
      type: str
    regions:
      description: The regions.
      type: list
    rds_instances:
      description: The RDS instances, each with the POS hosts that use it (C(hosts)).
      type: list
    brokers:
      description: The brokers, each with the POS hosts that use it (C(hosts)).
      type: list
    operators:
      description: The operators, each C({name, cidr}).
      type: list
    pos_hosts:
      description: The POS hosts, each with its C(name).
      type: list
    scope:
      description:
        - What the plan covers, C({region, limit, regions, rds_instances, brokers, pos_hosts}) (names);
          C(region) and C(limit) are null when the run is not narrowed.
      type: dict
msg:
  description: One line saying what the run covers.
  returned: success
  type: str
"""
