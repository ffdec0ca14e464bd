# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way a fusion.pos AWS module is built, and how the same work runs for many orgs at once.

- ``Resource``: what a module *is*, independent of how it runs: its argument spec (without the
  connection options, which are added here), its ``validate(params)`` (no AWS call) and its
  ``work(ctx)`` (the AWS work, returning the result values). Each lives in a module_utils file
  (``_iam_user.RESOURCE``, ``_s3_bucket.RESOURCE``, ...).
- ``Context``: what ``work`` sees: ``params``, ``check_mode``, ``diff`` (and ``_diff``),
  ``warn()``, ``no_log_values`` and ``client(service, region=None)``. The same object shape in a
  module process and in a batch step, so the work cannot tell them apart.
- ``ClientFactory``: boto3 clients made once per (credentials, service, region, endpoint, TLS
  settings) and reused: by every org of a batch step, from several threads (clients are
  thread-safe; making them is not, so that happens under a lock).
- ``FusionAWSModule``: the module-process side: an ``AnsibleModule`` with the connection options
  (those of amazon.aws as well, so ``module_defaults`` for the action group ``fusion.pos.aws``,
  which extends amazon.aws's, never fails a fusion module), the boto3 check, a ``Context`` and one
  error boundary (``run()``).
- ``run_resource()``: the one error boundary shared by the module and the batch step: bad input,
  refusals and AWS errors become ``{"failed": True, "msg": <one line>}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    BOTO3_IMPORT_ERROR, CONNECTION_ARGS, ClientFactory, FusionAWSError, FusionModuleError,
)
from ansible_collections.fusion.pos.plugins.module_utils._naming import NamingError, validate_region

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - reported through BOTO3_IMPORT_ERROR
    BotoCoreError = ClientError = ()

RULE_KEYS = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")


class Resource:
    """A module's definition: argument spec, input validation, work. See the module docstring."""

    def __init__(self, name, argument_spec, work, validate=None, connection=True, **module_kwargs):
        self.name = name
        self.own_spec = argument_spec
        self.work = work
        self.validate = validate
        self.connection = connection
        # mutually_exclusive, required_if, required_one_of, required_together, required_by
        self.module_kwargs = module_kwargs

    @property
    def rules(self):
        """The cross-option rules (mutually_exclusive, required_if, ...) of the argument spec."""
        return dict((key, value) for key, value in self.module_kwargs.items() if key in RULE_KEYS)

    def argument_spec(self):
        spec = copy.deepcopy(self.own_spec)
        if self.connection:
            spec.update(copy.deepcopy(CONNECTION_ARGS))
        return spec


class Context:
    """What a resource's work sees; the same in a module process and in a batch step."""

    def __init__(self, params, check_mode=False, diff=False, clients=None):
        self.params = params
        self.check_mode = bool(check_mode)
        self.diff = bool(diff)
        self.clients = clients if clients is not None else ClientFactory()
        self.warnings = []
        self.no_log_values = set()
        self.resource_actions = [] if params.get("debug_botocore_endpoint_logs") else None

    @property
    def _diff(self):  # the AnsibleModule spelling, used by handlers written for modules
        return self.diff

    def warn(self, message):
        self.warnings.append(message)

    def client(self, service, region=None):
        if self.resource_actions is None:
            return self.clients.client(self.params, service, region)
        # debug_botocore_endpoint_logs: this context's own clients, recording "service:Operation"
        made = self.clients.client(self.params, service, region, owner=id(self))
        actions = self.resource_actions
        if not getattr(made, "_fusion_recording", False):
            made.meta.events.register(
                "before-call.*.*",
                lambda model, **_kwargs: actions.append("%s:%s" % (model.service_model.service_name, model.name)))
            made._fusion_recording = True
        return made


def run_resource(resource, ctx):
    """The one error boundary: validate, work, and a result dict; never raises for an expected error.

    A failure is ``{"failed": True, "msg": <one line naming resource and cause>}``. Values the work
    marked secret (``ctx.no_log_values``) are masked in whatever is returned.
    """
    try:
        if resource.connection and ctx.params.get("region"):
            validate_region(ctx.params["region"])  # the one region rule, before any client exists
        if resource.validate is not None:
            resource.validate(ctx.params)
        result = resource.work(ctx)
    except (FusionAWSError, FusionModuleError, NamingError) as exc:
        result = dict(failed=True, msg=str(exc))
    except (BotoCoreError, ClientError) as exc:  # a call that escaped aws_call(): still one line
        result = dict(failed=True, msg="%s: AWS error: %s" % (resource.name, " ".join(str(exc).split())))
    result.setdefault("changed", False)
    if ctx.warnings:
        result["warnings"] = list(ctx.warnings)
    if ctx.resource_actions is not None:
        result["resource_actions"] = sorted(set(ctx.resource_actions))
    if ctx.no_log_values:
        result = remove_values(result, ctx.no_log_values)
    return result


class FusionAWSModule:
    """The module-process side of a ``Resource``: ``FusionAWSModule(RESOURCE).run()`` is a main()."""

    def __init__(self, resource):
        self.resource = resource
        self.module = AnsibleModule(argument_spec=resource.argument_spec(), supports_check_mode=True,
                                    **resource.module_kwargs)
        if resource.connection and BOTO3_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib("boto3"), exception=BOTO3_IMPORT_ERROR)
        self.ctx = Context(self.module.params, self.module.check_mode, self.module._diff)

    def run(self):
        result = run_resource(self.resource, self.ctx)
        self.module.no_log_values.update(self.ctx.no_log_values)
        for message in result.pop("warnings", []):
            self.module.warn(message)
        if result.pop("failed", False):
            self.module.fail_json(**result)
        self.module.exit_json(**result)


def internal_error_line(resource_name, exc):
    """One line for an unexpected exception in a batch step (a module process would show a traceback)."""
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return "%s: internal error (please report it): %s" % (resource_name, " ".join(last.split()))
