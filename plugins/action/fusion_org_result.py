# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_org_result: this org's own result of an org step (documented in the module file)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = dict(
    step=dict(type="dict", required=True),
    org=dict(type="str"),
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        org = args["org"] or (task_vars or {}).get("inventory_hostname")
        mine = (args["step"].get("results") or {}).get(org)
        if mine is None:
            result.update(skipped=True, changed=False,
                          msg="org %s was not part of this step (it failed or was left out before it)" % org)
            return result
        result.update(copy.deepcopy(mine))
        result["changed"] = bool(mine.get("changed")) and not mine.get("failed")
        return result
