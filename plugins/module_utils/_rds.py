# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RDS calls of the shared infrastructure: the DB subnet group and the SQL Server instances.

One AWS call per ``aws_call``-decorated function; reads of something that may not exist answer None.
The work of ``fusion_rds_instance`` is in ``_rds_instance``, the subnet group's in ``_vpc``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call

EDITIONS = {"express": "sqlserver-ex", "web": "sqlserver-web"}
LICENSE_MODEL = "license-included"
SQLSERVER_PORT = 1433


@aws_call("read the DB subnet group", "DB subnet group {0}", missing=("DBSubnetGroupNotFoundFault",))
def describe_subnet_group(client, name):
    return client.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"][0]


def _subnet_group_made(client, name, description, subnet_ids, tags):  # pylint: disable=unused-argument
    return describe_subnet_group(client, name)


@aws_call("create the DB subnet group", "DB subnet group {0}", retry_codes=("InvalidSubnet",),
          found=_subnet_group_made, done=("DBSubnetGroupAlreadyExists",))
def create_subnet_group(client, name, description, subnet_ids, tags):
    client.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=description,
                                  SubnetIds=list(subnet_ids), Tags=_tags.to_list(tags))


@aws_call("change the subnets", "DB subnet group {0}")
def modify_subnet_group(client, name, description, subnet_ids):
    client.modify_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=description,
                                  SubnetIds=list(subnet_ids))


@aws_call("read the DB instance", "RDS instance {0}", missing=("DBInstanceNotFound",))
def describe_instance(client, name):
    return client.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]


def _instance_made(client, name, params):  # pylint: disable=unused-argument
    return describe_instance(client, name)


# RDS has no idempotency token: the identifier is the key. After a lost answer the instance is read;
# a create sent again that meets DBInstanceAlreadyExists is ours (read it), since the run had found none.
@aws_call("create the DB instance", "RDS instance {0}", retry_codes=("InvalidVPCNetworkStateFault",),
          found=_instance_made, done=("DBInstanceAlreadyExists",))
def create_instance(client, name, params):
    return client.create_db_instance(DBInstanceIdentifier=name, **params)["DBInstance"]


@aws_call("change the DB instance", "RDS instance {0}")
def modify_instance(client, name, params):
    return client.modify_db_instance(DBInstanceIdentifier=name, ApplyImmediately=True, **params)["DBInstance"]
