# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that bring the naming rules of module_utils/_naming.py to playbooks and roles."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Each filter is documented in plugins/filter/<filter name>.yml (ansible-doc -t filter fusion.pos.<name>).

from ansible.errors import AnsibleFilterError

from ansible_collections.fusion.pos.plugins.module_utils import _naming


def _wrap(func):
    def filter_func(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except _naming.NamingError as exc:
            raise AnsibleFilterError(str(exc))
    filter_func.__name__ = func.__name__
    filter_func.__doc__ = func.__doc__
    return filter_func


def _secret_path(owner, environment, purpose):
    """``'xmsqa1' | fusion.pos.secret_path('qa', 'db-login')``: the owner (org or shared resource) first."""
    return _naming.secret_path(environment, owner, purpose)


def _subnet_name(az, kind):
    """``'us-east-1a' | fusion.pos.subnet_name('public')``: the availability zone first."""
    return _naming.subnet_name(kind, az)


def _route_table_name(region, kind):
    """``'us-east-1' | fusion.pos.route_table_name('public')``: the region first."""
    return _naming.route_table_name(kind, region)


def _management_url_parameter(broker, environment):
    """``'mq-POS-01' | fusion.pos.management_url_parameter('qa')``: the broker first."""
    return _naming.management_url_parameter(environment, broker)


def _policy_statements(bucket, account_id, org, partition="aws"):
    return _naming.org_bucket_policy_statements(bucket, account_id, org, partition)


class FilterModule(object):
    def filters(self):
        table = {
            "org_id": _naming.validate_org_id,
            "environment_name": _naming.validate_environment,
            "account_id": _naming.validate_account_id,
            "bucket_name": _naming.bucket_name,
            "bucket_fallback_names": _naming.bucket_fallback_names,
            "iam_user_name": _naming.iam_user_name,
            "iam_user_arn": _naming.iam_user_arn,
            "org_tags": _naming.org_tags,
            "org_db_name": _naming.org_db_name,
            "org_db_login": _naming.org_db_login,
            "tenant_manager_db_name": _naming.tenant_manager_db_name,
            "tenant_manager_login": _naming.tenant_manager_login,
            "hub_vhost": _naming.hub_vhost,
            "site_vhost": _naming.site_vhost,
            "org_vhosts": _naming.org_vhosts,
            "rabbitmq_user": _naming.rabbitmq_user,
            "tenant_host_name": _naming.tenant_host_name,
            "secret_path": _secret_path,
            "rds_instance_name": _naming.validate_rds_instance,
            "broker_name": _naming.validate_broker,
            "pos_host_name": _naming.validate_pos_host,
            "site_id": _naming.validate_site_id,
            "org_bucket_policy_statements": _policy_statements,
            "vpc_name": _naming.vpc_name,
            "internet_gateway_name": _naming.igw_name,
            "subnet_name": _subnet_name,
            "route_table_name": _route_table_name,
            "db_subnet_group_name": _naming.db_subnet_group_name,
            "security_group_name": _naming.security_group_name,
            "management_url_parameter": _management_url_parameter,
        }
        return dict((name, _wrap(func)) for name, func in table.items())
