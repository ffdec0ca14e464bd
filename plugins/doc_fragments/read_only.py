# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Check and diff mode of the modules that only read and refuse (guards, checks).
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: Only reads, so it runs the same in check mode and never reports a change.
  diff_mode:
    support: none
    description: Nothing to change, so nothing to show.
"""
