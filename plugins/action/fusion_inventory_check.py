# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run fusion.pos.fusion_inventory_check on the controller, in-process.

The check only reads the inventory files, which live on the controller; running it here saves
the start of a module process on every run. The logic and documentation are the module's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.fusion.pos.plugins.modules.fusion_inventory_check import ARGUMENT_SPEC, result_of


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result.update(result_of(args["path"], args.get("org"), args.get("groups")))
        return result
