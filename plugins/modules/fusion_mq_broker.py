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
    description: The host instance type.
    type: str
    default: mq.t3.micro
  engine_version:
    description: The pinned RabbitMQ engine version (moto cannot list the engine versions, so nothing is looked up).
    type: str
    default: "3.13"
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    CONNECTION_ARGS, FusionModuleError, client, require_boto3, run_module,
)
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._naming import (
    secret_path, validate_broker, validate_environment,
)
from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _mq, _secrets


def ensure(module):
    params = module.params
    name = validate_broker(params["name"])
    environment = validate_environment(params["environment"])
    region = _ec2.validate_region(params["region"] or "")
    secret_name = secret_path(environment, name, "admin")
    parameter = _mq.management_url_parameter(environment, name)
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    want = {"engine_type": _mq.ENGINE_TYPE, "engine_version": params["engine_version"],
            "deployment_mode": _mq.DEPLOYMENT_MODE, "instance_type": params["instance_type"],
            "publicly_accessible": True, "users": [_mq.ADMIN_USER]}

    mq = client(module, "mq", region)
    store = _secrets.module_store(module)
    ssm = client(module, "ssm", region)
    tracker = DifferenceTracker()

    summary = _mq.find_broker(mq, name)
    if summary is not None:
        current = store.describe(secret_name)
        if current is None or current.deleted:
            raise FusionModuleError("broker %s: exists but its admin secret %s does not; restore the secret "
                                    "(or reset the admin password by hand and store it there)" % (name, secret_name))
    changed, before, after, _info, password = _secrets.ensure_credentials(
        store, secret_name, _mq.ADMIN_USER, tags, module.check_mode,
        description="Admin credentials of Amazon MQ broker %s" % name)
    tracker.add("secret", dict(before, name=secret_name), dict(after, name=secret_name), changed)
    described = None
    if summary is None:
        if not module.check_mode:
            if password is None:  # a creation that failed half-way
                password = _secrets.read_credentials(store, secret_name)["password"]
            module.no_log_values.add(password)
            created = _mq.create_broker(mq, name, {
                "EngineType": _mq.ENGINE_TYPE, "EngineVersion": want["engine_version"],
                "DeploymentMode": _mq.DEPLOYMENT_MODE, "HostInstanceType": want["instance_type"],
                "PubliclyAccessible": True, "AutoMinorVersionUpgrade": True,
                "Users": [{"Username": _mq.ADMIN_USER, "Password": password}],
                "Tags": dict(tags, Name=name),
            })
            described = _mq.describe_broker(mq, name, created["BrokerId"])
        tracker.add("broker", None, want)
    else:
        described = _mq.describe_broker(mq, name, summary["BrokerId"])
        before = {"engine_type": described.get("EngineType"), "engine_version": described.get("EngineVersion"),
                  "deployment_mode": described.get("DeploymentMode"), "instance_type": described.get("HostInstanceType"),
                  "publicly_accessible": bool(described.get("PubliclyAccessible")),
                  "users": sorted(u["Username"] for u in described.get("Users", []))}
        # pending changes (applied at the next reboot) count as done
        pending_type = described.get("PendingHostInstanceType")
        pending_version = described.get("PendingEngineVersion")
        fixed = [k for k in ("engine_type", "deployment_mode", "publicly_accessible") if before[k] != want[k]]
        if fixed:
            raise FusionModuleError("broker %s: cannot change %s in place (is %s); declare what exists or replace the broker by hand"
                                    % (name, ", ".join(fixed), dict((k, before[k]) for k in fixed)))
        update = {}
        if before["instance_type"] != want["instance_type"] and pending_type != want["instance_type"]:
            update["HostInstanceType"] = want["instance_type"]
        if before["engine_version"] != want["engine_version"] and pending_version != want["engine_version"]:
            update["EngineVersion"] = want["engine_version"]
        if update and not module.check_mode:
            _mq.update_broker(mq, name, summary["BrokerId"], update)
        after = dict(before)
        after.update(dict((k, want[k]) for k, key in (("instance_type", "HostInstanceType"), ("engine_version", "EngineVersion")) if key in update))
        tracker.add("broker", before, after, changed=bool(update))

    url = _mq.management_url(described)
    current_url = _mq.get_parameter(ssm, parameter)
    if url and current_url != url:
        if not module.check_mode:
            _mq.put_parameter(ssm, parameter, url, "Management URL of Amazon MQ broker %s" % name)
        tracker.add("management_url_parameter", {"name": parameter, "value": current_url}, {"name": parameter, "value": url})
    elif summary is None and module.check_mode:
        tracker.add("management_url_parameter", {"name": parameter, "value": current_url},
                    {"name": parameter, "value": "(known once the broker runs)"})
    return tracker.result(
        module, "broker %s" % name,
        broker={"name": name, "id": (described or {}).get("BrokerId", ""), "arn": (described or {}).get("BrokerArn", ""),
                "state": (described or {}).get("BrokerState", ""), "management_url": url or current_url or "",
                "endpoints": [e for i in (described or {}).get("BrokerInstances", []) or [] for e in i.get("Endpoints", [])],
                "engine_version": want["engine_version"], "instance_type": want["instance_type"]},
        secret_name=secret_name,
        url_parameter=parameter)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            environment=dict(type="str", required=True),
            instance_type=dict(type="str", default="mq.t3.micro"),
            engine_version=dict(type="str", default="3.13"),
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
