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

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._iam_user import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_iam_user.py (shared with the org step).
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
