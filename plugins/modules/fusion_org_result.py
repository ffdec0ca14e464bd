#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_org_result
short_description: Report one org's own result of a fusion.pos org step
version_added: 0.2.0
description:
  - Takes the registered result of M(fusion.pos.fusion_org_step) and reports the entry of this
    org (O(org), by default C(inventory_hostname)) as this task's result - C(changed), C(diff),
    the module's return values, or C(failed) with the module's one-line message - so each org
    shows its own ok, changed or failed in the play recap, in C(--diff) and in AWX.
  - Makes no call of any kind; an org that was not part of the step is skipped.
  - This is an action plugin; it runs on the controller.
author: fusion.pos contributors (@fusion-pos)
options:
  step:
    description: The registered result of M(fusion.pos.fusion_org_step).
    type: dict
    required: true
  org:
    description: The org whose result to report; C(inventory_hostname) when not given.
    type: str
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Reports what the step found; the step decides check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
seealso:
  - module: fusion.pos.fusion_org_step
"""

EXAMPLES = r"""
- name: Each org's own result of the IAM step
  fusion.pos.fusion_org_result:
    step: "{{ iam_step }}"
"""

RETURN = r"""
changed:
  description: Whether the step changed (in check mode - would change) this org.
  returned: always
  type: bool
msg:
  description: The module's one-line message when the org failed.
  returned: on failure
  type: str
"""
