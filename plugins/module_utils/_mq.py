# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Amazon MQ (RabbitMQ) plumbing of the shared infrastructure, and the SSM parameter that records a
broker's management URL for the per-org vhost work."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call
from ansible_collections.fusion.pos.plugins.module_utils._naming import secret_path

ENGINE_TYPE = "RABBITMQ"
DEPLOYMENT_MODE = "SINGLE_INSTANCE"
DEFAULT_ENGINE_VERSION = "3.13"
ADMIN_USER = "admin"


def management_url_parameter(environment, broker):
    """``/fusion-pos/<environment>/<broker>/management-url`` (an SSM parameter name)."""
    return "/" + secret_path(environment, broker, "management-url")


@aws_call("list the brokers", "broker {0}")
def find_broker(client, name):
    for page in client.get_paginator("list_brokers").paginate():
        for summary in page.get("BrokerSummaries", []):
            if summary.get("BrokerName") == name and summary.get("BrokerState") != "DELETION_IN_PROGRESS":
                return summary
    return None


@aws_call("read the broker", "broker {0}")
def describe_broker(client, name, broker_id):
    return client.describe_broker(BrokerId=broker_id)


@aws_call("create the broker", "broker {0}")
def create_broker(client, name, params):
    return client.create_broker(BrokerName=name, **params)


@aws_call("change the broker", "broker {0}")
def update_broker(client, name, broker_id, params):
    client.update_broker(BrokerId=broker_id, **params)


@aws_call("read the parameter", "SSM parameter {0}")
def get_parameter(client, name):
    try:
        return client.get_parameter(Name=name)["Parameter"]["Value"]
    except client.exceptions.ParameterNotFound:
        return None


@aws_call("write the parameter", "SSM parameter {0}")
def put_parameter(client, name, value, description):
    client.put_parameter(Name=name, Value=value, Type="String", Overwrite=True, Description=description)


def management_url(described):
    """The broker's web console / management API URL (empty until the broker runs)."""
    for instance in (described or {}).get("BrokerInstances", []) or []:
        if instance.get("ConsoleURL"):
            return instance["ConsoleURL"]
    return ""
