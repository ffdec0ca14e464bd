#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_win_tenant_file
short_description: Write a Windows POS host's tenants.json with its passwords put back, on the host (internal)
version_added: 0.1.0
description:
  - The host side of the action M(fusion.pos.fusion_tenant), which computes the tenant list; not meant
    to be used on its own.
  - Replaces each token of O(secrets) in O(content) by its value and writes the result to O(path)
    atomically (a temporary file in the same folder, then a rename), only when the file's content
    differs. The passwords exist only in memory and in the target file.
  - The PowerShell module for Windows POS hosts (C(ansible.windows) connection); POSIX hosts run its
    Python twin M(fusion.pos.fusion_tenant_file). The action chooses by the connection's shell.
  - Not tested against a real Windows host (docs/TESTING.md).
  - The folder must exist (it is POS Server's C(MonitorTenantsFolder)).
author: fusion.pos contributors (@fusion-pos)
options:
  path:
    description: The file to write (C(<MonitorTenantsFolder>/tenants.json)).
    type: path
    required: true
  content:
    description: The file's text with password tokens.
    type: str
    required: true
  secrets:
    description: Token -> the text that replaces it (the passwords, JSON-escaped).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Reports whether the file would change; writes nothing.
  diff_mode:
    support: none
  platform:
    platforms: windows
"""

EXAMPLES = r"""
# Used by the fusion.pos.fusion_tenant action only.
"""

RETURN = r"""
path:
  description: The file.
  returned: always
  type: str
"""
