# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The orgs of a run: ``-e org=`` resolved against the loaded inventory (no AWS call).

What is declared comes from ``_inventory.Tree.org_table()``; this file only decides which of
those orgs a run asked for, and says why a request is refused.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.fusion.pos.plugins.module_utils import _naming

NO_ORG = "no org given: run ansible-playbook provision.yml -e org=<org ID or group such as orgs>"


def split_request(org):
    """The items of ``-e org=``: org IDs or group names separated by ',' or ':' (no patterns)."""
    return [part.strip() for part in re.split(r"[,:]", org)]


def _item_error(item, loaded, table):
    """Why an org-like item that is not a loaded host is refused."""
    try:
        _naming.validate_org_id(item)
    except _naming.NamingError:
        return "invalid org %r: %s (or the name of a group of orgs)" % (item, _naming.ORG_ID_RULE)
    if item in table and table[item].get("file") is None and item not in loaded:
        return ("org %s is declared in another environment inventory, not in the inventory of this run: "
                "run it with that environment's inventory" % item)
    if item in table:
        return ("org %s is declared in inventory %s, not in the inventory of this run: run with -i %s"
                % (item, table[item]["inventory"], os.path.dirname(table[item]["file"])))
    return ("unknown org %r: not declared in the inventory of this run (declared orgs: %s)"
            % (item, ", ".join(sorted(name for name in table if name in loaded)) or "none"))


def resolve_run(table, org, groups):
    """``(orgs, errors)``: the sorted orgs of a run and every reason to refuse it.

    ``table`` is ``Tree.org_table()`` (every declared org); ``org`` what the run was asked for
    (``-e org=``); ``groups`` the loaded inventory's groups (the ``groups`` variable). Every item
    must name a declared org of the loaded inventory or a group of them.
    """
    if org is None or not org.strip():
        return [], [NO_ORG]
    groups = groups or {}
    loaded = set(groups.get("all", []))
    errors = []
    run = set()
    for item in split_request(org):
        if item in groups and item not in loaded:
            run.update(groups[item])
        elif item in loaded and _is_org_id(item):
            run.add(item)
        else:
            errors.append(_item_error(item, loaded, table))
    for host in sorted(run):
        if host not in table or host not in groups.get("orgs", []):
            errors.append("%s is not a declared org: an org is one file <org>.yml in group orgs" % host)
    if not run and not errors:
        errors.append("%r names no org" % org)
    return sorted(run), errors


def _is_org_id(item):
    try:
        _naming.validate_org_id(item)
        return True
    except _naming.NamingError:
        return False
