# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IAM calls of fusion.pos: one AWS call per function, each wearing ``aws_call``.

Reads of something that may not exist answer None (or False) instead of failing.
``ServiceSpecificCredentials`` are never listed (the local emulator lacks the call and nothing
here creates any). The handlers of the org's user are in ``_iam_user``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call

NOT_FOUND = ("NoSuchEntity",)


@aws_call("read the user", "IAM user {0}", missing=NOT_FOUND)
def get_user(iam, name):
    return iam.get_user(UserName=name)["User"]


@aws_call("read the tags", "IAM user {0}")
def list_user_tags(iam, name):
    tags = {}
    for page in iam.get_paginator("list_user_tags").paginate(UserName=name):
        tags.update(_tags.to_dict(page.get("Tags")))
    return tags


@aws_call("read the login profile", "IAM user {0}", missing=NOT_FOUND, default=False)
def has_login_profile(iam, name):
    iam.get_login_profile(UserName=name)
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


@aws_call("read when the access key was last used", "IAM user access key {0}")
def key_last_used(iam, key_id):
    """When the access key was last used (None: never)."""
    return iam.get_access_key_last_used(AccessKeyId=key_id).get("AccessKeyLastUsed", {}).get("LastUsedDate")


@aws_call("list the access keys", "IAM user {0}")
def list_access_keys(iam, name):
    keys = []
    for page in iam.get_paginator("list_access_keys").paginate(UserName=name):
        keys.extend(item["AccessKeyId"] for item in page.get("AccessKeyMetadata", []))
    return sorted(keys)


def _user_made(iam, name, tags):  # pylint: disable=unused-argument
    """After a lost CreateUser answer: the user, if that attempt made it (its tags came with it)."""
    return get_user(iam, name)


@aws_call("create the user", "IAM user {0}", found=_user_made, done=("EntityAlreadyExists",))
def create_user(iam, name, tags):
    return iam.create_user(UserName=name, Tags=_tags.to_list(tags))["User"]


@aws_call("tag the user", "IAM user {0}")
def tag_user(iam, name, tags):
    iam.tag_user(UserName=name, Tags=_tags.to_list(tags))


@aws_call("untag the user", "IAM user {0}")
def untag_user(iam, name, keys):
    iam.untag_user(UserName=name, TagKeys=sorted(keys))


@aws_call("delete the login profile", "IAM user {0}", done=NOT_FOUND)
def delete_login_profile(iam, name):
    iam.delete_login_profile(UserName=name)


@aws_call("detach a managed policy", "IAM user {0}", done=NOT_FOUND)
def detach_policy(iam, name, arn):
    iam.detach_user_policy(UserName=name, PolicyArn=arn)


@aws_call("delete an inline policy", "IAM user {0}", done=NOT_FOUND)
def delete_inline_policy(iam, name, policy_name):
    iam.delete_user_policy(UserName=name, PolicyName=policy_name)


def _drop_unreadable_keys(iam, name):
    """After a lost CreateAccessKey answer. A key is only created for a user that has none, so any key
    the user has now was made by that attempt, and its secret half was lost with the answer: nobody can
    ever use it. It is deleted, and None tells ``aws_call`` to send the create again (one key in the end).
    """
    for key_id in list_access_keys(iam, name):
        delete_access_key(iam, name, key_id)


@aws_call("create an access key", "IAM user {0}", found=_drop_unreadable_keys)
def create_access_key(iam, name):
    return iam.create_access_key(UserName=name)["AccessKey"]


@aws_call("delete an access key", "IAM user {0}", done=NOT_FOUND)
def delete_access_key(iam, name, key_id):
    iam.delete_access_key(UserName=name, AccessKeyId=key_id)


@aws_call("delete the user", "IAM user {0}", done=NOT_FOUND)
def delete_user(iam, name):
    iam.delete_user(UserName=name)
