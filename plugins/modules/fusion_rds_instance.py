#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_rds_instance
short_description: A shared RDS SQL Server instance db-POS-NN with its master password in Secrets Manager
version_added: 0.1.0
description:
  - Ensures RDS instance O(name) (C(db-POS-NN)), SQL Server 2019 Express (C(sqlserver-ex)) or Web
    (C(sqlserver-web)), license included, publicly accessible, in availability zone O(availability_zone),
    on the DB subnet group of the POS VPC, with the security groups O(security_groups).
  - The master password is generated on creation and stored only in the fusion.pos password manager
    (AWS Secrets Manager by default, O(secret_backend)) at C(fusion-pos/<environment>/<name>/master)
    (JSON C(username), C(password)), the same way as M(fusion.pos.fusion_secret) stores secrets (created
    only when missing, never rotated, missing tags added). It is never returned, logged or passed again
    on later runs; when the secret is missing for an existing instance, a new password is generated,
    stored and set.
  - Engine, availability zone and subnet group cannot change and are refused when they differ;
    instance class, storage (growth only), backup retention, deletion protection, public access and
    security groups are changed in place (applied immediately).
  - Check mode reads real state and reports exactly the change a real run would make, without writes.
author: Fusion POS team (@fusion-pos)
options:
  name:
    description: The instance name, C(db-POS-NN).
    type: str
    required: true
  environment:
    description: The environment the instance belongs to (names the secret).
    type: str
    required: true
  edition:
    description: The SQL Server edition.
    type: str
    required: true
    choices: [express, web]
  engine_version:
    description:
      - The pinned engine version (role C(fusion.pos.rds) passes C(rds_engine_version), C(15.00.4365.2.v1)).
      - An existing instance on another version is reported with a warning, never upgraded.
    type: str
    required: true
  instance_class:
    description: The DB instance class (the role's default depends on the environment).
    type: str
    required: true
  allocated_storage:
    description: Storage in GiB (SQL Server needs at least 20; the role's default depends on the environment).
    type: int
    required: true
  storage_type:
    description: The storage type.
    type: str
    default: gp3
  backup_retention_days:
    description: Days of automated backups (the role's default depends on the environment).
    type: int
    required: true
  deletion_protection:
    description:
      - Deletion protection outside production and staging.
      - In O(environment=production) and O(environment=staging) it is always on, whatever this says
        (the rule lives in the module; the role passes the environment only).
    type: bool
    default: false
  availability_zone:
    description: The availability zone (the one of the POS hosts that use the instance).
    type: str
    required: true
  db_subnet_group:
    description: The DB subnet group; default the one of M(fusion.pos.fusion_vpc) for the region.
    type: str
  vpc:
    description: The C(Name) of the VPC the security groups belong to; default C(vpc-POS-<region>).
    type: str
  security_groups:
    description: Names of the VPC security groups of the instance.
    type: list
    elements: str
    default: []
  master_username:
    description: The master user name.
    type: str
    default: admin
  tags:
    description: Tags of the instance and its secret besides C(ManagedBy=fusion.pos).
    type: dict
    default: {}
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.password_manager
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: Before and after of the settings it manages (never the password).
"""

EXAMPLES = r"""
- name: The shared SQL Server db-POS-01
  fusion.pos.fusion_rds_instance:
    region: us-east-1
    name: db-POS-01
    environment: qa
    edition: web
    engine_version: 15.00.4365.2.v1
    instance_class: db.t3.small
    allocated_storage: 20
    backup_retention_days: 1
    availability_zone: us-east-1a
    security_groups: [SG-POS-DB, SG-POS-OPS]
"""

RETURN = r"""
instance:
  description: The instance settings after the run (no secret material).
  returned: always
  type: dict
  contains:
    endpoint:
      description: The DNS name (empty until AWS assigns it).
      type: str
    port:
      description: The SQL Server port.
      type: int
secret_name:
  description: The password-manager path (Secrets Manager name) that holds the master credentials.
  returned: always
  type: str
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._rds_instance import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_rds_instance.py.
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
