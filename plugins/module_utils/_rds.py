# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RDS plumbing of the shared infrastructure: the DB subnet group and the SQL Server instances."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call

EDITIONS = {"express": "sqlserver-ex", "web": "sqlserver-web"}
LICENSE_MODEL = "license-included"
SQLSERVER_PORT = 1433


@aws_call("read the DB subnet group", "DB subnet group {0}")
def describe_subnet_group(client, name):
    try:
        return client.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"][0]
    except client.exceptions.DBSubnetGroupNotFoundFault:
        return None


@aws_call("create the DB subnet group", "DB subnet group {0}", retry_codes=("InvalidSubnet",))
def create_subnet_group(client, name, description, subnet_ids, tags):
    client.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=description,
                                  SubnetIds=list(subnet_ids),
                                  Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())])


@aws_call("change the subnets", "DB subnet group {0}")
def modify_subnet_group(client, name, description, subnet_ids):
    client.modify_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=description,
                                  SubnetIds=list(subnet_ids))


@aws_call("read the DB instance", "RDS instance {0}")
def describe_instance(client, name):
    try:
        return client.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]
    except client.exceptions.DBInstanceNotFoundFault:
        return None


@aws_call("create the DB instance", "RDS instance {0}", retry_codes=("InvalidVPCNetworkStateFault",))
def create_instance(client, name, params):
    return client.create_db_instance(DBInstanceIdentifier=name, **params)["DBInstance"]


@aws_call("change the DB instance", "RDS instance {0}")
def modify_instance(client, name, params):
    return client.modify_db_instance(DBInstanceIdentifier=name, ApplyImmediately=True, **params)["DBInstance"]
