# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An org step: one fusion.pos resource reconciled for every org of a play, in one process.

``run_step()`` takes a ``Resource`` (module_utils ``_<resource>.RESOURCE``, the same definition
the module process runs) and one parameter dict per org, validates each against the module's own
argument spec (so a step refuses exactly what the module would), then runs ``run_resource()`` for
the orgs on a bounded thread pool that shares one ``ClientFactory``: one boto3 session and one
client per service and region for the whole step instead of one Python start-up, one boto3 import
and one set of clients per org. Each org gets its own result (``changed``, ``diff``, values, or
``failed`` with one line); one org's failure never touches another's.

``run_steps()`` does the same for several steps in a row (``provision.yml``'s IAM user, bucket,
secrets, database and RabbitMQ): every org's parameters for every step are validated first, then
each org runs its steps in order on one pool of threads sharing one ``ClientFactory``, and stops
at its first failed step; the other orgs go on.

The action plugins ``fusion_org_step`` (runs the step once for the play) and ``fusion_org_result``
(hands each org its own result, so the play recap and AWX show per-org ok/changed/failed) are the
two halves seen from a playbook; docs/DEVELOPING.md shows how a step is built.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import importlib
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.fusion.pos.plugins.module_utils._aws import BOTO3_IMPORT_ERROR, ClientFactory, warm_up
from ansible_collections.fusion.pos.plugins.module_utils._module import Context, internal_error_line, run_resource

# The fusion.pos modules an org step can run: module name -> its module_utils resource file.
STEP_RESOURCES = {
    "fusion_iam_user": "_iam_user",
    "fusion_s3_bucket": "_s3_bucket",
    "fusion_bucket_policy": "_bucket_policy",
    "fusion_secret": "_generated_secret",
    "fusion_mssql_database": "_mssql_database",
    "fusion_rabbitmq_org": "_rabbitmq_org",
    "fusion_dns_record": "_dns_record",
}
# Where each step module takes its per-org values from: module parameter -> key of the org's entry
# in the run's plan (plugin_utils/_org_plan.py). The default ``org_params`` of fusion_org_step when
# it is given a plan: the one place the plan's keys meet the modules' parameters.
PLAN_PARAMS = {
    "fusion_iam_user": {"org": "org", "environment": "environment", "create_access_key": "iam_access_key"},
    "fusion_s3_bucket": {"org": "org"},
    "fusion_bucket_policy": {"org": "org"},
    "fusion_secret": {"owner": "org", "environment": "environment"},
    "fusion_mssql_database": {"org": "org", "environment": "environment", "instance": "rds_instance",
                              "region": "rds_region", "endpoint": "rds_endpoint"},
    "fusion_rabbitmq_org": {"org": "org", "environment": "environment", "sites": "sites", "broker": "broker",
                            "region": "broker_region", "broker_environment": "broker_environment",
                            "management_url": "broker_management_url"},
    "fusion_dns_record": {"org": "org", "pos_domain": "pos_domain", "pos_host": "pos_host", "region": "pos_host_region",
                          "hosted_zone": "hosted_zone"},
}
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 32
# The services the org steps call: their botocore models are loaded once, here, at import (in
# ansible-core's main process, before it forks the workers: see _aws.warm_up).
STEP_SERVICES = ("sts", "iam", "s3", "secretsmanager", "rds", "mq", "ssm")
warm_up(STEP_SERVICES)


class StepError(Exception):
    """The step as a whole cannot run (unknown module, boto3 missing): fails the step task."""


def resource_of(module_name):
    """The ``Resource`` of a step module (imported on first use)."""
    short = module_name.rsplit(".", 1)[-1]
    if short not in STEP_RESOURCES:
        raise StepError("%s cannot run as an org step: one of %s" % (module_name, ", ".join(sorted(STEP_RESOURCES))))
    utils = importlib.import_module("ansible_collections.fusion.pos.plugins.module_utils.%s" % STEP_RESOURCES[short])
    return utils.RESOURCE


def validator_of(resource):
    """One validator of the module's own argument spec, with its defaults, aliases, environment
    fallbacks and mutually-exclusive/required-if rules: what AnsibleModule would accept, nothing
    else. Made once per step and used for every org (it keeps no state between validations)."""
    return ArgumentSpecValidator(resource.argument_spec(), **resource.rules)


def validate_params(resource, validator, params):
    """``(validated params, no_log values, None)`` or ``(None, None, one error line)``."""
    outcome = validator.validate(dict(params))
    if outcome.error_messages:
        lines = []
        for error in outcome.errors.errors:
            line = " ".join(str(error).split())
            # AnsibleModule's own prefix for this one, so the step says what the module would
            lines.append("Unsupported parameters: " + line if isinstance(error, UnsupportedError) else line)
        return None, None, "%s: %s" % (resource.name, "; ".join(lines))
    # The validator sets the spec's own default objects: each org gets copies, as with a spec of its own.
    return copy.deepcopy(outcome.validated_parameters), outcome._no_log_values, None  # pylint: disable=protected-access


def _run_one(resource, params, check_mode, diff, clients):
    ctx = Context(params, check_mode=check_mode, diff=diff, clients=clients)
    try:
        return run_resource(resource, ctx)
    except Exception as exc:  # pylint: disable=broad-except  # one org's bug must not stop the others
        return dict(failed=True, changed=False, msg=internal_error_line(resource.name, exc))


def run_step(module_name, org_params, check_mode=False, diff=False, concurrency=DEFAULT_CONCURRENCY, clients=None):
    """``{org: result}`` for ``org_params`` (``{org: params}``), in the order given.

    Parameters are validated first, for every org, before any AWS call; an org whose parameters
    are refused gets ``failed`` with the module's message and is not run.
    """
    return run_steps([(module_name, org_params)], check_mode, diff, concurrency, clients)[0]


def _validated(steps):
    """``{org: [(step index, resource, params or None, error or None)]}``: every org's parameters for every step, checked."""
    todo = {}
    for index, (module_name, org_params) in enumerate(steps):
        resource = resource_of(module_name)
        validator = validator_of(resource)
        for org, params in org_params.items():
            validated, _no_log, error = validate_params(resource, validator, params or {})
            todo.setdefault(org, []).append((index, resource, validated, "org %s: %s" % (org, error) if error else None))
    return todo


def run_steps(steps, check_mode=False, diff=False, concurrency=DEFAULT_CONCURRENCY, clients=None):
    """``[{org: result}]``, one per step of ``steps`` (``[(module name, {org: params})]``, in run order).

    Every org's parameters for every step are validated first, before any AWS call: an org with a
    refused parameter fails at that step with the module's message and runs none of its steps.
    Then each org runs its steps in order (one pool of threads, one ``ClientFactory``) and stops at
    its first failed step: the steps after it have no entry for the org. The other orgs go on.
    """
    if BOTO3_IMPORT_ERROR:
        raise StepError("the fusion.pos org steps need boto3 on the controller (pip install boto3)")
    todo = _validated(steps)
    results = [dict() for _step in steps]
    clients = clients if clients is not None else ClientFactory()

    def run_org(org):
        refused = [(index, error) for index, _resource, _params, error in todo[org] if error]
        if refused:
            index, error = refused[0]
            results[index][org] = dict(failed=True, changed=False, msg=error)
            return
        for index, resource, params, _error in todo[org]:
            results[index][org] = _run_one(resource, params, check_mode, diff, clients)
            if results[index][org].get("failed"):
                return

    workers = max(1, min(int(concurrency or DEFAULT_CONCURRENCY), MAX_CONCURRENCY, len(todo) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(run_org, org) for org in todo]:
            future.result()
    return [dict((org, found[org]) for org in org_params if org in found)
            for (_module, org_params), found in zip(steps, results)]
