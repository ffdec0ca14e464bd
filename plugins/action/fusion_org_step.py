# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_org_step: one fusion.pos module for every org of the play, in this process.

Documented in plugins/modules/fusion_org_step.py; the work is plugin_utils/_org_step.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible_collections.fusion.pos.plugins.plugin_utils._controller import Arguments, ControllerAction

from ansible_collections.fusion.pos.plugins.module_utils._aws import CONNECTION_ARGS
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_step

# module_defaults of the action group fusion.pos.aws reach this action too: its connection options
# are passed on to every org's module parameters (an org's own parameters win).
# Without defaults or fallbacks here: each org's validation against the module's spec adds them.
_CONNECTION = dict((key, dict((name, value) for name, value in spec.items() if name not in ("default", "fallback")))
                   for key, spec in CONNECTION_ARGS.items())

STEP_SPEC = dict(
    module=dict(type="str", required=True),
    org_params=dict(type="dict"),
    params=dict(type="dict", default={}),
    enabled=dict(type="bool", default=True),
)
ARGUMENT_SPEC = dict(
    module=dict(type="str"),
    steps=dict(type="list", elements="dict", options=STEP_SPEC),
    orgs=dict(type="list", elements="str", required=True),
    plan=dict(type="dict", default={}),
    org_params=dict(type="dict"),
    params=dict(type="dict", default={}),
    concurrency=dict(type="int", default=_org_step.DEFAULT_CONCURRENCY),
    **_CONNECTION
)
ARGUMENTS = Arguments(ARGUMENT_SPEC, mutually_exclusive=[("module", "steps"), ("steps", "org_params"), ("steps", "params")],
                      required_one_of=[("module", "steps")])


def short_name(module):
    return module.rsplit(".", 1)[-1]


def org_parameters(args, step=None):
    """``{org: module parameters}`` of one step (``step``: an item of ``steps``, else the task's own
    ``module``): connection options, then ``params``, then the org's plan values (``org_params``;
    by default the module's ``_org_step.PLAN_PARAMS`` when there is a plan)."""
    step = step or args
    org_params = step["org_params"]
    if org_params is None:
        org_params = _org_step.PLAN_PARAMS.get(short_name(step["module"]), {}) if args["plan"] else {}
    common = dict((key, args[key]) for key in CONNECTION_ARGS if args.get(key) is not None)
    common.update(step["params"])
    per_org = {}
    for org in args["orgs"]:
        entry = args["plan"].get(org)
        if org_params and entry is None:
            raise AnsibleActionFail("org %s has no entry in the plan given to the step" % org)
        params = dict(common)
        for param, key in org_params.items():
            if key in entry:
                params[param] = entry[key]
        per_org[org] = params
    return per_org


def step_result(module, results):
    """What one step returns (alone, or as an item of ``steps``): every org's result and the counts."""
    changed = sorted(org for org, res in results.items() if res.get("changed") and not res.get("failed"))
    failed = sorted(org for org, res in results.items() if res.get("failed"))
    return dict(module=short_name(module), results=results, orgs_changed=changed, orgs_failed=failed,
                msg="%s for %d org(s): %d changed, %d failed" % (module, len(results), len(changed), len(failed)))


class ActionModule(ControllerAction):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validated_args(ARGUMENTS)
        steps = [args] if args["steps"] is None else [step for step in args["steps"] if step["enabled"]]
        try:
            results = _org_step.run_steps([(step["module"], org_parameters(args, step)) for step in steps],
                                          check_mode=self._task.check_mode, diff=self._task.diff,
                                          concurrency=args["concurrency"])
        except _org_step.StepError as exc:
            raise AnsibleActionFail(str(exc))
        # The step itself changes nothing on its host: each org's change is reported by
        # fusion_org_result on that org, so the recap counts it where it happened.
        result["changed"] = False
        if args["steps"] is None:
            result.update(step_result(args["module"], results[0]))
            return result
        ran = dict((short_name(step["module"]), step_result(step["module"], found)) for step, found in zip(steps, results))
        by_module = {}
        for step in args["steps"]:
            name = short_name(step["module"])
            by_module[name] = ran.get(name) or dict(module=name, skipped=True, results={}, orgs_changed=[], orgs_failed=[],
                                                    msg="%s: not run (enabled: false)" % step["module"])
        result.update(
            steps=by_module,
            orgs_changed=sorted(set(org for item in by_module.values() for org in item["orgs_changed"])),
            orgs_failed=sorted(set(org for item in by_module.values() for org in item["orgs_failed"])),
            msg="; ".join(item["msg"] for item in by_module.values()),
        )
        return result
