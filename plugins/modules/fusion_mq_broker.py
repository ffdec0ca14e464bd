#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_mq_broker
short_description: A shared Amazon MQ RabbitMQ broker mq-POS-NN, its admin secret and its management URL
version_added: 0.1.0
description:
  - Ensures Amazon MQ broker O(name) (C(mq-POS-NN)), engine RabbitMQ at the pinned O(engine_version),
    single-instance deployment, publicly accessible, host instance type O(instance_type), with the one
    RabbitMQ user C(admin).
  - The admin password is generated on creation and stored only in the fusion.pos password manager
    (AWS Secrets Manager by default, O(secret_backend)) at C(fusion-pos/<environment>/<name>/admin)
    (JSON C(username), C(password)), the same way as M(fusion.pos.fusion_secret) stores secrets (created
    only when missing, never rotated, missing tags added). It is never returned, logged or passed again
    on later runs; an existing broker whose secret is missing is refused.
  - The broker's management URL (the RabbitMQ web console and HTTP API, for the per-org vhost work) is
    returned and recorded in the SSM parameter C(/fusion-pos/<environment>/<name>/management-url) as
    soon as AWS reports it (a broker that is still being created has none yet; a later run records it).
  - Engine type, deployment mode and public access cannot change and are refused when they differ;
    instance type and engine version are updated (AWS applies them at the next reboot).
  - Unlike community.aws.mq_broker, check mode reads the real state and reports exactly the change a
    real run would make, and a missing broker is simply reported as to be created.
author: Fusion POS team (@fusion-pos)
options:
  name:
    description: The broker name, C(mq-POS-NN).
    type: str
    required: true
  environment:
    description: The environment the broker belongs to (names the secret and the parameter).
    type: str
    required: true
  instance_type:
    description: The host instance type (role C(fusion.pos.rabbitmq) picks it per environment).
    type: str
    required: true
  engine_version:
    description:
      - The pinned RabbitMQ engine version (role C(fusion.pos.rabbitmq) passes C(rabbitmq_engine_version), C(3.13)).
      - Nothing is looked up (moto cannot list the engine versions).
    type: str
    required: true
  tags:
    description: Tags of the broker and its secret besides C(ManagedBy=fusion.pos).
    type: dict
    default: {}
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.password_manager
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: Before and after of the broker settings, the secret's existence and the URL parameter.
"""

EXAMPLES = r"""
- name: The shared broker mq-POS-01
  fusion.pos.fusion_mq_broker:
    region: us-east-1
    name: mq-POS-01
    environment: qa
    instance_type: mq.t3.micro
    engine_version: "3.13"
"""

RETURN = r"""
broker:
  description: The broker after the run (no secret material).
  returned: always
  type: dict
  contains:
    id:
      description: The broker ID (empty in check mode when the broker would be created).
      type: str
    management_url:
      description: The management URL (empty until AWS reports it).
      type: str
    endpoints:
      description: The AMQP endpoints.
      type: list
secret_name:
  description: The password-manager path (Secrets Manager name) that holds the admin credentials.
  returned: always
  type: str
url_parameter:
  description: The SSM parameter that records the management URL.
  returned: always
  type: str
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._mq_broker import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_mq_broker.py.
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
