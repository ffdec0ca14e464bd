# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fusion.pos.org_plan filter: the validated plan of an org run (plugin_utils/_org_plan.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.fusion.pos.plugins.plugin_utils import _org_plan


def org_plan(hostvars, orgs):
    """``hostvars | fusion.pos.org_plan(orgs)``: ``{org: plan entry}``; fails listing every problem."""
    values = {}
    for org in orgs:
        host = hostvars[org]
        values[org] = dict((name, host.get(name)) for name in _org_plan.ORG_VARIABLES if name in host)
    try:
        return _org_plan.plan(values)
    except _org_plan.PlanError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"org_plan": org_plan}
