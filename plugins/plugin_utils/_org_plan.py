# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validated plan of an org run: every org's effective values, checked once, before any AWS call.

``org_entry(org, values)`` checks one org's variables as the play sees them (inventory *and* extra
vars: ``-e org_site_title=''`` is refused like an empty title in a file) and returns the org's plan
entry, the one place later steps take their per-org values from:

    {org, environment, site_title, sites, vhosts, placement, iam_access_key, pos_domain, tenant_host,
     iam_user, bucket, db_name, db_login, rabbitmq_user, secret_prefix}

``plan(values_by_org)`` does it for every org of the run and raises ``PlanError`` with every
problem, one line each. The inventory check (plugin_utils/_inventory) applies the same
``check_org_values`` to the org files.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _naming

ORG_VARIABLES = ("org_site_title", "fusion_environment", "org_sites", "org_placement", "org_iam_access_key",
                 "org_pos_domain")
PLACEMENT_MODES = ("shared", "shared-new", "dedicated")
PLACEMENT_KEYS = {
    "mode": None,
    "rds_instance": _naming.validate_rds_instance,
    "broker": _naming.validate_broker,
    "pos_host": _naming.validate_pos_host,
}


class PlanError(ValueError):
    """Some org's values break a rule; ``str()`` lists every problem."""

    def __init__(self, errors):
        self.errors = list(errors)
        super(PlanError, self).__init__("the orgs of the run cannot be provisioned: " + " | ".join(self.errors))


def check_org_values(org, values):
    """Every problem with one org's values, one line each (empty: all good). ``values``: variable -> value."""
    errors = []

    def problem(message):
        errors.append("org %s: %s" % (org, message))

    try:
        _naming.validate_org_id(org)
    except _naming.NamingError as exc:
        return [str(exc)]
    title = values.get("org_site_title")
    if not isinstance(title, str) or not title.strip():
        problem("org_site_title must be the client's site title, a non-empty string, got %r" % (title,))
    try:
        _naming.validate_environment(values.get("fusion_environment"))
    except _naming.NamingError as exc:
        problem("fusion_environment: %s" % exc)
    sites = values.get("org_sites") if values.get("org_sites") is not None else []
    if not isinstance(sites, list):
        problem("org_sites must be a list of site IDs, got %r" % (sites,))
        sites = []
    else:
        for site in sites:
            try:
                _naming.validate_site_id(site)
            except _naming.NamingError as exc:
                problem("org_sites: %s" % exc)
        if len(set(map(str, sites))) != len(sites):
            problem("org_sites lists a site twice")
    placement = values.get("org_placement") if values.get("org_placement") is not None else {}
    if not isinstance(placement, dict):
        problem("org_placement must be a mapping (mode, rds_instance, broker, pos_host), got %r" % (placement,))
        placement = {}
    for key, value in placement.items():
        if key not in PLACEMENT_KEYS:
            problem("org_placement: unknown key %s; one of %s" % (key, ", ".join(PLACEMENT_KEYS)))
        elif key == "mode":
            if value not in PLACEMENT_MODES:
                problem("org_placement.mode must be one of %s, got %r" % (", ".join(PLACEMENT_MODES), value))
        else:
            try:
                PLACEMENT_KEYS[key](value)
            except _naming.NamingError as exc:
                problem("org_placement.%s: %s" % (key, exc))
    access_key = values.get("org_iam_access_key", False)
    if access_key is not None and not isinstance(access_key, bool):
        problem("org_iam_access_key must be true or false, got %r" % (access_key,))
    domain = values.get("org_pos_domain") or _naming.DEFAULT_POS_DOMAIN
    try:
        # Every derived name is checked against its limit now, long before any AWS call.
        _naming.bucket_fallback_names(org)
        _naming.iam_user_name(org)
        _naming.org_vhosts(org, [site for site in sites if isinstance(site, str)])
        _naming.tenant_host_name(org, domain)
    except _naming.NamingError as exc:
        problem(str(exc))
    return errors


def org_entry(org, values):
    """The plan entry of one org (``values`` already passed ``check_org_values``)."""
    environment = values["fusion_environment"]
    sites = list(values.get("org_sites") or [])
    domain = values.get("org_pos_domain") or _naming.DEFAULT_POS_DOMAIN
    return dict(
        org=org,
        environment=environment,
        site_title=values["org_site_title"],
        sites=sites,
        vhosts=_naming.org_vhosts(org, sites),
        placement=dict(values.get("org_placement") or {}),
        iam_access_key=bool(values.get("org_iam_access_key") or False),
        pos_domain=domain,
        tenant_host=_naming.tenant_host_name(org, domain),
        iam_user=_naming.iam_user_name(org),
        bucket=_naming.bucket_name(org),
        db_name=_naming.org_db_name(org),
        db_login=_naming.org_db_login(org),
        rabbitmq_user=_naming.rabbitmq_user(org),
        secret_prefix="%s/%s/%s" % (_naming.SECRET_ROOT, environment, org),
    )


def plan(values_by_org):
    """``{org: entry}`` for ``{org: {variable: value}}``; PlanError listing every problem."""
    errors = []
    for org in sorted(values_by_org):
        errors.extend(check_org_values(org, values_by_org[org]))
    if errors:
        raise PlanError(errors)
    return dict((org, org_entry(org, values_by_org[org])) for org in sorted(values_by_org))
