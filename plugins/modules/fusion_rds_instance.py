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
    description: The pinned engine version.
    type: str
    default: 15.00.4365.2.v1
  instance_class:
    description: The DB instance class.
    type: str
    default: db.t3.small
  allocated_storage:
    description: Storage in GiB (SQL Server needs at least 20).
    type: int
    default: 20
  storage_type:
    description: The storage type.
    type: str
    default: gp3
  backup_retention_days:
    description: Days of automated backups.
    type: int
    default: 1
  deletion_protection:
    description: Deletion protection (always on in production and staging, whatever this says).
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    CONNECTION_ARGS, FusionModuleError, client, require_boto3, run_module,
)
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._naming import (
    account_fits_environment, secret_path, validate_environment, validate_rds_instance,
)
from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _rds, _secrets


def desired_settings(params):
    name = validate_rds_instance(params["name"])
    environment = validate_environment(params["environment"])
    region = _ec2.validate_region(params["region"] or "")
    if not params["availability_zone"].startswith(region):
        raise FusionModuleError("RDS instance %s: availability zone %s is not in region %s" % (name, params["availability_zone"], region))
    if params["allocated_storage"] < 20:
        raise FusionModuleError("RDS instance %s: SQL Server needs at least 20 GiB of storage" % name)
    return {
        "engine": _rds.EDITIONS[params["edition"]],
        "engine_version": params["engine_version"],
        "license_model": _rds.LICENSE_MODEL,
        "instance_class": params["instance_class"],
        "allocated_storage": params["allocated_storage"],
        "storage_type": params["storage_type"],
        "backup_retention_days": params["backup_retention_days"],
        "deletion_protection": bool(params["deletion_protection"] or account_fits_environment(environment)),
        "publicly_accessible": True,
        "availability_zone": params["availability_zone"],
        "db_subnet_group": (params["db_subnet_group"] or _ec2.db_subnet_group_name(region)).lower(),
        "security_groups": sorted(params["security_groups"]),
        "master_username": params["master_username"],
    }


def current_settings(db, group_names):
    return {
        "engine": db.get("Engine"),
        "engine_version": db.get("EngineVersion"),
        "license_model": db.get("LicenseModel"),
        "instance_class": db.get("DBInstanceClass"),
        "allocated_storage": db.get("AllocatedStorage"),
        "storage_type": db.get("StorageType"),
        "backup_retention_days": db.get("BackupRetentionPeriod"),
        "deletion_protection": bool(db.get("DeletionProtection")),
        "publicly_accessible": bool(db.get("PubliclyAccessible")),
        "availability_zone": db.get("AvailabilityZone"),
        "db_subnet_group": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName", "").lower(),
        "security_groups": sorted(group_names.get(g["VpcSecurityGroupId"], g["VpcSecurityGroupId"])
                                  for g in db.get("VpcSecurityGroups", [])),
        "master_username": db.get("MasterUsername"),
    }


FIXED = ("engine", "license_model", "availability_zone", "db_subnet_group", "master_username")
MODIFIABLE = {
    "instance_class": "DBInstanceClass",
    "allocated_storage": "AllocatedStorage",
    "storage_type": "StorageType",
    "backup_retention_days": "BackupRetentionPeriod",
    "deletion_protection": "DeletionProtection",
    "publicly_accessible": "PubliclyAccessible",
}


def ensure(module):
    params = module.params
    want = desired_settings(params)
    name = params["name"]
    environment = params["environment"]
    region = params["region"]
    secret_name = secret_path(environment, name, "master")
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    vpc_name = params["vpc"] or _ec2.vpc_name(region)

    rds = client(module, "rds", region)
    ec2 = client(module, "ec2", region)
    store = _secrets.module_store(module)
    tracker = DifferenceTracker()

    group_ids = {}
    if want["security_groups"]:
        vpcs = _ec2.find_vpcs(ec2, vpc_name)
        if vpcs:
            for group in _ec2.find_security_groups(ec2, vpcs[0]["VpcId"], want["security_groups"]):
                group_ids[group["GroupName"]] = group["GroupId"]
        missing = [g for g in want["security_groups"] if g not in group_ids]
        if missing and not module.check_mode:
            raise FusionModuleError("RDS instance %s: security groups %s do not exist in VPC %s; run shared.yml's VPC and "
                                    "security group steps first" % (name, missing, vpc_name))
    group_names = dict((v, k) for k, v in group_ids.items())

    db = _rds.describe_instance(rds, name)

    def ensure_master_secret():
        """The master secret, created when missing; the password generated now (None otherwise)."""
        changed, before, after, _info, password = _secrets.ensure_credentials(
            store, secret_name, want["master_username"], tags, module.check_mode,
            description="Master credentials of RDS instance %s" % name)
        tracker.add("secret", dict(before, name=secret_name), dict(after, name=secret_name), changed)
        if password:
            module.no_log_values.add(password)
        return password

    if db is None:
        password = ensure_master_secret()
        if password is None and not module.check_mode:  # a creation that failed half-way
            password = _secrets.read_credentials(store, secret_name)["password"]
            module.no_log_values.add(password)
        if not module.check_mode:
            create = {
                "Engine": want["engine"], "EngineVersion": want["engine_version"], "LicenseModel": want["license_model"],
                "DBInstanceClass": want["instance_class"], "AllocatedStorage": want["allocated_storage"],
                "StorageType": want["storage_type"], "BackupRetentionPeriod": want["backup_retention_days"],
                "DeletionProtection": want["deletion_protection"], "PubliclyAccessible": True,
                "AvailabilityZone": want["availability_zone"], "DBSubnetGroupName": want["db_subnet_group"],
                "VpcSecurityGroupIds": [group_ids[g] for g in want["security_groups"]],
                "MasterUsername": want["master_username"], "MasterUserPassword": password,
                "MultiAZ": False, "AutoMinorVersionUpgrade": False, "CopyTagsToSnapshot": True,
                "Tags": [{"Key": k, "Value": v} for k, v in sorted(dict(tags, Name=name).items())],
            }
            db = _rds.create_instance(rds, name, create)
        tracker.add("instance", None, want)
        after = want
    else:
        before = current_settings(db, group_names)
        fixed = [(k, before[k], want[k]) for k in FIXED if before[k] != want[k]]
        if fixed:
            raise FusionModuleError("RDS instance %s: cannot change %s in place; declare what exists or replace the instance by hand"
                                    % (name, ", ".join("%s from %s to %s" % item for item in fixed)))
        if before["allocated_storage"] > want["allocated_storage"]:
            want["allocated_storage"] = before["allocated_storage"]  # storage never shrinks
            module.warn("RDS instance %s has %s GiB; storage cannot shrink, keeping it" % (name, before["allocated_storage"]))
        if before["engine_version"] != want["engine_version"]:
            module.warn("RDS instance %s runs engine version %s, the pin is %s; upgrade it by hand (not changed)"
                        % (name, before["engine_version"], want["engine_version"]))
            want["engine_version"] = before["engine_version"]
        modify = dict((MODIFIABLE[k], want[k]) for k in MODIFIABLE if before[k] != want[k])
        if before["security_groups"] != want["security_groups"]:
            modify["VpcSecurityGroupIds"] = [group_ids[g] for g in want["security_groups"] if g in group_ids]
        password = ensure_master_secret()  # a lost secret: a new password, stored, then set
        if password:
            modify["MasterUserPassword"] = password
        if modify and not module.check_mode:
            db = _rds.modify_instance(rds, name, modify)
        tracker.add("instance", before, want)
        after = want
    endpoint = (db or {}).get("Endpoint") or {}
    return tracker.result(
        module, "RDS instance %s" % name,
        instance=dict(after, name=name, endpoint=endpoint.get("Address", ""), port=endpoint.get("Port", _rds.SQLSERVER_PORT),
                      status=(db or {}).get("DBInstanceStatus", "")),
        secret_name=secret_name)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            environment=dict(type="str", required=True),
            edition=dict(type="str", required=True, choices=["express", "web"]),
            engine_version=dict(type="str", default="15.00.4365.2.v1"),
            instance_class=dict(type="str", default="db.t3.small"),
            allocated_storage=dict(type="int", default=20),
            storage_type=dict(type="str", default="gp3"),
            backup_retention_days=dict(type="int", default=1),
            deletion_protection=dict(type="bool", default=False),
            availability_zone=dict(type="str", required=True),
            db_subnet_group=dict(type="str"),
            vpc=dict(type="str"),
            security_groups=dict(type="list", elements="str", default=[]),
            master_username=dict(type="str", default="admin"),
            tags=dict(type="dict", default={}),
            **_secrets.PASSWORD_MANAGER_ARGS,
            **CONNECTION_ARGS
        ),
        supports_check_mode=True,
    )
    require_boto3(module)
    run_module(module, ensure)


if __name__ == "__main__":
    main()
