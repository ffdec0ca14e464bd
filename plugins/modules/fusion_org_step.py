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
  - Or run several modules in a row (O(steps)), as C(provision.yml) does for the IAM user, bucket,
    secrets, database and RabbitMQ (role C(fusion.pos.org_resources)) - every org's parameters for
    every step are checked first, then each org runs the steps in order and stops at its first
    failed step, all orgs on the same pool of threads and clients - one task and one argument-spec
    validation for all of them instead of one of each per step.
  - The step task itself always reports C(changed=false); the orgs' changes are reported by
    M(fusion.pos.fusion_org_result).
  - This is an action plugin; it runs on the controller.
author: fusion.pos contributors (@fusion-pos)
options:
  module:
    description:
      - The module to run for each org - V(fusion_iam_user), V(fusion_s3_bucket),
        V(fusion_bucket_policy), V(fusion_secret), V(fusion_mssql_database),
        V(fusion_rabbitmq_org) or V(fusion_dns_record) (with or without the C(fusion.pos.) prefix).
      - Exactly one of O(module) and O(steps).
    type: str
  steps:
    description:
      - Several modules to run for each org, in this order; an org stops at its first failed step
        (the steps after it have no entry for the org) and an org whose parameters are refused for
        any step runs none of them. Exactly one of O(module) and O(steps); with O(steps), O(params)
        and O(org_params) are given per step.
    type: list
    elements: dict
    suboptions:
      module:
        description: The module of this step (as O(module)).
        type: str
        required: true
      params:
        description: This step's module parameters that are the same for every org (as O(params)).
        type: dict
        default: {}
      org_params:
        description: This step's plan keys (as O(org_params)).
        type: dict
      enabled:
        description: V(false) - the step is not run (its result says so, with no entry for any org).
        type: bool
        default: true
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
      - "Not given, with a O(plan): the module's own mapping onto the plan of P(fusion.pos.org_run#filter) -
        V(fusion_iam_user) C(org), C(environment), C(create_access_key=iam_access_key);
        V(fusion_s3_bucket) and V(fusion_bucket_policy) C(org); V(fusion_secret) C(owner=org),
        C(environment); V(fusion_mssql_database) C(org), C(environment), C(instance=rds_instance),
        C(region=rds_region), C(endpoint=rds_endpoint); V(fusion_rabbitmq_org) C(org),
        C(environment), C(sites), C(broker), C(region=broker_region), C(broker_environment),
        C(management_url=broker_management_url); V(fusion_dns_record) C(org), C(pos_domain),
        C(pos_host), C(region=pos_host_region), C(hosted_zone). Without a plan, nothing."
    type: dict
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

- name: IAM user, then bucket and policy, of every org, in one task (the plan's own keys)
  fusion.pos.fusion_org_step:
    orgs: "{{ ansible_play_hosts }}"
    plan: "{{ plan }}"
    steps:
      - module: fusion_iam_user
      - module: fusion_s3_bucket
        params:
          policy_account_id: "123456789012"
  run_once: true
  register: org_steps

- name: Each org's result of both
  fusion.pos.fusion_org_result:
    registered:
      IAM user: org_steps.steps.fusion_iam_user
      S3 bucket: org_steps.steps.fusion_s3_bucket
"""

RETURN = r"""
module:
  description: The module the step ran (short name), so that what a step registered says what it is.
  returned: with O(module)
  type: str
  sample: fusion_iam_user
steps:
  description:
    - With O(steps), each step's result by its module's short name - RV(module), RV(results),
      RV(orgs_changed), RV(orgs_failed), RV(msg) as for a single O(module); a step with
      C(enabled=false) has C(skipped=true) and no entry.
  returned: with O(steps)
  type: dict
  sample: {"fusion_iam_user": {"module": "fusion_iam_user", "results": {"xmsqa1": {"changed": false}},
           "orgs_changed": [], "orgs_failed": [], "msg": "fusion_iam_user for 1 org(s): 0 changed, 0 failed"}}
results:
  description: Each org's module result (V(failed) and a one-line V(msg) when it failed).
  returned: with O(module)
  type: dict
  sample: {"xmsqa1": {"changed": true, "changes": ["user"], "user_name": "rms_xmsqa1"}}
orgs_changed:
  description: The orgs the step (with O(steps) - any step) changed (in check mode - would change).
  returned: always
  type: list
  elements: str
orgs_failed:
  description: The orgs the step (with O(steps) - a step) failed for.
  returned: always
  type: list
  elements: str
msg:
  description: One line counting orgs, changes and failures.
  returned: always
  type: str
"""
