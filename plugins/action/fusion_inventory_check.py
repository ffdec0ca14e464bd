# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_inventory_check: the inventory check, on the controller, in-process.

The check only reads the inventory files, which live on the controller; the work is in
``plugin_utils/_inventory.py`` (the files) and ``plugin_utils/_run_orgs.py`` (``-e org=``), the
documentation in ``plugins/modules/fusion_inventory_check.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.plugin_utils._controller import Arguments, ControllerAction

import os

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.plugin_utils._inventory import OTHER_ORGS, Tree, check_loaded, inventory_root
from ansible_collections.fusion.pos.plugins.plugin_utils._run_orgs import resolve_run

# botocore's region list (the region rule of this check and of the run's plan right after it) is
# read here, in ansible-core's main process, which imports this action when it queues the task: the
# workers it forks for the check and the plan inherit the list instead of each importing botocore
# and parsing its endpoint data again (~0.2 s per worker, measured at the start of provision.yml).
_naming.known_regions()

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    org=dict(type="str"),
    groups=dict(type="dict", default={}),
    loaded=dict(type="dict"),
)
ARGUMENTS = Arguments(ARGUMENT_SPEC)
LOADED_KEYS = ("fusion_environment", "fusion_sandbox", OTHER_ORGS)


def is_file_source(path):
    """Whether an inventory source is one of the inventory files (a directory or a YAML file).

    Anything else (AWX's executable inventory script, a plugin configuration) is checked from the
    loaded variables only."""
    return os.path.isdir(path) or (os.path.isfile(path) and path.endswith((".yml", ".yaml")))


def inventory_check(path, org=None, groups=None, loaded=None):
    """The result of the check: every declared org and inventory, the orgs of the run, every problem.

    When ``path`` is one of the inventory files, every inventory under its root is read and checked
    (including each one's list of the other environments' org IDs); otherwise (AWX's inventory
    script) the loaded orgs' variables ``loaded`` are checked against that list."""
    if loaded is not None and not is_file_source(path):
        table, errors = check_loaded(loaded)
        inventories, source = {}, "variables"
    else:
        tree = Tree(inventory_root(path))
        errors = list(tree.errors)
        table, inventories, source = tree.org_table(), tree.inventories, "files"
    run = []
    if org is not None:
        run, run_errors = resolve_run(table, org, groups)
        errors += run_errors
    result = dict(changed=False, orgs=table, inventories=inventories, run_orgs=run, checked_from=source)
    if errors:
        result.update(failed=True, errors=errors, msg="inventory check failed: " + " | ".join(errors))
    return result


class ActionModule(ControllerAction):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validated_args(ARGUMENTS)
        loaded = args["loaded"]
        if loaded is None and not is_file_source(args["path"]):
            loaded = loaded_orgs(task_vars or {}, args["groups"])
        result.update(inventory_check(args["path"], args["org"], args["groups"], loaded))
        return result


def loaded_orgs(task_vars, groups):
    """The variables the check needs of every host of group ``orgs`` (templated, from hostvars)."""
    hostvars = task_vars.get("hostvars", {})
    loaded = {}
    for org in groups.get("orgs", []):
        host = hostvars.get(org, {}) if hasattr(hostvars, "get") else {}
        loaded[org] = dict((key, host[key]) for key in LOADED_KEYS if key in host)
    return loaded
