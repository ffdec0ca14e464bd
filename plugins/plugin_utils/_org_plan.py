# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validated plan of an org run: every org's effective values, checked once, before any AWS call.

``org_entry(org, values)`` checks one org's variables as the play sees them (inventory *and* extra
vars: ``-e org_site_title=''`` is refused like an empty title in a file) and returns the org's plan
entry, the one place later steps take their per-org values from:

    {org, environment, site_title, sites, vhosts, placement, iam_access_key, pos_domain, tenant_host,
     iam_user, bucket, db_name, db_login, rabbitmq_user, secret_prefix, pos_host, pos_host_region,
     pos_version, hosted_zone}

Each entry also resolves the org's shared resources (``rds_instance``, ``broker`` and their
regions, endpoint overrides, the broker's environment, the POS host and the Route 53 hosted zone of
the POS domain): its ``org_placement`` first, then the inventory's defaults (``RUN_VARIABLES``).

``plan(values_by_org)`` does it for every org of the run and raises ``PlanError`` with every
problem, one line each. The inventory check (plugin_utils/_inventory) applies the same
``check_org_values`` to the org files.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.plugin_utils._plain import plain  # noqa: F401 (also this module's API)

ORG_VARIABLES = ("org_site_title", "fusion_environment", "org_sites", "org_placement", "org_iam_access_key",
                 "org_pos_domain", "org_pos_version")
# Environment-wide settings each org's plan entry resolves (its placement first, then these).
RUN_VARIABLES = ("fusion_region", "fusion_default_rds_instance", "fusion_default_broker", "fusion_broker_environment",
                 "fusion_rds_endpoints", "fusion_broker_management_urls", "shared_rds_instances", "shared_brokers",
                 "fusion_default_pos_host", "fusion_pos_hosted_zone")
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
    """Every problem with one org's values, one line each (empty: all good). ``values``: variable -> value.

    The lines do not name the org (the caller says where they come from: the org, or its file).
    The environment is the caller's to check (the inventory check also fits it to the account).
    """
    errors = []
    title = values.get("org_site_title")
    if not isinstance(title, str) or not title.strip():
        errors.append("org %s needs org_site_title (the client's site title, a non-empty string), got %r" % (org, title))
    sites = values.get("org_sites") if values.get("org_sites") is not None else []
    if not isinstance(sites, list):
        errors.append("org_sites must be a list of site IDs, got %r" % (sites,))
        sites = []
    elif len(set(map(str, sites))) != len(sites):
        errors.append("org_sites lists a site twice")
    placement = values.get("org_placement") if values.get("org_placement") is not None else {}
    if not isinstance(placement, dict):
        errors.append("org_placement must be a mapping (mode, rds_instance, broker, pos_host), got %r" % (placement,))
        placement = {}
    for key, value in placement.items():
        if key not in PLACEMENT_KEYS:
            errors.append("org_placement: unknown key %s; one of %s" % (key, ", ".join(PLACEMENT_KEYS)))
        elif key == "mode":
            if value not in PLACEMENT_MODES:
                errors.append("org_placement.mode must be one of %s, got %r" % (", ".join(PLACEMENT_MODES), value))
        else:
            try:
                PLACEMENT_KEYS[key](value)
            except _naming.NamingError as exc:
                errors.append("org_placement.%s: %s" % (key, exc))
    version = values.get("org_pos_version")
    if version is not None and (not isinstance(version, str) or not version.strip()):
        errors.append("org_pos_version must be a POS Server version string such as '24.2.1', got %r" % (version,))
    access_key = values.get("org_iam_access_key", False)
    if access_key is not None and not isinstance(access_key, bool):
        errors.append("org_iam_access_key must be true or false, got %r" % (access_key,))
    domain = values.get("org_pos_domain") or _naming.DEFAULT_POS_DOMAIN
    try:
        # Every derived name is checked against its limit now, long before any AWS call.
        _naming.bucket_fallback_names(org)
        _naming.iam_user_name(org)
        _naming.org_vhosts(org, sites)
        _naming.tenant_host_name(org, domain)
    except _naming.NamingError as exc:
        errors.append(str(exc))
    return errors


def _shared(values, placement_key, default_key, check):
    """The org's shared resource: its placement, else the inventory's default (checked); None when neither."""
    name = (values.get("org_placement") or {}).get(placement_key) or values.get(default_key) or None
    if name is not None:
        check(name)
    return name


def _region_of(values, declarations_key, name):
    for item in values.get(declarations_key) or []:
        if isinstance(item, dict) and item.get("name") == name and item.get("region"):
            return item["region"]
    return values.get("fusion_region")


def check_run_values(org, values):
    """``check_org_values`` plus the org ID, the environment and the org's shared resources, each line naming the org."""
    try:
        _naming.validate_org_id(org)
        _naming.validate_environment(values.get("fusion_environment"))
        if values.get("fusion_broker_environment"):
            _naming.validate_environment(values["fusion_broker_environment"])
        _shared(values, "rds_instance", "fusion_default_rds_instance", _naming.validate_rds_instance)
        _shared(values, "broker", "fusion_default_broker", _naming.validate_broker)
        _shared(values, "pos_host", "fusion_default_pos_host", _naming.validate_pos_host)
        zone = values.get("fusion_pos_hosted_zone")
        if zone is not None and not isinstance(zone, str):
            raise _naming.NamingError("fusion_pos_hosted_zone must be a hosted zone name or ID (or empty), got %r" % (zone,))
        _naming.validate_region(values.get("fusion_region"))
    except _naming.NamingError as exc:
        return ["org %s: %s" % (org, exc)]
    return [line if line.startswith("org %s " % org) else "org %s: %s" % (org, line) for line in check_org_values(org, values)]


def org_entry(org, values):
    """The plan entry of one org (``values`` already passed ``check_org_values``)."""
    environment = values["fusion_environment"]
    sites = list(values.get("org_sites") or [])
    domain = values.get("org_pos_domain") or _naming.DEFAULT_POS_DOMAIN
    instance = _shared(values, "rds_instance", "fusion_default_rds_instance", _naming.validate_rds_instance)
    broker = _shared(values, "broker", "fusion_default_broker", _naming.validate_broker)
    rds_region = _region_of(values, "shared_rds_instances", instance)
    return dict(
        rds_instance=instance,
        rds_region=rds_region,
        rds_endpoint=(values.get("fusion_rds_endpoints") or {}).get(instance),
        broker=broker,
        broker_region=_region_of(values, "shared_brokers", broker),
        broker_environment=values.get("fusion_broker_environment") or environment,
        broker_management_url=(values.get("fusion_broker_management_urls") or {}).get(broker),
        pos_host=_shared(values, "pos_host", "fusion_default_pos_host", _naming.validate_pos_host),
        # A POS host sits in the availability zone of its RDS instance (docs/specification.md section 7).
        pos_host_region=rds_region,
        pos_version=values.get("org_pos_version") or None,
        hosted_zone=values.get("fusion_pos_hosted_zone") or "",
        org=org,
        environment=environment,
        site_title=values["org_site_title"],
        sites=sites,
        vhosts=_naming.org_vhosts(org, sites),
        placement=dict(values.get("org_placement") or {}),
        iam_access_key=values.get("org_iam_access_key") is True,
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
        errors.extend(check_run_values(org, values_by_org[org]))
    if errors:
        raise PlanError(errors)
    return dict((org, plain(org_entry(org, values_by_org[org]))) for org in sorted(values_by_org))


ACCOUNT_VARIABLES = ("fusion_account_id", "fusion_production_account_id")


def run(values_by_org):
    """The run's record: ``{orgs, plan, environments, account}``; PlanError with every problem.

    ``values_by_org``: ``{org: {variable: value}}`` in the run's order, with ``ACCOUNT_VARIABLES``
    beside the plan's variables. Besides ``plan``'s rules: the orgs of one run live in one AWS
    account (one ``fusion_account_id`` and one ``fusion_production_account_id``, each 12 digits);
    ``account`` is ``{account_id, production_account_id}``, ``environments`` each org's environment.
    """
    orgs = list(values_by_org)
    errors = []
    try:
        plan_of_run = plan(values_by_org)
    except PlanError as exc:
        errors, plan_of_run = list(exc.errors), {}
    accounts, production = [], []
    for org in orgs:
        for found, name in ((accounts, "fusion_account_id"), (production, "fusion_production_account_id")):
            value = "%s" % (values_by_org[org].get(name),)
            if value not in found:
                found.append(value)
    account = None
    if len(accounts) != 1 or len(production) != 1:
        errors.append("the orgs of one run must live in one AWS account, but %s declare accounts %s (production account %s): "
                      "run each environment inventory on its own" % (", ".join(orgs), ", ".join(accounts), ", ".join(production)))
    else:
        try:
            account = dict(account_id=_naming.validate_account_id(accounts[0]),
                           production_account_id=_naming.validate_account_id(production[0]))
        except _naming.NamingError as exc:
            errors.append("the account of the run: %s" % exc)
    if errors:
        raise PlanError(errors)
    return dict(orgs=orgs, plan=plan_of_run, account=account,
                environments=[plan_of_run[org]["environment"] for org in orgs])
