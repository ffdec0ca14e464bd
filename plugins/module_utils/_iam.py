# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-org IAM user of docs/specification.md section 5: ``rms_<org>``, programmatic access only.

One function per IAM call (``aws_call``); the handlers return ``(changed, before, after)`` for
``DifferenceTracker`` and never write in check mode. ``ServiceSpecificCredentials`` are never
listed (the local emulator lacks the call and nothing here creates any).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError, aws_call


def _tag_list(tags):
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


@aws_call("read the user", "IAM user {0}")
def get_user(iam, name):
    try:
        return iam.get_user(UserName=name)["User"]
    except iam.exceptions.NoSuchEntityException:
        return None


@aws_call("read the tags", "IAM user {0}")
def list_user_tags(iam, name):
    tags = {}
    for page in iam.get_paginator("list_user_tags").paginate(UserName=name):
        tags.update((item["Key"], item["Value"]) for item in page.get("Tags", []))
    return tags


@aws_call("read the login profile", "IAM user {0}")
def has_login_profile(iam, name):
    try:
        iam.get_login_profile(UserName=name)
    except iam.exceptions.NoSuchEntityException:
        return False
    return True


@aws_call("list the attached policies", "IAM user {0}")
def list_attached_policies(iam, name):
    arns = []
    for page in iam.get_paginator("list_attached_user_policies").paginate(UserName=name):
        arns.extend(item["PolicyArn"] for item in page.get("AttachedPolicies", []))
    return sorted(arns)


@aws_call("list the inline policies", "IAM user {0}")
def list_inline_policies(iam, name):
    names = []
    for page in iam.get_paginator("list_user_policies").paginate(UserName=name):
        names.extend(page.get("PolicyNames", []))
    return sorted(names)


@aws_call("list the access keys", "IAM user {0}")
def list_access_keys(iam, name):
    keys = []
    for page in iam.get_paginator("list_access_keys").paginate(UserName=name):
        keys.extend(item["AccessKeyId"] for item in page.get("AccessKeyMetadata", []))
    return sorted(keys)


@aws_call("create the user", "IAM user {0}")
def create_user(iam, name, tags):
    return iam.create_user(UserName=name, Tags=_tag_list(tags))["User"]


@aws_call("tag the user", "IAM user {0}")
def tag_user(iam, name, tags):
    iam.tag_user(UserName=name, Tags=_tag_list(tags))


@aws_call("untag the user", "IAM user {0}")
def untag_user(iam, name, keys):
    iam.untag_user(UserName=name, TagKeys=sorted(keys))


@aws_call("delete the login profile", "IAM user {0}")
def delete_login_profile(iam, name):
    iam.delete_login_profile(UserName=name)


@aws_call("detach a managed policy", "IAM user {0}")
def detach_policy(iam, name, arn):
    iam.detach_user_policy(UserName=name, PolicyArn=arn)


@aws_call("delete an inline policy", "IAM user {0}")
def delete_inline_policy(iam, name, policy_name):
    iam.delete_user_policy(UserName=name, PolicyName=policy_name)


@aws_call("create an access key", "IAM user {0}")
def create_access_key(iam, name):
    return iam.create_access_key(UserName=name)["AccessKey"]


@aws_call("delete an access key", "IAM user {0}")
def delete_access_key(iam, name, key_id):
    iam.delete_access_key(UserName=name, AccessKeyId=key_id)


@aws_call("delete the user", "IAM user {0}")
def delete_user(iam, name):
    iam.delete_user(UserName=name)


# --- handlers: (changed, before, after) --------------------------------------------------------

def ensure_user(iam, name, tags, check_mode):
    """The user exists. Returns (changed, before, after, user or None)."""
    user = get_user(iam, name)
    if user is not None:
        return False, True, True, user
    if check_mode:
        return True, False, True, None
    return True, False, True, create_user(iam, name, tags)


def ensure_tags(iam, name, tags, purge, check_mode, exists=True):
    current = list_user_tags(iam, name) if exists else {}
    wanted = dict(tags) if purge else dict(current, **tags)
    if current == wanted:
        return False, current, wanted
    if not check_mode:
        to_set = dict((key, val) for key, val in wanted.items() if current.get(key) != val)
        to_remove = [key for key in current if key not in wanted]
        if to_remove:
            untag_user(iam, name, to_remove)
        if to_set:
            tag_user(iam, name, to_set)
    return True, current, wanted


def ensure_no_login_profile(iam, name, check_mode, exists=True):
    present = has_login_profile(iam, name) if exists else False
    if present and not check_mode:
        delete_login_profile(iam, name)
    return present, present, False


def ensure_no_attached_policies(iam, name, check_mode, exists=True):
    arns = list_attached_policies(iam, name) if exists else []
    if not check_mode:
        for arn in arns:
            detach_policy(iam, name, arn)
    return bool(arns), arns, []


def ensure_no_inline_policies(iam, name, check_mode, exists=True):
    names = list_inline_policies(iam, name) if exists else []
    if not check_mode:
        for policy_name in names:
            delete_inline_policy(iam, name, policy_name)
    return bool(names), names, []


def ensure_access_key(iam, name, store, secret_path, secret_tags, check_mode, exists=True):
    """Opt-in access key: created only when the user has none, its pair written straight into the
    password manager. The key never leaves this function except into ``store.create()``.

    Returns ``(changed, before, after, secret_info)``; before/after give the number of keys only.
    """
    keys = list_access_keys(iam, name) if exists else []
    if keys:
        return False, {"access_keys": len(keys)}, {"access_keys": len(keys)}, store.describe(secret_path)
    existing = store.describe(secret_path)
    if existing is not None:
        raise FusionModuleError(
            "IAM user %s has no access key but secret %s already exists: fusion.pos does not replace "
            "a stored key on its own; delete the stale secret (or create the key by hand) first"
            % (name, secret_path)
        )
    if check_mode:
        return True, {"access_keys": 0}, {"access_keys": 1}, None
    key = create_access_key(iam, name)
    key_id = key["AccessKeyId"]
    value = json.dumps({"AccessKeyId": key_id, "SecretAccessKey": key["SecretAccessKey"]})
    key = None
    try:
        info = store.create(secret_path, value, tags=secret_tags,
                            description="Access key of IAM user %s (fusion.pos)" % name)
    except Exception:
        # Nobody could ever read the key again: take it back before failing.
        delete_access_key(iam, name, key_id)
        raise
    finally:
        value = None
    return True, {"access_keys": 0}, {"access_keys": 1}, info


def remove_user(iam, name, check_mode):
    """Delete the user and what blocks its deletion (login profile, policies, access keys)."""
    user = get_user(iam, name)
    if user is None:
        return False, False, False
    if not check_mode:
        if has_login_profile(iam, name):
            delete_login_profile(iam, name)
        for arn in list_attached_policies(iam, name):
            detach_policy(iam, name, arn)
        for policy_name in list_inline_policies(iam, name):
            delete_inline_policy(iam, name, policy_name)
        for key_id in list_access_keys(iam, name):
            delete_access_key(iam, name, key_id)
        delete_user(iam, name)
    return True, True, False
