# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of every controller-side action plugin of fusion.pos.

Nothing is transferred and no connection to the host is opened: the work runs in the controller's
worker (AWS calls, inventory files, task arguments). Check mode is supported: each plugin either
changes nothing or honours ``self._task.check_mode`` itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase


class ControllerAction(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False
