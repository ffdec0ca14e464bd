# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_org_result: this org's own result of one or more org steps (documented in the module file)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.errors import AnsibleActionFail

from ansible_collections.fusion.pos.plugins.plugin_utils._controller import Arguments, ControllerAction
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_summary
from ansible_collections.fusion.pos.plugins.plugin_utils._org_results import entry_of

ARGUMENT_SPEC = dict(
    result=dict(type="raw"),
    step=dict(type="dict"),
    steps=dict(type="dict"),
    registered=dict(type="dict"),
    summary=dict(type="list", elements="str"),
    summary_of=dict(type="dict", options=dict(plan=dict(type="str", required=True), caller=dict(type="str"))),
    org=dict(type="str"),
)
ARGUMENTS = Arguments(ARGUMENT_SPEC, mutually_exclusive=[("result", "step", "steps", "registered"), ("summary", "summary_of")],
                      required_one_of=[("result", "step", "steps", "registered")], required_by={"summary_of": "registered"})


def _header(entry):
    diffs = entry.get("diff") or []
    for diff in diffs if isinstance(diffs, list) else [diffs]:
        if diff.get("before_header"):
            return str(diff["before_header"])
    return None


def status(entry):
    """A step's result for one org, compact: what the play shows and AWX keeps per host.

    ``resource`` (the step's diff header, with ``--diff``) names what a changed step changed.
    """
    if entry.get("failed"):
        return {"failed": True, "msg": entry.get("msg", "failed")}
    result = {"changed": bool(entry.get("changed")), "changes": list(entry.get("changes") or [])}
    if _header(entry):
        result["resource"] = _header(entry)
    return result


def combine(steps, summary=None):
    """One org's result of several steps (``{label: entry or None}``, in run order).

    Failed when a step failed (``msg``: that step's one line, prefixed with its label); changed when
    any changed; ``diff``: every step's diff, in order; ``steps``: each step's status, compact
    (``changed``, ``changes``; ``failed`` and ``msg``) - the full results stay in the registered
    steps; ``msg``: the summary lines when given (shown like a debug task's).
    """
    entries = dict((label, entry) for label, entry in steps.items() if isinstance(entry, dict))
    result = dict(changed=False, steps=dict((label, status(entry)) for label, entry in entries.items()))
    diffs, warnings = [], []
    for label, entry in entries.items():
        warnings.extend(entry.get("warnings") or [])
        if entry.get("failed"):
            result.update(failed=True, msg="%s: %s" % (label, entry.get("msg", "failed")))
            break
        result["changed"] = result["changed"] or bool(entry.get("changed"))
        if entry.get("diff") and entry.get("changed"):  # the diffs of what changed (or would)
            diffs.extend(entry["diff"] if isinstance(entry["diff"], list) else [entry["diff"]])
    if result.get("failed"):
        result["changed"] = False
    elif summary is not None:
        result["msg"] = list(summary)
        result["_ansible_verbose_always"] = True
    if diffs:
        result["diff"] = diffs
    if warnings:
        result["warnings"] = warnings
    return result


def registered_value(task_vars, name):
    """The value of a registered variable named ``name``, or of a dotted path into it
    (``org_resources_step.steps.fusion_iam_user``: one step of several registered by one task);
    None when any part is missing."""
    value = task_vars
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class ActionModule(ControllerAction):

    def variable(self, task_vars, name):
        """The value of the variable (or dotted path) ``name``; a template (a play or role variable
        defined as one) is templated. None when it is not defined."""
        value = registered_value(task_vars, name)
        if isinstance(value, str):
            value = self._templar.template(value)
        return value

    def plan_and_caller(self, task_vars, org, summary_of):
        """The org's plan entry and the run's caller, read from the variables ``summary_of`` names
        (by name: templating the run's plan for every org costs each org a few ms)."""
        plan = self.variable(task_vars, summary_of["plan"])
        if not isinstance(plan, dict) or not isinstance(plan.get(org), dict):
            raise AnsibleActionFail("summary_of: the plan in variable %s has no entry for org %s" % (summary_of["plan"], org))
        caller = self.variable(task_vars, summary_of["caller"]) if summary_of["caller"] else None
        return plan[org], caller if isinstance(caller, dict) else {}

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validated_args(ARGUMENTS)
        org = args["org"] or (task_vars or {}).get("inventory_hostname")
        steps, summary = args["steps"], args["summary"]
        if args["registered"] is not None:
            # By name, from the task's variables: the org's entry only, whatever the number of orgs
            # (templating "{{ step.results[inventory_hostname] }}" per step costs every org a few ms).
            registered = [(label, registered_value(task_vars or {}, name)) for label, name in args["registered"].items()]
            steps = dict((label, entry_of(step, org)) for label, step in registered)
            if args["summary_of"] is not None:
                # The org's summary, built here from what the steps registered (no task for it).
                plan_entry, caller = self.plan_and_caller(task_vars or {}, org, args["summary_of"])
                summary = _org_summary.lines_of(org, plan_entry, caller,
                                                _org_summary.entries_by_kind([step for _label, step in registered], org),
                                                bool(self._task.check_mode))
        if steps is not None:
            result.update(combine(steps, summary))
            return result
        if args["step"] is not None:
            mine = entry_of(args["step"], org)
        else:
            mine = args["result"] if isinstance(args["result"], dict) else None
        if mine is None:
            result.update(skipped=True, changed=False,
                          msg="org %s was not part of this step (it failed or was left out before it)" % org)
            return result
        result.update(copy.deepcopy(mine))
        result["changed"] = bool(mine.get("changed")) and not mine.get("failed")
        return result
