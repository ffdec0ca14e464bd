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

from ansible_collections.fusion.pos.plugins.plugin_utils._controller import ControllerAction

from ansible_collections.fusion.pos.plugins.plugin_utils._inventory import Tree, inventory_root
from ansible_collections.fusion.pos.plugins.plugin_utils._run_orgs import resolve_run

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    org=dict(type="str"),
    groups=dict(type="dict", default={}),
)


def inventory_check(path, org=None, groups=None):
    """The result of the check: every declared org and inventory, the orgs of the run, every problem."""
    tree = Tree(inventory_root(path))
    errors = list(tree.errors)
    run = []
    if org is not None:
        run, run_errors = resolve_run(tree.org_table(), org, groups)
        errors += run_errors
    result = dict(changed=False, orgs=tree.org_table(), inventories=tree.inventories, run_orgs=run)
    if errors:
        result.update(failed=True, errors=errors, msg="inventory check failed: " + " | ".join(errors))
    return result


class ActionModule(ControllerAction):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result.update(inventory_check(args["path"], args["org"], args["groups"]))
        return result
