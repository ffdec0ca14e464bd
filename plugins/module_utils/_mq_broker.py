# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A shared Amazon MQ RabbitMQ broker ``mq-POS-NN`` (``fusion.pos.fusion_mq_broker``), its admin
credentials in the password manager and its management URL in SSM.

Engine type, deployment mode and public access never change in place; instance type and engine
version are updated (pending values count as done). The instance type and the engine version are an
operator's choices: their defaults are in the role (``roles/rabbitmq/defaults``), not here.
Handlers return ``(changed, before, after)`` (plus what a later step needs); ``work(ctx)`` records
them in one ``DifferenceTracker``. Calls: ``_mq``, ``_ssm``; the password manager: ``_secrets``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _mq, _naming, _secrets, _ssm
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

ADMIN_SECRET_PURPOSE = "admin"
URL_NOT_YET = "(known once the broker runs)"
FIXED = ("engine_type", "deployment_mode", "publicly_accessible")


def validate(params):
    _naming.validate_broker(params["name"])
    _naming.validate_environment(params["environment"])
    _naming.validate_region(params["region"])


def ensure_admin_secret(store, secret_name, name, tags, exists, check_mode):
    """The admin secret, created for a new broker when missing (an existing broker without one is refused).

    Returns ``(changed, before, after, password)``, the password only when generated now.
    """
    if exists:
        current = store.describe(secret_name)
        if current is None or current.deleted:
            raise FusionModuleError("broker %s: exists but its admin secret %s does not; restore the secret "
                                    "(or reset the admin password by hand and store it there)" % (name, secret_name))
    result = _secrets.ensure_credentials(store, secret_name, _mq.ADMIN_USER, tags, check_mode,
                                         description="Admin credentials of Amazon MQ broker %s" % name)
    return result[0], dict(result[1], name=secret_name), dict(result[2], name=secret_name), result[4]


def create_broker(mq, name, want, password, tags, check_mode):
    """Returns ``(changed, before, after, described)``; described None in check mode."""
    if check_mode:
        return True, None, want, None
    created = _mq.create_broker(mq, name, {
        "EngineType": _mq.ENGINE_TYPE, "EngineVersion": want["engine_version"],
        "DeploymentMode": _mq.DEPLOYMENT_MODE, "HostInstanceType": want["instance_type"],
        "PubliclyAccessible": True, "AutoMinorVersionUpgrade": True,
        "Users": [{"Username": _mq.ADMIN_USER, "Password": password}],
        "Tags": dict(tags, Name=name),
        "CreatorRequestId": _mq.creator_request_id(name, uuid.uuid4().hex),
    })
    return True, None, want, _mq.describe_broker(mq, name, created["BrokerId"])


def update_broker(mq, name, broker_id, want, check_mode):
    """Returns ``(changed, before, after, described)``."""
    described = _mq.describe_broker(mq, name, broker_id)
    before = {"engine_type": described.get("EngineType"), "engine_version": described.get("EngineVersion"),
              "deployment_mode": described.get("DeploymentMode"), "instance_type": described.get("HostInstanceType"),
              "publicly_accessible": bool(described.get("PubliclyAccessible")),
              "users": sorted(u["Username"] for u in described.get("Users", []))}
    fixed = [k for k in FIXED if before[k] != want[k]]
    if fixed:
        raise FusionModuleError("broker %s: cannot change %s in place (is %s); declare what exists or replace the broker by hand"
                                % (name, ", ".join(fixed), dict((k, before[k]) for k in fixed)))
    # pending changes (applied at the next reboot) count as done
    update = {}
    if before["instance_type"] != want["instance_type"] and described.get("PendingHostInstanceType") != want["instance_type"]:
        update["HostInstanceType"] = want["instance_type"]
    if before["engine_version"] != want["engine_version"] and described.get("PendingEngineVersion") != want["engine_version"]:
        update["EngineVersion"] = want["engine_version"]
    if update and not check_mode:
        _mq.update_broker(mq, name, broker_id, update)
    after = dict(before)
    after.update(dict((k, want[k]) for k, key in (("instance_type", "HostInstanceType"), ("engine_version", "EngineVersion")) if key in update))
    return bool(update), before, after, described


def ensure_url_parameter(ssm, parameter, name, url, current_url, planned, check_mode):
    """The SSM parameter holds the broker's management URL once AWS reports one (``planned``: the broker
    would be created by this dry run). Returns ``(changed, before, after)``."""
    before = {"name": parameter, "value": current_url}
    if url and current_url != url:
        if not check_mode:
            _ssm.put_parameter(ssm, parameter, url, "Management URL of Amazon MQ broker %s" % name)
        return True, before, {"name": parameter, "value": url}
    if planned:
        return True, before, {"name": parameter, "value": URL_NOT_YET}
    return False, before, before


def work(ctx):
    params = ctx.params
    name = params["name"]
    region = params["region"]
    environment = params["environment"]
    check = ctx.check_mode
    secret_name = _naming.secret_path(environment, name, ADMIN_SECRET_PURPOSE)
    parameter = _naming.management_url_parameter(environment, name)
    tags = dict(params["tags"] or {}, **_ec2.MANAGED_BY)
    want = {"engine_type": _mq.ENGINE_TYPE, "engine_version": params["engine_version"],
            "deployment_mode": _mq.DEPLOYMENT_MODE, "instance_type": params["instance_type"],
            "publicly_accessible": True, "users": [_mq.ADMIN_USER]}

    mq = ctx.client("mq", region)
    store = _secrets.module_store(ctx)
    ssm = ctx.client("ssm", region)
    tracker = DifferenceTracker()

    summary = _mq.find_broker(mq, name)
    changed, before, after, password = ensure_admin_secret(store, secret_name, name, tags, summary is not None, check)
    tracker.add("secret", before, after, changed)
    if summary is None:
        if not check:
            if password is None:  # a creation that failed half-way
                password = _secrets.read_credentials(store, secret_name)["password"]
            ctx.no_log_values.add(password)
        changed, before, after, described = create_broker(mq, name, want, password, tags, check)
    else:
        changed, before, after, described = update_broker(mq, name, summary["BrokerId"], want, check)
    tracker.add("broker", before, after, changed)

    url = _mq.management_url(described)
    current_url = _ssm.get_parameter(ssm, parameter)
    tracker.record("management_url_parameter",
                   ensure_url_parameter(ssm, parameter, name, url, current_url, summary is None and check, check))
    described = described or {}
    return tracker.result(
        ctx, "broker %s" % name,
        broker={"name": name, "id": described.get("BrokerId", ""), "arn": described.get("BrokerArn", ""),
                "state": described.get("BrokerState", ""), "management_url": url or current_url or "",
                "endpoints": [e for i in described.get("BrokerInstances", []) or [] for e in i.get("Endpoints", [])],
                "engine_version": want["engine_version"], "instance_type": want["instance_type"]},
        secret_name=secret_name,
        url_parameter=parameter)


RESOURCE = Resource(
    "fusion_mq_broker",
    dict(
        name=dict(type="str", required=True),
        environment=dict(type="str", required=True),
        # Choices an operator makes: no default here, the role's defaults are the only ones.
        instance_type=dict(type="str", required=True),
        engine_version=dict(type="str", required=True),
        tags=dict(type="dict", default={}),
        **_secrets.PASSWORD_MANAGER_ARGS
    ),
    work,
    validate=validate,
)
