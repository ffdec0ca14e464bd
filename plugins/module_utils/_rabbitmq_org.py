# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An org's RabbitMQ on its shared broker (``fusion.pos.fusion_rabbitmq_org``), docs/specification.md section 8.

Per org, on broker ``mq-POS-NN`` through the management HTTP API (``_rabbitmq_api``):

- vhosts ``<org>`` (hub), ``<org>_corp`` and ``<org>_<siteid>`` per site (names: ``_naming``);
- one user ``_naming.rabbitmq_user(org)``, no tags, whose password is the one the password manager
  keeps at ``fusion-pos/<environment>/<org>/rabbitmq`` (made by provision.yml's secrets step);
  compared through the user's ``password_hash`` (same algorithm, same salt), never by logging in;
- permissions ``.*`` (configure, write, read) on the org's declared vhosts; the user's permissions
  (and topic permissions) on any vhost that is not the org's are removed.

A site taken out of ``sites`` keeps its vhost (and the user's permission there) unless ``prune``;
prune removes only vhosts ``<org>_<site ID>`` of this org, never the hub, ``<org>_corp``, another
org's vhost or anything Amazon MQ owns (``*-AWS-OWNED-DO-NOT-DELETE``). ``state: absent`` removes
the org's vhosts and user (refused in production and staging).

Handlers return ``(changed, before, after)`` and never write in check mode; ``work(ctx)`` records them
in one ``DifferenceTracker``. The calls are in ``_rabbitmq_api`` (management API), ``_mq`` (Amazon MQ,
SSM) and ``_secrets``; ``RESOURCE`` is what the module runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import hmac

from ansible_collections.fusion.pos.plugins.module_utils import _mq, _naming, _secrets, _ssm
from ansible_collections.fusion.pos.plugins.module_utils import _rabbitmq_api as api_calls
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource
from ansible_collections.fusion.pos.plugins.module_utils._rabbitmq_api import ManagementAPI

PASSWORD_PURPOSE = "rabbitmq"
ADMIN_PURPOSE = "admin"
AWS_OWNED_SUFFIX = "-AWS-OWNED-DO-NOT-DELETE"
FULL_PERMISSIONS = {"configure": ".*", "write": ".*", "read": ".*"}
PERMISSION_KEYS = ("configure", "write", "read")
HASHING_ALGORITHMS = {
    "rabbit_password_hashing_sha256": hashlib.sha256,
    "rabbit_password_hashing_sha512": hashlib.sha512,
    "rabbit_password_hashing_md5": hashlib.md5,
}
DEFAULT_HASHING_ALGORITHM = "rabbit_password_hashing_sha256"
PASSWORD_MATCHES = "matches the password manager"
PASSWORD_DIFFERS = "differs from the password manager"


# --- password hashes, as RabbitMQ makes them ------------------------------------------------------

def hash_password(password, salt, algorithm=DEFAULT_HASHING_ALGORITHM):
    """RabbitMQ's ``password_hash``: base64(salt + H(salt + UTF-8 password)), salt 4 bytes."""
    func = HASHING_ALGORITHMS.get(algorithm or DEFAULT_HASHING_ALGORITHM)
    if func is None:
        raise FusionModuleError("unknown RabbitMQ password hashing algorithm %r: one of %s"
                                % (algorithm, ", ".join(sorted(HASHING_ALGORITHMS))))
    return base64.b64encode(salt + func(salt + password.encode("utf-8")).digest()).decode("ascii")


def password_matches(password, password_hash, algorithm=DEFAULT_HASHING_ALGORITHM):
    """True when ``password_hash`` (as GET /api/users/<user> returns it) is the hash of ``password``.

    An empty or unreadable hash, or an algorithm this code does not know, counts as different (the
    password is then set again, which is always safe).
    """
    if not password_hash or (algorithm or DEFAULT_HASHING_ALGORITHM) not in HASHING_ALGORITHMS:
        return False
    try:
        raw = base64.b64decode(password_hash.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    if len(raw) < 5:
        return False
    return hmac.compare_digest(hash_password(password, raw[:4], algorithm), password_hash)


def _tags(value):
    """A user's tags as a sorted list (the API answers a list, older versions a comma string)."""
    if isinstance(value, str):
        value = value.split(",")
    return sorted(tag.strip() for tag in value or [] if tag and tag.strip())


# --- the plan, on names only (no API call) -----------------------------------------------------------

def aws_owned(name):
    return str(name).endswith(AWS_OWNED_SUFFIX)


def org_site_vhost(name, org):
    """True when ``name`` is a site vhost ``<org>_<site ID>`` of ``org`` (``<org>_corp`` included)."""
    prefix = org + "_"
    if aws_owned(name) or not name.startswith(prefix):
        return False
    try:
        _naming.validate_site_id(name[len(prefix):])
    except _naming.NamingError:
        return False
    return True


def org_owned_vhosts(existing, org):
    """The vhosts among ``existing`` that belong to ``org``: its hub and its ``<org>_<site>`` vhosts."""
    return sorted(name for name in existing if name == org or org_site_vhost(name, org))


def plan_vhosts(existing, wanted, org, prune):
    """``{"create", "delete", "retained"}`` for the org's vhosts.

    ``delete`` is what ``prune`` removes: site vhosts of this org no longer declared (never the hub,
    ``<org>_corp``, another org's vhost or an AWS-owned one). ``retained`` is what stays without prune.
    """
    existing = set(existing)
    create = [name for name in wanted if name not in existing]
    undeclared = [name for name in org_owned_vhosts(existing, org)
                  if name not in wanted and name != _naming.hub_vhost(org) and name != _naming.site_vhost(org, "corp")]
    if prune:
        return {"create": create, "delete": undeclared, "retained": []}
    return {"create": create, "delete": [], "retained": undeclared}


def plan_permissions(current, wanted, retained, deleted):
    """Permissions to set and to remove for the org's user.

    ``current``: the user's permission entries (``vhost``, ``configure``, ``write``, ``read``).
    Wanted vhosts get ``.*``; retained vhosts keep what they have; permissions on vhosts being
    deleted go with the vhost; any other vhost loses the user's permission.
    Returns ``(before, after, to_set, to_delete)``.
    """
    before = dict((entry["vhost"], dict((key, entry.get(key, "")) for key in PERMISSION_KEYS)) for entry in current)
    after = {}
    for vhost, perms in before.items():
        if vhost in retained:
            after[vhost] = perms
    for vhost in wanted:
        after[vhost] = dict(FULL_PERMISSIONS)
    to_set = [vhost for vhost in wanted if before.get(vhost) != FULL_PERMISSIONS]
    to_delete = sorted(vhost for vhost in before if vhost not in after and vhost not in deleted)
    return before, after, to_set, to_delete


def plan_topic_permissions(current, keep):
    """Topic permissions of the user: the vhosts having some, and those outside ``keep`` to remove."""
    before = sorted(set(entry["vhost"] for entry in current))
    to_delete = [vhost for vhost in before if vhost not in keep]
    return before, [vhost for vhost in before if vhost in keep], to_delete


# --- handlers: (changed, before, after), no write in check mode ----------------------------------

def ensure_vhosts(api, org, wanted, prune, check_mode, existing):
    plan = plan_vhosts(existing, wanted, org, prune)
    before = org_owned_vhosts(existing, org)
    after = sorted((set(before) | set(plan["create"])) - set(plan["delete"]))
    if not check_mode:
        for name in plan["create"]:
            api_calls.put_vhost(api, name)
    return bool(plan["create"] or plan["delete"]), before, after, plan


def delete_vhosts(api, names, check_mode):
    if not check_mode:
        for name in names:
            api_calls.delete_vhost(api, name)


def ensure_user(api, name, password, check_mode):
    """The user exists, without tags, with the password manager's password.

    A PUT replaces the whole user: a password change sends the new ``password`` with the wanted tags;
    a tag change alone sends the existing ``password_hash`` and ``hashing_algorithm`` back, so the
    password stays as it is. Before/after say whether the password matches, never any hash.
    """
    user = api_calls.get_user(api, name)
    after = {"exists": True, "tags": [], "password": PASSWORD_MATCHES}
    if user is None:
        if not check_mode:
            api_calls.put_user(api, name, {"password": password, "tags": ""})
        return True, {"exists": False}, after
    algorithm = user.get("hashing_algorithm") or DEFAULT_HASHING_ALGORITHM
    # password None: a dry run whose secret does not exist yet (the real run generates a new one)
    same_password = password is not None and password_matches(password, user.get("password_hash"), algorithm)
    tags = _tags(user.get("tags"))
    before = {"exists": True, "tags": tags, "password": PASSWORD_MATCHES if same_password else PASSWORD_DIFFERS}
    if before == after:
        return False, before, after
    if not check_mode:
        if same_password:
            body = {"password_hash": user["password_hash"], "hashing_algorithm": algorithm, "tags": ""}
        else:
            body = {"password": password, "tags": ""}
        api_calls.put_user(api, name, body)
    return True, before, after


def ensure_permissions(api, user, wanted, retained, deleted, check_mode, user_exists):
    current = api_calls.list_user_permissions(api, user) if user_exists else []
    before, after, to_set, to_delete = plan_permissions(current, wanted, retained, deleted)
    if not check_mode:
        for vhost in to_set:
            api_calls.put_permissions(api, vhost, user, dict(FULL_PERMISSIONS))
        for vhost in to_delete:
            api_calls.delete_permissions(api, vhost, user)
    return bool(to_set or to_delete), before, after


def ensure_topic_permissions(api, user, keep, deleted, check_mode, user_exists):
    current = api_calls.list_user_topic_permissions(api, user) if user_exists else []
    before, after, to_delete = plan_topic_permissions(current, keep)
    to_delete = [vhost for vhost in to_delete if vhost not in deleted]
    if not check_mode:
        for vhost in to_delete:
            api_calls.delete_topic_permissions(api, vhost, user)
    return bool(to_delete), before, after


def remove_user(api, name, check_mode):
    if aws_owned(name):
        return False, None, None
    user = api_calls.get_user(api, name)
    if user is None:
        return False, {"exists": False}, {"exists": False}
    if not check_mode:
        api_calls.delete_user(api, name)
    return True, {"exists": True, "tags": _tags(user.get("tags"))}, {"exists": False}


# --- where the broker is and how to log in --------------------------------------------------------

def broker_environment(params):
    return params.get("broker_environment") or params["environment"]


def connect(ctx):
    """The management API of the org's broker as its admin (Amazon MQ, SSM, password manager reads)."""
    params = ctx.params
    broker = params["broker"]
    environment = broker_environment(params)
    summary = _mq.find_broker(ctx.client("mq"), broker)
    if summary is None:
        raise FusionModuleError(
            "broker %s does not exist in Amazon MQ (region %s): the shared brokers are made by shared.yml "
            "(declared in the inventory's shared.yml); run it first or fix the org's broker"
            % (broker, params.get("region") or "of the AWS environment"))
    url = params.get("management_url")
    if not url:
        parameter = _naming.management_url_parameter(environment, broker)
        url = _ssm.get_parameter(ctx.client("ssm"), parameter)
        if not url:
            raise FusionModuleError(
                "broker %s: no management URL recorded in SSM parameter %s: shared.yml records it once the broker "
                "runs; run shared.yml again, or pass management_url" % (broker, parameter))
    store = _secrets.module_store(ctx)
    admin_secret = _naming.secret_path(environment, broker, ADMIN_PURPOSE)
    admin = _secrets.read_credentials(store, admin_secret)
    if admin is None:
        raise FusionModuleError("broker %s: its admin secret %s does not exist in the password manager: shared.yml "
                                "(fusion_mq_broker) stores it when it creates the broker" % (broker, admin_secret))
    ctx.no_log_values.add(admin["password"])
    return ManagementAPI(url, admin.get("username") or _mq.ADMIN_USER, admin["password"], broker,
                         ca_bundle=params.get("ca_bundle"), validate_certs=params.get("management_validate_certs", True),
                         credentials_source="secret %s" % admin_secret), url


def org_password(ctx, api):
    params = ctx.params
    path = _naming.secret_path(params["environment"], params["org"], PASSWORD_PURPOSE)
    found = _secrets.read_credentials(_secrets.module_store(ctx), path)
    if (found is None or not found["password"]) and ctx.check_mode:
        # A dry run of a new org: the secrets step of the same run would make this secret, so the
        # user's password would be set from a value nobody has yet: it differs from any present.
        return None, path
    if found is None or not found["password"]:
        raise FusionModuleError(
            "org %s: its RabbitMQ password secret %s does not exist in the password manager: provision.yml's "
            "secrets step (fusion_secret, purpose rabbitmq: role org_resources, or org_secrets alone) creates it; run that first" % (params["org"], path))
    ctx.no_log_values.add(found["password"])
    api.secrets.add(found["password"])
    return found["password"], path


# --- the module's work ------------------------------------------------------------------------

def present(ctx, api, tracker):
    params = ctx.params
    org = params["org"]
    check = ctx.check_mode
    user = _naming.rabbitmq_user(org)
    wanted = _naming.org_vhosts(org, params["sites"])
    password, secret_name = org_password(ctx, api)
    existing = api_calls.list_vhosts(api)

    changed, before, after, plan = ensure_vhosts(api, org, wanted, params["prune"], check, existing)
    tracker.add("vhosts", before, after, changed)
    user_changed, user_before, user_after = ensure_user(api, user, password, check)
    tracker.add("user", user_before, user_after, user_changed)
    user_exists = user_before.get("exists", False)
    tracker.record("permissions", ensure_permissions(api, user, wanted, plan["retained"], plan["delete"], check, user_exists))
    keep = set(wanted) | set(plan["retained"])
    tracker.record("topic_permissions", ensure_topic_permissions(api, user, keep, plan["delete"], check, user_exists))
    delete_vhosts(api, plan["delete"], check)
    return dict(user=user, vhosts=wanted, retained_vhosts=plan["retained"], pruned_vhosts=plan["delete"],
                password_secret=secret_name)


def absent(ctx, api, tracker):
    org = ctx.params["org"]
    user = _naming.rabbitmq_user(org)
    existing = api_calls.list_vhosts(api)
    owned = org_owned_vhosts(existing, org)
    delete_vhosts(api, owned, ctx.check_mode)
    tracker.add("vhosts", owned, [], bool(owned))
    tracker.record("user", remove_user(api, user, ctx.check_mode))
    return dict(user=user, vhosts=[], retained_vhosts=[], pruned_vhosts=owned)


def validate(params):
    org = _naming.validate_org_id(params["org"])
    environment = _naming.validate_environment(params["environment"])
    if params.get("broker_environment"):
        _naming.validate_environment(params["broker_environment"])
    _naming.validate_broker(params["broker"])
    sites = params.get("sites") or []
    for site in sites:
        _naming.validate_site_id(site)
    _naming.org_vhosts(org, sites)
    _naming.rabbitmq_user(org)
    if params["state"] == "absent" and environment in _naming.PRODUCTION_ACCOUNT_ENVIRONMENTS:
        raise FusionModuleError("org %s: state=absent is refused in environment %s (it would delete the org's "
                                "RabbitMQ vhosts and messages); deprovision production and staging orgs by hand"
                                % (org, environment))


def work(ctx):
    params = ctx.params
    tracker = DifferenceTracker()
    api, url = connect(ctx)
    if params["state"] == "absent":
        result = absent(ctx, api, tracker)
    else:
        result = present(ctx, api, tracker)
    return tracker.result(ctx, "RabbitMQ of org %s on broker %s" % (params["org"], params["broker"]),
                          changes=tracker.changed_items(), broker=params["broker"], management_url=url, **result)


RESOURCE = Resource(
    "fusion_rabbitmq_org",
    dict(
        org=dict(type="str", required=True),
        environment=dict(type="str", required=True, choices=list(_naming.ENVIRONMENTS)),
        broker=dict(type="str", required=True),
        broker_environment=dict(type="str", choices=list(_naming.ENVIRONMENTS)),
        sites=dict(type="list", elements="str", default=[]),
        management_url=dict(type="str"),
        ca_bundle=dict(type="path"),
        management_validate_certs=dict(type="bool", default=True),
        prune=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        **_secrets.PASSWORD_MANAGER_ARGS
    ),
    work,
    validate=validate,
)
