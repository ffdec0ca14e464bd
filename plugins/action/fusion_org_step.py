# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_org_step: one fusion.pos module for every org of the play, in this process.

Documented in plugins/modules/fusion_org_step.py; the work is plugin_utils/_org_step.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible_collections.fusion.pos.plugins.plugin_utils._controller import ControllerAction

from ansible_collections.fusion.pos.plugins.module_utils._aws import CONNECTION_ARGS
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_step

# module_defaults of the action group fusion.pos.aws reach this action too: its connection options
# are passed on to every org's module parameters (an org's own parameters win).
# Without defaults or fallbacks here: each org's validation against the module's spec adds them.
_CONNECTION = dict((key, dict((name, value) for name, value in spec.items() if name not in ("default", "fallback")))
                   for key, spec in CONNECTION_ARGS.items())

ARGUMENT_SPEC = dict(
    module=dict(type="str", required=True),
    orgs=dict(type="list", elements="str", required=True),
    plan=dict(type="dict", default={}),
    org_params=dict(type="dict", default={}),
    params=dict(type="dict", default={}),
    concurrency=dict(type="int", default=_org_step.DEFAULT_CONCURRENCY),
    **_CONNECTION
)


def org_parameters(args):
    """``{org: module parameters}``: connection options, then ``params``, then the org's plan values."""
    common = dict((key, args[key]) for key in CONNECTION_ARGS if args.get(key) is not None)
    common.update(args["params"])
    per_org = {}
    for org in args["orgs"]:
        entry = args["plan"].get(org)
        if args["org_params"] and entry is None:
            raise AnsibleActionFail("org %s has no entry in the plan given to the step" % org)
        params = dict(common)
        for param, key in args["org_params"].items():
            if key in entry:
                params[param] = entry[key]
        per_org[org] = params
    return per_org


class ActionModule(ControllerAction):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            results = _org_step.run_step(args["module"], org_parameters(args), check_mode=self._task.check_mode,
                                         diff=self._task.diff, concurrency=args["concurrency"])
        except _org_step.StepError as exc:
            raise AnsibleActionFail(str(exc))
        result.update(
            # The step itself changes nothing on its host: each org's change is reported by
            # fusion_org_result on that org, so the recap counts it where it happened.
            changed=False,
            module=args["module"].rsplit(".", 1)[-1],
            results=results,
            orgs_changed=sorted(org for org, res in results.items() if res.get("changed") and not res.get("failed")),
            orgs_failed=sorted(org for org, res in results.items() if res.get("failed")),
            msg="%s for %d org(s): %d changed, %d failed" % (
                args["module"], len(results), sum(1 for res in results.values() if res.get("changed") and not res.get("failed")),
                sum(1 for res in results.values() if res.get("failed"))),
        )
        return result
