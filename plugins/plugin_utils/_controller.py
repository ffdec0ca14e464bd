# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of every controller-side action plugin of fusion.pos.

Nothing is transferred and no connection to the host is opened: the work runs in the controller's
worker (AWS calls, inventory files, task arguments). Check mode is supported: each plugin either
changes nothing or honours ``self._task.check_mode`` itself.

Arguments are checked against an ``Arguments`` made once, at the plugin's import: ansible-core
imports an action plugin in its main process when it queues the task, so every worker it forks
(one per host and task) inherits the validator instead of building it again -
``ArgumentSpecValidator`` deep-copies its spec, a few milliseconds per host that a per-org task
pays for every org.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible_collections.fusion.pos.plugins.plugin_utils._plain import plain


class Arguments:
    """An action's argument spec and its rules (``mutually_exclusive``, ``required_one_of``, ...),
    with the one validator built from them. Validating keeps no state in the validator."""

    def __init__(self, argument_spec, **rules):
        self.argument_spec = argument_spec
        self.rules = rules
        self.validator = ArgumentSpecValidator(argument_spec, **rules)


class ControllerAction(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def validated_args(self, arguments):
        """See ``validated_args()``."""
        return validated_args(self, arguments)


def validated_args(action, arguments):
    """``action``'s task arguments checked against ``arguments`` (an ``Arguments``), with defaults:
    what ``ActionBase.validate_argument_spec`` returns (and raises), without building a validator,
    and as plain data (``_plain.plain``)."""
    args = action._task.args  # pylint: disable=protected-access
    new_args = plain(args)  # validation deep-copies them: plain data copies ~40x faster than tagged
    outcome = arguments.validator.validate(new_args)
    new_args.update(outcome.validated_parameters)
    try:
        error = outcome.errors[0]
    except IndexError:
        error = None
    if error:
        msg = outcome.errors.msg
        if isinstance(error, UnsupportedError):
            msg = "Unsupported parameters for (%s) module: %s" % (action._load_name, msg)  # pylint: disable=protected-access
        raise AnsibleActionFail(msg, obj=args)
    return outcome, new_args
