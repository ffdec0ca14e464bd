# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_shared_declaration: the shared declaration validated and narrowed, in-process.

No AWS call and nothing but task arguments to read, so it runs on the controller. The argument spec
(nested option specs for the declaration's lists) and the rules are in
``plugin_utils/_shared_declaration.py``, the narrowing in ``plugin_utils/_shared_scope.py``, the
documentation in ``plugins/modules/fusion_shared_declaration.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible_collections.fusion.pos.plugins.plugin_utils._controller import Arguments, ControllerAction

from ansible_collections.fusion.pos.plugins.plugin_utils._shared_declaration import (
    DECLARATION_SPEC, DeclarationError, argument_refusal, build_plan,
)
from ansible_collections.fusion.pos.plugins.plugin_utils._shared_scope import SCOPE_SPEC, narrow_plan, scope_message

ARGUMENT_SPEC = dict(DECLARATION_SPEC, **SCOPE_SPEC)
ARGUMENTS = Arguments(ARGUMENT_SPEC)


def shared_plan(args):
    """The result: the plan narrowed to the run and one line saying what it covers, or one refusal line."""
    try:
        plan = build_plan(args["environment"], args["regions"], args["rds_instances"], args["brokers"],
                          args["operators"], args["pos_hosts"])
        plan = narrow_plan(plan, args["region"], args["limit"], args["limit_hosts"])
    except DeclarationError as exc:
        return dict(changed=False, failed=True, msg=str(exc))
    return dict(changed=False, plan=plan, msg=scope_message(plan))


class ActionModule(ControllerAction):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        try:
            _validation, args = self.validated_args(ARGUMENTS)
        except AnsibleActionFail:
            # ansible's message is the first error only, and says neither which entry nor that it is ours
            errors = ARGUMENTS.validator.validate(self._task.args).errors
            result.update(failed=True, changed=False, msg=argument_refusal(errors))
            return result
        result.update(shared_plan(args))
        return result
