# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_account_guard runs on the controller, in-process (plugin_utils/_in_process.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _account_guard
from ansible_collections.fusion.pos.plugins.plugin_utils._in_process import InProcessAction


class ActionModule(InProcessAction):
    RESOURCE = _account_guard.RESOURCE
