#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_account_guard
short_description: Refuse to provision from the wrong AWS account or identity
version_added: 0.1.0
description:
  - Reads the caller identity (one C(sts:GetCallerIdentity) call) and refuses, with one clear
    message, when the caller is an account root identity, when the caller's account is not the
    account the inventory declares, or when the account does not fit an environment about to be
    provisioned (production and staging only in the POS Production account; qa, dev and demo never there).
  - Makes no write call; the same in check mode.
  - Run it once per run, before any task that writes, and use its RV(account_id) (never a literal)
    wherever an account ID is needed.
author: fusion.pos contributors (@fusion-pos)
options:
  environments:
    description:
      - The environments of everything the run is about to provision (one of C(production),
        C(staging), C(qa), C(dev), C(demo) each). Duplicates are fine.
    type: list
    elements: str
    required: true
  production_account_id:
    description: The ID of the POS Production AWS account (12 digits).
    type: str
    required: true
  account_id:
    description:
      - The account the inventory declares (12 digits). The caller must be in it.
      - When empty, only the environment rules apply.
    type: str
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.read_only
"""

EXAMPLES = r"""
- name: Guard the AWS account of a QA run
  fusion.pos.fusion_account_guard:
    environments: [qa]
    account_id: "{{ fusion_account_id }}"
    production_account_id: "{{ fusion_production_account_id }}"
  register: caller

- name: Use the caller's account, never a literal
  ansible.builtin.debug:
    msg: "{{ 'fusion-rms-xmsqa1' | fusion.pos.org_bucket_policy_statements(caller.account_id, 'xmsqa1') }}"
"""

RETURN = r"""
account_id:
  description: The caller's AWS account ID.
  returned: success
  type: str
  sample: "123456789012"
arn:
  description: The caller's ARN.
  returned: success
  type: str
  sample: arn:aws:iam::123456789012:user/provisioner
partition:
  description: The AWS partition of the caller (C(aws), C(aws-cn), C(aws-us-gov)).
  returned: success
  type: str
  sample: aws
user_id:
  description: The caller's unique ID.
  returned: success
  type: str
  sample: AIDAEXAMPLE
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._account_guard import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_account_guard.py (shared with the org step).
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
