# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an org step registers, read for one org: the one place that knows the shapes.

Used by the action ``fusion_org_result`` (each org's report) and by the summaries
(``_org_summary``), so a step's result is read the same way wherever it is reported.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def module_of(registered):
    """The module a registered step ran (``fusion_org_step``'s and ``fusion_tenant``'s ``module``,
    also through a loop of them); None for a step that did not run."""
    if not isinstance(registered, dict):
        return None
    if registered.get("module"):
        return registered["module"]
    results = registered.get("results")
    for item in results if isinstance(results, list) else []:
        if isinstance(item, dict) and item.get("module"):
            return item["module"]
    return None


def entry_of(registered, org):
    """``org``'s entry of a registered step result, None when it has none.

    A ``fusion_org_step`` result (``results``: org -> entry), a loop of such results (``results``: a
    list, as ``org_tenant`` registers one item per POS host), or a step that did not run (skipped,
    undefined): None.
    """
    if not isinstance(registered, dict):
        return None
    results = registered.get("results")
    if isinstance(results, dict):
        return results.get(org)
    for item in results if isinstance(results, list) else []:
        found = (item.get("results") if isinstance(item, dict) else None) or {}
        if isinstance(found, dict) and org in found:
            return found[org]
    return None
