# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of an org run: the validated plan (plugin_utils/_org_plan.py) and the summaries (_org_summary.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.fusion.pos.plugins.plugin_utils import _org_plan
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_summary


def _checked(make, hostvars, orgs, names):
    """``make({org: {variable: value}})`` over ``names`` of each org's variables (one look-up of each
    org), its PlanError as the filter's error."""
    values = {}
    for org in orgs:
        host = hostvars[org]
        values[org] = dict((name, host.get(name)) for name in names if name in host)
    try:
        return make(values)
    except _org_plan.PlanError as exc:
        raise AnsibleFilterError(str(exc))


def org_plan(hostvars, orgs):
    """``hostvars | fusion.pos.org_plan(orgs)``: ``{org: plan entry}``; fails listing every problem."""
    return _checked(_org_plan.plan, hostvars, orgs, _org_plan.ORG_VARIABLES + _org_plan.RUN_VARIABLES)


def org_run(hostvars, orgs):
    """``hostvars | fusion.pos.org_run(orgs)``: ``{orgs, plan, environments, account}``; fails listing every problem."""
    return _checked(_org_plan.run, hostvars, orgs,
                    _org_plan.ORG_VARIABLES + _org_plan.RUN_VARIABLES + _org_plan.ACCOUNT_VARIABLES)


def org_summaries(orgs, plan, caller, steps, check_mode=False):
    """``ansible_play_hosts | fusion.pos.org_summaries(plan, caller, steps, ansible_check_mode)``: ``{org: [lines]}``."""
    return _org_summary.summaries(list(orgs), plan or {}, caller or {}, steps or {}, bool(check_mode))


class FilterModule(object):
    def filters(self):
        return {"org_plan": org_plan, "org_run": org_run, "org_summaries": org_summaries}
