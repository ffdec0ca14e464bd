#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_org_step
short_description: Run one fusion.pos module for every org of the play, in one controller process
version_added: 0.2.0
description:
  - Reconciles one resource (O(module)) for every org in O(orgs) in the controller's own process,
    on a bounded pool of threads sharing one boto3 session and one client per service and region,
    instead of one module process (a Python start-up, a boto3 import, new clients) per org.
  - Each org's parameters are validated against the module's own argument spec (defaults,
    aliases, choices, environment fallbacks) before any AWS call; the work, check mode, C(--diff)
    and error lines are exactly the module's.
  - Run it once for the play (C(run_once=true)) and register it; then
    M(fusion.pos.fusion_org_result) on every org reports that org's own result, so the play recap,
    C(--diff) and AWX's host status stay per org. One org's failure fails that org only.
  - The step task itself always reports C(changed=false); the orgs' changes are reported by
    M(fusion.pos.fusion_org_result).
  - This is an action plugin; it runs on the controller.
author: fusion.pos contributors (@fusion-pos)
options:
  module:
    description:
      - The module to run for each org, V(fusion_iam_user), V(fusion_s3_bucket),
        V(fusion_bucket_policy) or V(fusion_secret) (with or without the C(fusion.pos.) prefix).
    type: str
    required: true
  orgs:
    description: The orgs to run it for, usually C(ansible_play_hosts).
    type: list
    elements: str
    required: true
  plan:
    description:
      - "Per-org values, C({org: {key: value}}), for example the validated plan of C(provision.yml)."
      - O(org_params) says which of them become which module parameter.
    type: dict
    default: {}
  org_params:
    description:
      - Module parameter name -> key of the org's entry in O(plan); a key the entry lacks leaves the
        parameter to the module's default.
    type: dict
    default: {}
  params:
    description: Module parameters that are the same for every org (the plan's values win).
    type: dict
    default: {}
  concurrency:
    description: How many orgs are worked on at once (at most 32).
    type: int
    default: 8
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  check_mode:
    details:
      - Each org's module runs in check mode - reads only, the same C(changed) as the real run.
  diff_mode:
    details:
      - Each org's result holds its C(diff); M(fusion.pos.fusion_org_result) shows it under that org.
notes:
  - The connection options (and C(module_defaults) of the action group C(group/fusion.pos.aws))
    apply to every org; unlike the modules, they are not given defaults here, so each org's module
    spec supplies them.
seealso:
  - module: fusion.pos.fusion_org_result
"""

EXAMPLES = r"""
- name: IAM user of every org of the play, in one process
  fusion.pos.fusion_org_step:
    module: fusion_iam_user
    orgs: "{{ ansible_play_hosts }}"
    plan:
      xmsqa1: {org: xmsqa1, environment: qa}
      xmsqa2: {org: xmsqa2, environment: qa}
    org_params:
      org: org
      environment: environment
  run_once: true
  register: iam_step

- name: Each org's own result
  fusion.pos.fusion_org_result:
    result: "{{ iam_step.results[inventory_hostname] | default(none) }}"
"""

RETURN = r"""
module:
  description: The module the step ran (short name), so that what a step registered says what it is.
  returned: always
  type: str
  sample: fusion_iam_user
results:
  description: Each org's module result (V(failed) and a one-line V(msg) when it failed).
  returned: always
  type: dict
  sample: {"xmsqa1": {"changed": true, "changes": ["user"], "user_name": "rms_xmsqa1"}}
orgs_changed:
  description: The orgs the step changed (in check mode - would change).
  returned: always
  type: list
  elements: str
orgs_failed:
  description: The orgs the step failed for.
  returned: always
  type: list
  elements: str
msg:
  description: One line counting orgs, changes and failures.
  returned: always
  type: str
"""
