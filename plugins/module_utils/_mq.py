# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Amazon MQ (RabbitMQ) calls of the shared infrastructure: one AWS call per ``aws_call`` function.

The work of ``fusion_mq_broker`` is in ``_mq_broker``; the management URL's SSM parameter is named by
``_naming.management_url_parameter`` and read and written by ``_ssm``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call

ENGINE_TYPE = "RABBITMQ"
DEPLOYMENT_MODE = "SINGLE_INSTANCE"
ADMIN_USER = "admin"


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


def creator_request_id(name, generation):
    """The idempotency token of one CreateBroker: per broker name and generation marker (one marker per
    create, kept over its retries), so a create sent again after a lost answer is one broker."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fusion.pos/mq/%s/%s" % (name, generation)))


def _broker_made(client, name, params):  # pylint: disable=unused-argument
    """After a lost CreateBroker answer: the broker of that name, if the attempt made it."""
    return find_broker(client, name)


@aws_call("create the broker", "broker {0}", found=_broker_made)
def create_broker(client, name, params):
    """``params`` carries ``CreatorRequestId`` (``creator_request_id()``); the caller makes it once."""
    return client.create_broker(BrokerName=name, **params)


@aws_call("change the broker", "broker {0}")
def update_broker(client, name, broker_id, params):
    client.update_broker(BrokerId=broker_id, **params)


def management_url(described):
    """The broker's web console / management API URL (empty until the broker runs)."""
    for instance in (described or {}).get("BrokerInstances", []) or []:
        if instance.get("ConsoleURL"):
            return instance["ConsoleURL"]
    return ""
