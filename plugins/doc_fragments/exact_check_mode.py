# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Check and diff mode of every module that reconciles real state; a module may describe its diff
    # more precisely by setting attributes.diff_mode.description itself, and add what is its own
    # under attributes.<name>.details (the module's keys win when the fragment is merged).
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: Reads real state, makes no write call, reports the changes a real run would make.
  diff_mode:
    support: full
    description: Before and after of every setting the module manages.
"""
