# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that bring the naming rules of module_utils/_naming.py to playbooks and roles."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: naming
short_description: fusion.pos naming rules as filters
version_added: 0.1.0
description:
  - Filters that derive every fusion.pos resource name from an org ID, a host or a shared
    resource, and validate the inputs against the rules of the specification.
  - Each fails the task with a message that quotes the broken rule.
  - C(org_id), C(bucket_name), C(bucket_fallback_names), C(iam_user_name), C(iam_user_arn),
    C(org_tags), C(org_db_name), C(org_db_login), C(tenant_manager_db_name), C(tenant_manager_login),
    C(hub_vhost), C(site_vhost), C(org_vhosts), C(rabbitmq_user), C(tenant_host_name),
    C(secret_path), C(rds_instance_name), C(broker_name), C(pos_host_name), C(site_id),
    C(environment_name), C(account_id), C(org_bucket_policy_statements).
author: fusion.pos contributors
options:
  _input:
    description: The org ID (or host, shared resource, environment) the name derives from.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Names of org xmsqa1
  ansible.builtin.debug:
    msg:
      - "{{ 'xmsqa1' | fusion.pos.bucket_name }}"            # fusion-rms-xmsqa1
      - "{{ 'xmsqa1' | fusion.pos.iam_user_name }}"          # rms_xmsqa1
      - "{{ 'xmsqa1' | fusion.pos.org_vhosts(['store1']) }}" # [xmsqa1, xmsqa1_corp, xmsqa1_store1]
      - "{{ 'xmsqa1' | fusion.pos.secret_path('qa', 'db-login') }}"  # fusion-pos/qa/xmsqa1/db-login
"""

RETURN = r"""
_value:
  description: The derived name (or list of names, tags or policy statements).
  type: raw
"""

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
        }
        return dict((name, _wrap(func)) for name, func in table.items())
