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
  - Reports one org's entry of a M(fusion.pos.fusion_org_step) result as this task's result -
    C(changed), C(diff), the module's return values, or C(failed) with the module's one-line
    message - so each org shows its own ok, changed or failed in the play recap, in C(--diff) and
    in AWX.
  - Give it the org's own entry (O(result), the fast way, C(step.results[inventory_hostname])) or
    the whole registered step (O(step)), whose entry for O(org) is taken.
  - Or give it the org's entries of several steps at once (O(steps), in run order) and its summary
    lines (O(summary)), so that an org costs one reporting task for the
    whole run. The org then fails with the first failed step's line (prefixed with the step's
    label), is changed when any step changed, shows every step's C(--diff), and prints the summary
    lines like a debug task.
  - Or name the variables the steps registered (O(registered), label -> variable name, in run
    order), as C(provision.yml) does; the action reads the org's own entry from each by name,
    so an org's report costs the same whatever the number of orgs, instead of templating a lookup
    into every step's results for every org. Same result as O(steps).
  - With O(registered), O(summary_of) builds the org's summary and manual checklist here, from its
    plan entry and what the steps registered (each says which module it ran), as C(provision.yml)
    does - no separate summary task for the run.
  - Makes no call of any kind; an org that was not part of the step is skipped.
  - This is an action plugin; it runs on the controller.
author: fusion.pos contributors (@fusion-pos)
options:
  result:
    description:
      - This org's entry of the step's RV(fusion.pos.fusion_org_step#module:results); V(null) when
        the org was not part of the step (the task is then skipped).
      - Exactly one of O(result), O(step), O(steps) and O(registered).
    type: raw
  step:
    description:
      - The whole registered result of M(fusion.pos.fusion_org_step), or a loop of them (one item per
        POS host, as the role C(fusion.pos.org_tenant) registers); its entry for O(org) is reported.
        Templating the whole step for every org costs more than O(result).
    type: dict
  steps:
    description:
      - "Step label -> this org's entry of that step (V(null) - the step did not run for the org),
        in run order. Exactly one of O(result), O(step), O(steps) and O(registered)."
    type: dict
  registered:
    description:
      - "Step label -> the name of the variable a step registered, in run order: a
        M(fusion.pos.fusion_org_step) result, or a loop of them (one item per POS host, as the role
        C(fusion.pos.org_tenant) registers). A variable that is not defined, a skipped step and a
        step without an entry for the org count as V(null) (the step did not run for the org)."
      - Reported like O(steps). Exactly one of O(result), O(step), O(steps) and O(registered).
    type: dict
  summary:
    description:
      - With O(steps) or O(registered), the lines printed for the org when no step failed.
      - Mutually exclusive with O(summary_of).
    type: list
    elements: str
  summary_of:
    description:
      - With O(registered), print the org's summary and manual checklist when no step failed,
        built from what the steps registered - the same lines as P(fusion.pos.org_summaries#filter).
      - A step's part of the summary is found by the module it ran (RV(fusion.pos.fusion_org_step#module:module));
        a step that did not run for the org is reported as not provisioned in this run.
    type: dict
    suboptions:
      plan:
        description:
          - The name of the variable holding the run's plan (P(fusion.pos.org_plan#filter), every org's
            entry; C(org_validate_plan) as the role C(fusion.pos.org_validate) sets it). The org's entry is
            read from it by name, like O(registered), not templated for every org.
          - The org must have an entry in it, or the task fails.
        type: str
        required: true
      caller:
        description:
          - The name of the variable holding the caller identity of the run (C(account_id);
            C(org_guard_caller) as the role C(fusion.pos.org_guard) registers it).
          - Not given, or not defined, the summary shows the account as C(?).
        type: str
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
- name: The org's result of every step, and its summary
  fusion.pos.fusion_org_result:
    steps:
      IAM user: "{{ iam_step.results[inventory_hostname] | default(none) }}"
      S3 bucket: "{{ bucket_step.results[inventory_hostname] | default(none) }}"
    summary: ["org {{ inventory_hostname }} done"]

- name: The same, the steps named by the variables they registered (cheapest for many orgs)
  fusion.pos.fusion_org_result:
    registered:
      IAM user: iam_step
      S3 bucket: bucket_step

- name: The same, with the org's summary and manual checklist built from the registered steps
  fusion.pos.fusion_org_result:
    registered:
      IAM user: iam_step
      S3 bucket: bucket_step
    summary_of:
      plan: org_validate_plan
      caller: org_guard_caller

- name: Each org's own result of the IAM step
  fusion.pos.fusion_org_result:
    result: "{{ iam_step.results[inventory_hostname] | default(none) }}"
"""

RETURN = r"""
changed:
  description: Whether the step changed (in check mode - would change) this org.
  returned: always
  type: bool
msg:
  description:
    - The module's one-line message when the org failed (with O(steps) or O(registered), prefixed with the step's label).
    - With O(summary) or O(summary_of), the summary lines when no step failed.
  returned: on failure, or with O(summary) or O(summary_of)
  type: raw
steps:
  description: With O(steps) or O(registered), each step's status for the org - C(changed) and C(changes), or C(failed) and C(msg).
  returned: with O(steps) or O(registered)
  type: dict
  sample: {"IAM user": {"changed": true, "changes": ["user"]}, "secrets": {"changed": false, "changes": []}}
"""
