#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_secret
short_description: A generated secret in the fusion.pos password manager
version_added: 0.1.0
description:
  - Makes a secret exist at C(fusion-pos/<environment>/<owner>/<purpose>) in the password manager
    (AWS Secrets Manager by default). When it does not exist, a random value is generated and
    stored; when it exists, its value is never read, replaced or rotated.
  - The value is never returned, logged or written to a file; only the name, ARN and version are
    returned. Read it back with the P(fusion.pos.secret#lookup) lookup in a task with C(no_log).
  - Tags C(OrgId=<owner>) when the owner is an org, plus O(tags); missing tags are added to an
    existing secret.
  - Exact check mode and C(--diff) (existence and tags only).
  - The credentials of the shared RDS master and Amazon MQ admin users (JSON C(username),
    C(password)) are made by M(fusion.pos.fusion_rds_instance) and M(fusion.pos.fusion_mq_broker)
    through the same password-manager interface, not by this module.
  - Check mode on a secret that does not exist yet reports the change; the lookup cannot read it
    until a real run created it.
author: fusion.pos contributors (@fusion-pos)
options:
  environment:
    description: The environment of the owner.
    type: str
    required: true
    choices: [production, staging, qa, dev, demo]
  owner:
    description: The org ID or the shared resource (C(db-POS-NN), C(mq-POS-NN), C(POSNN)) the secret belongs to.
    type: str
    required: true
  purpose:
    description:
      - What the secret is for, lower-case letters, digits and C(-) (for example C(db-login)).
      - Exactly one of O(purpose) and O(purposes) is required.
    type: str
  purposes:
    description:
      - Several secrets of the same owner in one module run (one per purpose), each handled as
        with O(purpose).
    type: list
    elements: str
  state:
    description:
      - C(present) creates a missing secret (never rotates one).
      - C(absent) schedules the deletion of each secret with a recovery window of
        O(recovery_window_days) (the secret can be restored until then); a missing secret, or one
        already scheduled for deletion, is left as it is. The value is never read.
    type: str
    choices: [present, absent]
    default: present
  recovery_window_days:
    description:
      - With O(state=absent), the days (7 to 30) a deleted secret can still be restored.
    type: int
    default: 7
    version_added: 0.2.0
  length:
    description: Length of a generated value (at least 12).
    type: int
    default: 32
  exclude_characters:
    description:
      - Characters a generated value never contains. The default leaves out quotes, C(\), C(/),
        C(@), C(:), C(;) and other characters that break connection strings, URLs or shells.
    type: str
  description:
    description: Description stored with a new secret.
    type: str
  tags:
    description: Extra tags.
    type: dict
    default: {}
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.password_manager
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: Existence and tags of each secret only; secret values never appear.
"""

EXAMPLES = r"""
- name: Password of the org's database login
  fusion.pos.fusion_secret:
    environment: qa
    owner: xmsqa1
    purpose: db-login
  register: db_secret

- name: Every generated secret of an org in one module run
  fusion.pos.fusion_secret:
    environment: qa
    owner: xmsqa1
    purposes: [db-login, rabbitmq]

- name: A longer secret of a shared resource
  fusion.pos.fusion_secret:
    environment: production
    owner: POS01
    purpose: service-login
    length: 40

- name: Schedule the deletion of an org's secrets (restorable for 7 days)
  fusion.pos.fusion_secret:
    environment: qa
    owner: xmsqa1
    purposes: [db-login, rabbitmq, iam-access-key]
    state: absent
    recovery_window_days: 7
"""

RETURN = r"""
secret:
  description:
    - The secret's name, ARN, current version, tags and whether it was created (or would be, in
      check mode); never its value.
    - ARN and version are null when check mode would create the secret.
  returned: when O(purpose) is given
  type: dict
  sample:
    name: fusion-pos/qa/xmsqa1/db-login
    arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:fusion-pos/qa/xmsqa1/db-login-AbCdEf"
    version_id: "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"
    tags: {OrgId: xmsqa1}
    created: false
secrets:
  description: One entry like RV(secret) per purpose, in the order given.
  returned: always
  type: list
  elements: dict
created:
  description: Whether any secret was created (or would be, in check mode).
  returned: always
  type: bool
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._generated_secret import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_generated_secret.py (shared with the org step).
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
