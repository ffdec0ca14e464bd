# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A shared RDS SQL Server instance ``db-POS-NN`` (``fusion.pos.fusion_rds_instance``) and its master
credentials in the password manager.

The rules of the instance live here and only here: deletion protection is always on in the
environments of the production account (``production_rule()``), engine, AZ, subnet group and master
user never change in place, storage never shrinks, an engine-version difference is a warning. The
settings an operator chooses (class, storage, backup retention, engine version) have their defaults
in the role (``roles/rds/defaults``), not here. Handlers return ``(changed, before, after)`` (plus
what a later step needs); ``work(ctx)`` records them in one ``DifferenceTracker``. Calls: ``_rds``,
``_ec2``; the password manager: ``_secrets``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _naming, _rds, _secrets, _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

MIN_STORAGE_GIB = 20
MASTER_SECRET_PURPOSE = "master"
FIXED = ("engine", "license_model", "availability_zone", "db_subnet_group", "master_username")
MODIFIABLE = {
    "instance_class": "DBInstanceClass",
    "allocated_storage": "AllocatedStorage",
    "storage_type": "StorageType",
    "backup_retention_days": "BackupRetentionPeriod",
    "deletion_protection": "DeletionProtection",
    "publicly_accessible": "PubliclyAccessible",
}


def validate(params):
    name = _naming.validate_rds_instance(params["name"])
    _naming.validate_environment(params["environment"])
    region = _naming.validate_region(params["region"])
    if not params["availability_zone"].startswith(region):
        raise FusionModuleError("RDS instance %s: availability zone %s is not in region %s" % (name, params["availability_zone"], region))
    if params["allocated_storage"] < MIN_STORAGE_GIB:
        raise FusionModuleError("RDS instance %s: SQL Server needs at least %d GiB of storage" % (name, MIN_STORAGE_GIB))


def production_rule(environment, deletion_protection=False):
    """Deletion protection: always on in the environments of the production account (production, staging)."""
    return bool(deletion_protection or _naming.account_fits_environment(environment))


def desired_settings(params):
    return {
        "engine": _rds.EDITIONS[params["edition"]],
        "engine_version": params["engine_version"],
        "license_model": _rds.LICENSE_MODEL,
        "instance_class": params["instance_class"],
        "allocated_storage": params["allocated_storage"],
        "storage_type": params["storage_type"],
        "backup_retention_days": params["backup_retention_days"],
        "deletion_protection": production_rule(params["environment"], params["deletion_protection"]),
        "publicly_accessible": True,
        "availability_zone": params["availability_zone"],
        "db_subnet_group": (params["db_subnet_group"] or _naming.db_subnet_group_name(params["region"])).lower(),
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


def security_group_ids(ec2, name, vpc_name, wanted, check_mode):
    """Group name -> ID of the wanted groups in the VPC carrying Name ``vpc_name`` (found by ``_ec2.find_vpc``)."""
    group_ids = {}
    if not wanted:
        return group_ids
    vpc = _ec2.find_vpc(ec2, vpc_name)
    if vpc is not None:
        for group in _ec2.find_security_groups(ec2, vpc["VpcId"], wanted):
            group_ids[group["GroupName"]] = group["GroupId"]
    missing = [g for g in wanted if g not in group_ids]
    if missing and not check_mode:
        raise FusionModuleError("RDS instance %s: security groups %s do not exist in VPC %s; run shared.yml's VPC and "
                                "security group steps first" % (name, missing, vpc_name))
    return group_ids


def ensure_master_secret(store, secret_name, instance, username, tags, check_mode):
    """The master secret, created when missing. Returns ``(changed, before, after, password)``, the
    password only when generated now."""
    result = _secrets.ensure_credentials(store, secret_name, username, tags, check_mode,
                                         description="Master credentials of RDS instance %s" % instance)
    return result[0], dict(result[1], name=secret_name), dict(result[2], name=secret_name), result[4]


def create_instance(rds, name, want, group_ids, password, tags, check_mode):
    """Returns ``(changed, before, after, db)``; db None in check mode."""
    db = None
    if not check_mode:
        db = _rds.create_instance(rds, name, {
            "Engine": want["engine"], "EngineVersion": want["engine_version"], "LicenseModel": want["license_model"],
            "DBInstanceClass": want["instance_class"], "AllocatedStorage": want["allocated_storage"],
            "StorageType": want["storage_type"], "BackupRetentionPeriod": want["backup_retention_days"],
            "DeletionProtection": want["deletion_protection"], "PubliclyAccessible": True,
            "AvailabilityZone": want["availability_zone"], "DBSubnetGroupName": want["db_subnet_group"],
            "VpcSecurityGroupIds": [group_ids[g] for g in want["security_groups"]],
            "MasterUsername": want["master_username"], "MasterUserPassword": password,
            "MultiAZ": False, "AutoMinorVersionUpgrade": False, "CopyTagsToSnapshot": True,
            "Tags": _tags.to_list(dict(tags, Name=name)),
        })
    return True, None, want, db


def compare_instance(name, db, want, group_ids, warn):
    """What an existing instance needs: ``(before, after, modify)``; refuses what cannot change in place."""
    before = current_settings(db, dict((v, k) for k, v in group_ids.items()))
    after = dict(want)
    fixed = [(k, before[k], after[k]) for k in FIXED if before[k] != after[k]]
    if fixed:
        raise FusionModuleError("RDS instance %s: cannot change %s in place; declare what exists or replace the instance by hand"
                                % (name, ", ".join("%s from %s to %s" % item for item in fixed)))
    if before["allocated_storage"] > after["allocated_storage"]:
        after["allocated_storage"] = before["allocated_storage"]  # storage never shrinks
        warn("RDS instance %s has %s GiB; storage cannot shrink, keeping it" % (name, before["allocated_storage"]))
    if before["engine_version"] != after["engine_version"]:
        warn("RDS instance %s runs engine version %s, the pin is %s; upgrade it by hand (not changed)"
             % (name, before["engine_version"], after["engine_version"]))
        after["engine_version"] = before["engine_version"]
    modify = dict((MODIFIABLE[k], after[k]) for k in MODIFIABLE if before[k] != after[k])
    if before["security_groups"] != after["security_groups"]:
        modify["VpcSecurityGroupIds"] = [group_ids[g] for g in after["security_groups"] if g in group_ids]
    return before, after, modify


def work(ctx):
    params = ctx.params
    name = params["name"]
    region = params["region"]
    check = ctx.check_mode
    want = desired_settings(params)
    secret_name = _naming.secret_path(params["environment"], name, MASTER_SECRET_PURPOSE)
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    vpc_name = params["vpc"] or _naming.vpc_name(region)

    rds = ctx.client("rds", region)
    ec2 = ctx.client("ec2", region)
    store = _secrets.module_store(ctx)
    tracker = DifferenceTracker()

    group_ids = security_group_ids(ec2, name, vpc_name, want["security_groups"], check)
    db = _rds.describe_instance(rds, name)
    if db is None:
        changed, before, after, password = ensure_master_secret(store, secret_name, name, want["master_username"], tags, check)
        tracker.add("secret", before, after, changed)
        if password is None and not check:  # a creation that failed half-way
            password = _secrets.read_credentials(store, secret_name)["password"]
        if password:
            ctx.no_log_values.add(password)
        changed, before, after, db = create_instance(rds, name, want, group_ids, password, tags, check)
        tracker.add("instance", before, after, changed)
    else:
        before, after, modify = compare_instance(name, db, want, group_ids, ctx.warn)
        changed, secret_before, secret_after, password = ensure_master_secret(
            store, secret_name, name, want["master_username"], tags, check)  # a lost secret: a new password, stored, then set
        tracker.add("secret", secret_before, secret_after, changed)
        if password:
            ctx.no_log_values.add(password)
            modify["MasterUserPassword"] = password
        if modify and not check:
            db = _rds.modify_instance(rds, name, modify)
        tracker.add("instance", before, after)
    endpoint = (db or {}).get("Endpoint") or {}
    return tracker.result(
        ctx, "RDS instance %s" % name,
        instance=dict(after, name=name, endpoint=endpoint.get("Address", ""), port=endpoint.get("Port", _rds.SQLSERVER_PORT),
                      status=(db or {}).get("DBInstanceStatus", "")),
        secret_name=secret_name)


RESOURCE = Resource(
    "fusion_rds_instance",
    dict(
        name=dict(type="str", required=True),
        environment=dict(type="str", required=True),
        edition=dict(type="str", required=True, choices=sorted(_rds.EDITIONS)),
        # Choices an operator makes: no default here, the role's defaults are the only ones.
        engine_version=dict(type="str", required=True),
        instance_class=dict(type="str", required=True),
        allocated_storage=dict(type="int", required=True),
        backup_retention_days=dict(type="int", required=True),
        storage_type=dict(type="str", default="gp3"),
        deletion_protection=dict(type="bool", default=False),
        availability_zone=dict(type="str", required=True),
        db_subnet_group=dict(type="str"),
        vpc=dict(type="str"),
        security_groups=dict(type="list", elements="str", default=[]),
        master_username=dict(type="str", default="admin"),
        tags=dict(type="dict", default={}),
        **_secrets.PASSWORD_MANAGER_ARGS
    ),
    work,
    validate=validate,
)
