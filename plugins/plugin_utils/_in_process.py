# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a fusion.pos ``Resource`` inside the controller's worker instead of as a module process.

For modules that run once per play on the controller (the account guard): the same argument spec,
validation, work and error boundary as the module (``_module.run_resource``), without a Python
start-up, an AnsiballZ payload or a second boto3 import. An action plugin of the module's name is
three lines: ``class ActionModule(InProcessAction): RESOURCE = _account_guard.RESOURCE``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible_collections.fusion.pos.plugins.plugin_utils._controller import Arguments, ControllerAction

from ansible_collections.fusion.pos.plugins.module_utils._aws import BOTO3_IMPORT_ERROR
from ansible_collections.fusion.pos.plugins.module_utils._module import Context, run_resource


class InProcessAction(ControllerAction):
    """Base class: set ``RESOURCE`` to the module's ``Resource``."""

    RESOURCE = None
    ARGUMENTS = None

    def __init_subclass__(cls, **kwargs):
        # Built when the plugin is imported, in ansible's main process (see _controller.Arguments).
        super().__init_subclass__(**kwargs)
        if cls.RESOURCE is not None:
            cls.ARGUMENTS = Arguments(cls.RESOURCE.argument_spec(), **cls.RESOURCE.rules)

    def run(self, tmp=None, task_vars=None):
        result = super(InProcessAction, self).run(tmp, task_vars)
        del tmp
        resource = self.RESOURCE
        _validation, args = self.validated_args(self.ARGUMENTS)
        if resource.connection and BOTO3_IMPORT_ERROR:
            raise AnsibleActionFail("%s needs boto3 on the controller (pip install boto3)" % resource.name)
        result.update(run_resource(resource, Context(args, check_mode=self._task.check_mode, diff=self._task.diff)))
        return result
