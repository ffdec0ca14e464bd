# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The org's IAM user (``fusion.pos.fusion_iam_user``): ``rms_<org>``, programmatic access only.

Specification: docs/specification.md, the IAM user. One handler per sub-resource (user, tags,
login profile, attached and inline policies, the opt-in access key), each returning
``(changed, before, after)`` and never writing in check mode; ``work(ctx)`` records them in one
``DifferenceTracker``. The calls are in ``_iam``; ``RESOURCE`` is what the module and the org
step run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.fusion.pos.plugins.module_utils import _iam
from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils import _secrets
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

ACCESS_KEY_PURPOSE = "iam-access-key"
# Set on the user right before fusion.pos creates its access key, removed once the key is stored: a
# user carrying it with no stored key had a run stopped (or an answer lost) between the two.
PENDING_TAG = "fusion.pos:access-key-pending"


def ensure_user(iam, name, tags, check_mode):
    """The user exists. Returns (changed, before, after, user or None)."""
    user = _iam.get_user(iam, name)
    if user is not None:
        return False, True, True, user
    if check_mode:
        return True, False, True, None
    return True, False, True, _iam.create_user(iam, name, tags)


def ensure_tags(iam, name, tags, purge, check_mode, exists=True):
    current = _iam.list_user_tags(iam, name) if exists else {}
    current.pop(PENDING_TAG, None)  # the access key's own marker, not the user's tags
    wanted = dict(tags) if purge else dict(current, **tags)
    if current == wanted:
        return False, current, wanted
    if not check_mode:
        to_set = dict((key, val) for key, val in wanted.items() if current.get(key) != val)
        to_remove = [key for key in current if key not in wanted]
        if to_remove:
            _iam.untag_user(iam, name, to_remove)
        if to_set:
            _iam.tag_user(iam, name, to_set)
    return True, current, wanted


def ensure_no_login_profile(iam, name, check_mode, exists=True):
    present = _iam.has_login_profile(iam, name) if exists else False
    if present and not check_mode:
        _iam.delete_login_profile(iam, name)
    return present, present, False


def ensure_no_attached_policies(iam, name, check_mode, exists=True):
    arns = _iam.list_attached_policies(iam, name) if exists else []
    if not check_mode:
        for arn in arns:
            _iam.detach_policy(iam, name, arn)
    return bool(arns), arns, []


def ensure_no_inline_policies(iam, name, check_mode, exists=True):
    names = _iam.list_inline_policies(iam, name) if exists else []
    if not check_mode:
        for policy_name in names:
            _iam.delete_inline_policy(iam, name, policy_name)
    return bool(names), names, []


def stored_key_id(store, secret_path):
    """The access key ID recorded in the password manager at ``secret_path`` (None: no readable record)."""
    value = store.get(secret_path)
    try:
        return json.loads(value).get("AccessKeyId") if value else None
    except (ValueError, AttributeError):
        return None


def repair_keys(iam, name, store, secret_path, existing, keys, pending, check_mode):
    """Keys a retried or interrupted create left behind; returns them, deleted unless ``check_mode``.
    With the secret in place: every key but the one it records. With no secret and ``pending`` (the
    user carries ``PENDING_TAG``: fusion.pos's create was under way): every key never used, whose
    secret half was lost with a lost answer or a killed run."""
    extra = []
    if existing is not None and not existing.deleted:
        kept = stored_key_id(store, secret_path) if len(keys) > 1 else keys[0]
        if kept in keys:
            extra = [key_id for key_id in keys if key_id != kept]
    elif existing is None and pending:
        extra = [key_id for key_id in keys if _iam.key_last_used(iam, key_id) is None]
    if not check_mode:
        for key_id in extra:
            _iam.delete_access_key(iam, name, key_id)
    return extra


def create_stored_key(iam, name, store, secret_path, secret_tags):
    """A new access key, stored at once; ``PENDING_TAG`` on the user while it is under way."""
    _iam.tag_user(iam, name, {PENDING_TAG: "created by fusion.pos, not yet stored"})
    key = _iam.create_access_key(iam, name)
    key_id = key["AccessKeyId"]
    value = json.dumps({"AccessKeyId": key_id, "SecretAccessKey": key["SecretAccessKey"]})
    key = None
    try:
        info = store.create(secret_path, value, tags=secret_tags,
                            description="Access key of IAM user %s (fusion.pos)" % name)
    except Exception:
        # Nobody could ever read the key again: take it back before failing.
        _iam.delete_access_key(iam, name, key_id)
        raise
    finally:
        value = None
    _iam.untag_user(iam, name, [PENDING_TAG])
    return info


def ensure_access_key(iam, name, store, secret_path, secret_tags, check_mode, exists=True):
    """Opt-in access key: created only when the user has none, its pair written straight into the
    password manager. The key never leaves this function except into ``store.create()``.

    fusion.pos owns the user's keys then: a key not recorded in the password manager while the secret
    records another of the user's keys is deleted (a create sent twice), and never-used keys of a
    create that was under way (``PENDING_TAG``) with no secret are deleted and replaced (a run stopped
    between the key and its secret). A key made by hand, with no secret, is left alone.

    Returns ``(changed, before, after, secret_info)``; before/after give the number of keys only.
    """
    keys = _iam.list_access_keys(iam, name) if exists else []
    existing = store.describe(secret_path)
    if keys:
        pending = PENDING_TAG in _iam.list_user_tags(iam, name)
        extra = repair_keys(iam, name, store, secret_path, existing, keys, pending, check_mode)
        if len(extra) < len(keys):
            finished = pending and existing is not None  # stopped after the key was stored: the create is over
            if finished and not check_mode:
                _iam.untag_user(iam, name, [PENDING_TAG])
            return bool(extra) or finished, {"access_keys": len(keys)}, {"access_keys": len(keys) - len(extra)}, existing
    elif existing is not None:
        raise FusionModuleError(
            "IAM user %s has no access key but secret %s already exists: fusion.pos does not replace "
            "a stored key on its own; delete the stale secret (or create the key by hand) first"
            % (name, secret_path)
        )
    before = {"access_keys": len(keys)}
    if check_mode:
        return True, before, {"access_keys": 1}, None
    return True, before, {"access_keys": 1}, create_stored_key(iam, name, store, secret_path, secret_tags)


def remove_user(iam, name, check_mode):
    """Delete the user and what blocks its deletion (login profile, policies, access keys)."""
    user = _iam.get_user(iam, name)
    if user is None:
        return False, False, False
    if not check_mode:
        if _iam.has_login_profile(iam, name):
            _iam.delete_login_profile(iam, name)
        for arn in _iam.list_attached_policies(iam, name):
            _iam.detach_policy(iam, name, arn)
        for policy_name in _iam.list_inline_policies(iam, name):
            _iam.delete_inline_policy(iam, name, policy_name)
        for key_id in _iam.list_access_keys(iam, name):
            _iam.delete_access_key(iam, name, key_id)
        _iam.delete_user(iam, name)
    return True, True, False


# --- the module's work -------------------------------------------------------------------------

def present(ctx, iam, name, tracker):
    params = ctx.params
    org = params["org"]
    check = ctx.check_mode
    tags = _naming.org_tags(org, params["tags"])
    changed, before, after, user = ensure_user(iam, name, tags, check)
    tracker.add("user", before, after, changed)
    exists = user is not None
    # A user created in this run already carries the wanted tags and nothing else.
    if changed:
        tracker.add("tags", {}, tags, False)
        tracker.add("login_profile", False, False, False)
        tracker.add("attached_policies", [], [], False)
        tracker.add("inline_policies", [], [], False)
    else:
        tracker.record("tags", ensure_tags(iam, name, tags, params["purge_tags"], check))
        tracker.record("login_profile", ensure_no_login_profile(iam, name, check))
        tracker.record("attached_policies", ensure_no_attached_policies(iam, name, check))
        tracker.record("inline_policies", ensure_no_inline_policies(iam, name, check))
    result = dict(user_name=name, user_arn=(user or {}).get("Arn", ""), tags=tracker.after()["tags"])
    if params["create_access_key"]:
        secret_path = _naming.secret_path(params["environment"], org, ACCESS_KEY_PURPOSE)
        store = _secrets.module_store(ctx)
        key_changed, key_before, key_after, info = ensure_access_key(
            iam, name, store, secret_path, _naming.org_tags(org), check, exists=exists)
        tracker.add("access_key", key_before, key_after, key_changed)
        result["access_key_secret"] = info.as_dict() if info is not None else None
    return result


def validate(params):
    _naming.iam_user_name(params["org"])
    _naming.org_tags(params["org"], params["tags"])


def work(ctx):
    params = ctx.params
    name = _naming.iam_user_name(params["org"])
    iam = ctx.client("iam")
    tracker = DifferenceTracker()
    if params["state"] == "absent":
        tracker.record("user", remove_user(iam, name, ctx.check_mode))
        result = dict(user_name=name, user_arn="")
    else:
        result = present(ctx, iam, name, tracker)
    return tracker.result(ctx, "IAM user %s" % name, changes=tracker.changed_items(), **result)


RESOURCE = Resource(
    "fusion_iam_user",
    dict(
        org=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", default={}),
        purge_tags=dict(type="bool", default=False),
        create_access_key=dict(type="bool", default=False),
        environment=dict(type="str", choices=list(_naming.ENVIRONMENTS)),
        **_secrets.PASSWORD_MANAGER_ARGS
    ),
    work,
    validate=validate,
    required_if=[("create_access_key", True, ["environment"])],
)
