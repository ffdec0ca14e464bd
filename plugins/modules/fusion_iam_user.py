#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_iam_user
short_description: The IAM user of a fusion.pos org (programmatic access only)
version_added: 0.1.0
description:
  - Makes the IAM user C(rms_<org>) of an org exist with programmatic access only, as
    docs/specification.md section 5 requires.
  - Removes any console login profile and any attached or inline policy (the user's rights come
    from resource policies such as the org's bucket policy).
  - Tags the user C(OrgId=<org>) (plus O(tags)).
  - With O(create_access_key=true), creates an access key only when the user has none and writes
    the key pair straight into the password manager at
    C(fusion-pos/<environment>/<org>/iam-access-key), in the same module run. The key is never
    returned, logged or written to disk. When the user has no key but that secret exists, the
    module refuses rather than replace a stored key.
  - Exact check mode and C(--diff); a second run changes nothing.
author: fusion.pos contributors (@fusion-pos)
options:
  org:
    description: The org ID (docs/specification.md section 2); the user is C(rms_<org>).
    type: str
    required: true
  state:
    description:
      - C(present) makes the user exist as described; C(absent) deletes it together with its login
        profile, policies and access keys (the stored key secret stays in the password manager).
    type: str
    choices: [present, absent]
    default: present
  tags:
    description: Extra tags. C(OrgId) is always set to O(org).
    type: dict
    default: {}
  purge_tags:
    description: Remove tags that are neither C(OrgId) nor in O(tags).
    type: bool
    default: false
  create_access_key:
    description: Create one access key when the user has none and store it in the password manager.
    type: bool
    default: false
  environment:
    description:
      - The org's environment, part of the secret path of the access key.
      - Required when O(create_access_key=true).
    type: str
    choices: [production, staging, qa, dev, demo]
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.password_manager
  - fusion.pos.exact_check_mode
"""

EXAMPLES = r"""
- name: IAM user of org xmsqa1
  fusion.pos.fusion_iam_user:
    org: xmsqa1

- name: IAM user with an access key kept in the password manager
  fusion.pos.fusion_iam_user:
    org: xmsqa1
    create_access_key: true
    environment: qa
"""

RETURN = r"""
user_name:
  description: The IAM user's name.
  returned: always
  type: str
  sample: rms_xmsqa1
user_arn:
  description: The user's ARN (empty when check mode would create it or state is absent).
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:user/rms_xmsqa1
tags:
  description: The user's tags after the run.
  returned: when state is present
  type: dict
  sample: {OrgId: xmsqa1}
changes:
  description: The sub-resources changed (or that check mode would change).
  returned: always
  type: list
  elements: str
  sample: [user, tags]
access_key_secret:
  description:
    - Where the access key is kept (name, ARN, version); never the key itself.
    - Null when no key secret exists (yet).
  returned: when create_access_key is true
  type: dict
  sample: {name: fusion-pos/qa/xmsqa1/iam-access-key, arn: "arn:aws:secretsmanager:...", version_id: "..."}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    CONNECTION_ARGS, client, require_boto3, run_module,
)
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils import _iam
from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils import _secrets

ACCESS_KEY_PURPOSE = "iam-access-key"


def present(module, iam, name, tracker):
    params = module.params
    org = params["org"]
    check = module.check_mode
    tags = _naming.org_tags(org, params["tags"])
    changed, before, after, user = _iam.ensure_user(iam, name, tags, check)
    tracker.add("user", before, after, changed)
    exists = user is not None
    # A user created in this run already carries the wanted tags and nothing else.
    if changed:
        tracker.add("tags", {}, tags, False)
        tracker.add("login_profile", False, False, False)
        tracker.add("attached_policies", [], [], False)
        tracker.add("inline_policies", [], [], False)
    else:
        tracker.record("tags", _iam.ensure_tags(iam, name, tags, params["purge_tags"], check))
        tracker.record("login_profile", _iam.ensure_no_login_profile(iam, name, check))
        tracker.record("attached_policies", _iam.ensure_no_attached_policies(iam, name, check))
        tracker.record("inline_policies", _iam.ensure_no_inline_policies(iam, name, check))
    result = dict(user_name=name, user_arn=(user or {}).get("Arn", ""), tags=tracker.after()["tags"])
    if params["create_access_key"]:
        secret_path = _naming.secret_path(params["environment"], org, ACCESS_KEY_PURPOSE)
        store = _secrets.module_store(module)
        key_changed, key_before, key_after, info = _iam.ensure_access_key(
            iam, name, store, secret_path, _naming.org_tags(org), check, exists=exists)
        tracker.add("access_key", key_before, key_after, key_changed)
        result["access_key_secret"] = info.as_dict() if info is not None else None
    return result


def validate(params):
    _naming.iam_user_name(params["org"])
    _naming.org_tags(params["org"], params["tags"])


def work(module):
    params = module.params
    name = _naming.iam_user_name(params["org"])
    iam = client(module, "iam")
    tracker = DifferenceTracker()
    if params["state"] == "absent":
        tracker.record("user", _iam.remove_user(iam, name, module.check_mode))
        result = dict(user_name=name, user_arn="")
    else:
        result = present(module, iam, name, tracker)
    result.update(changed=tracker.changed, changes=tracker.changed_items())
    if module._diff:
        result["diff"] = tracker.diff("IAM user %s" % name)
    return result


def main():
    argument_spec = dict(
        org=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", default={}),
        purge_tags=dict(type="bool", default=False),
        create_access_key=dict(type="bool", default=False),
        environment=dict(type="str", choices=list(_naming.ENVIRONMENTS)),
        **_secrets.PASSWORD_MANAGER_ARGS,
        **CONNECTION_ARGS
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("create_access_key", True, ["environment"])],
    )
    require_boto3(module)
    run_module(module, work, validate=validate)


if __name__ == "__main__":
    main()
