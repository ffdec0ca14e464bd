#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_tenant_file
short_description: Write the POS host's tenants.json with its passwords put back, on the host (internal)
version_added: 0.1.0
description:
  - The host side of the action M(fusion.pos.fusion_tenant), which computes the tenant list; not meant
    to be used on its own.
  - Replaces each token of O(secrets) in O(content) by its value and writes the result to O(path)
    atomically (a temporary file in the same folder, then a rename), only when the file's content
    differs. The passwords exist only in memory and in the target file.
  - For POSIX hosts (the sandbox's local folder); on Windows POS hosts the action runs the same
    steps as a PowerShell script (C(plugins/plugin_utils/_tenant_file.ps1)) through
    M(ansible.windows.win_powershell). The action chooses by the connection's shell.
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
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
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

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes


def fill(content, secrets):
    for secret_token, value in secrets.items():
        content = content.replace(secret_token, value)
    return content


def write_atomically(path, data):
    folder = os.path.dirname(path) or "."
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o600
    handle, temp = tempfile.mkstemp(prefix=".tenants.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            content=dict(type="str", required=True, no_log=True),
            secrets=dict(type="dict", default={}, no_log=True),
        ),
        supports_check_mode=True,
    )
    path = module.params["path"]
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        module.fail_json(msg="the tenants folder %s does not exist on this host (MonitorTenantsFolder)" % folder, path=path)
    data = to_bytes(fill(module.params["content"], module.params["secrets"] or {}))
    current = None
    if os.path.exists(path):
        with open(path, "rb") as existing:
            current = existing.read()
    changed = current != data
    if changed and not module.check_mode:
        try:
            write_atomically(path, data)
        except OSError as exc:
            module.fail_json(msg="cannot write %s: %s" % (path, exc), path=path)
    module.exit_json(changed=changed, path=path)


if __name__ == "__main__":
    main()
