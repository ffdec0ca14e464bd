# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The summary and manual checklist printed for each org at the end of provision.yml.

Built for every org of the play at once (one run_once task), so each org's own output task only
prints its lines: the per-org cost of the summary is one trivial task. The manual checklist is
docs/specification.md section 9. No secret value is ever available here: the steps return none.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.plugin_utils._org_results import entry_of, module_of

CHECKLIST = (
    "[ ] Authorization server: Create New organization, ID {org}, name \"{title}\", then Manage (the server adds "
    "the group prefix, fc for clients Fusion manages)",
    "[ ] Authorization server: server licence \"RMS Servers\": count = cloud server + corporate server + one per "
    "store, expiry = renewal date, licensed features xms, active",
    "[ ] Authorization server: register licence \"Registers\" (only when the client integrates Windows Register)",
    "[ ] Licence activation on every POS server: Manage POS / License, device-code flow with the Authorization "
    "server (Authorize Device, paste the user code, Complete Authorization); check status Licensed",
)


def _ok(result):
    return result if isinstance(result, dict) and not result.get("failed") else {}


def _database_line(entry, database):
    if not database:
        return "database: not provisioned in this run"
    line = "database: %s, login %s on %s" % (database.get("database"), database.get("login"), database.get("instance"))
    if database.get("sql_server_reachable") is False:
        line += " (no SQL Server reachable here: not checked or made)"
    return line


def _rabbitmq_line(entry, rabbitmq):
    if not rabbitmq:
        return "RabbitMQ: not provisioned in this run"
    vhosts = ", ".join(rabbitmq.get("vhosts") or entry.get("vhosts") or [])
    return "RabbitMQ: vhosts %s; user %s on %s" % (vhosts, entry.get("rabbitmq_user"), rabbitmq.get("broker") or entry.get("broker"))


def _dns_line(entry, dns):
    if not dns:
        return "DNS: not provisioned in this run"
    record = dns.get("record") or {}
    if dns.get("manual"):
        return "DNS: MANUAL (no Route 53 hosted zone configured, fusion_pos_hosted_zone): create %s record %s -> %s" % (
            record.get("type"), record.get("name"), record.get("value"))
    return "DNS: %s record %s -> %s (TTL %s) in hosted zone %s" % (record.get("type"), record.get("name"), record.get("value"),
                                                                   record.get("ttl"), dns.get("zone"))


def _tenant_line(entry, tenant):
    if not tenant:
        return "tenant: not provisioned in this run"
    return "tenant: %s (host name %s) in %s on %s, POS %s" % (
        tenant.get("tenant"), tenant.get("host_name"), tenant.get("file"), tenant.get("pos_host"), tenant.get("pos_version"))


def org_lines(org, entry, caller, iam, bucket, secrets, check_mode, database=None, rabbitmq=None, dns=None, tenant=None):
    """The summary lines of one org from its plan entry and its step results (``{}``: not run)."""
    iam, bucket, secrets, database, rabbitmq, dns = _ok(iam), _ok(bucket), _ok(secrets), _ok(database), _ok(rabbitmq), _ok(dns)
    tenant = _ok(tenant)
    changed = []
    if iam.get("changed"):
        changed.append("IAM user (%s)" % ", ".join(iam.get("changes") or []))
    if bucket.get("changed"):
        changed.append("S3 bucket (%s)" % ", ".join(bucket.get("changes") or []))
    changed += ["secret %s" % item["name"] for item in secrets.get("secrets") or [] if item.get("created")]
    if database.get("changed"):
        changed.append("database and login (%d statements)" % len(database.get("statements") or []))
    if rabbitmq.get("changed"):
        changed.append("RabbitMQ (%s)" % ", ".join(rabbitmq.get("changes") or []))
    if dns.get("changed"):
        changed.append("DNS record %s" % (dns.get("record") or {}).get("name"))
    if tenant.get("changed"):
        changed.append("tenant %s on %s" % (tenant.get("tenant"), tenant.get("pos_host")))
    secret_names = [item["name"] for item in secrets.get("secrets") or []]
    key = iam.get("access_key_secret") or {}
    if bucket.get("bucket"):
        bucket_line = bucket["bucket"]
        if bucket.get("fallback"):
            bucket_line += " (FALLBACK name: %s belongs to someone else)" % _naming.bucket_name(org)
    else:
        bucket_line = "not provisioned in this run"
    lines = [
        "org %s (%s, account %s)%s" % (org, entry.get("environment", "?"), (caller or {}).get("account_id", "?"),
                                       " - CHECK MODE: nothing was changed, the changes below would be made" if check_mode else ""),
        "IAM user: %s%s" % (iam.get("user_name") or _naming.iam_user_name(org),
                            " (access key in %s)" % key["name"] if key.get("name") else ""),
        "S3 bucket: %s" % bucket_line,
        "secrets: %s" % (", ".join(secret_names) if secret_names else "none"),
        _database_line(entry, database),
        _rabbitmq_line(entry, rabbitmq),
        _dns_line(entry, dns),
        _tenant_line(entry, tenant),
        "changed: %s" % (", ".join(changed) if changed else "nothing"),
        "MANUAL CHECKLIST for %s (docs/specification.md section 9; not automated):" % org,
    ]
    lines += [line.format(org=org, title=entry.get("site_title", "")) for line in CHECKLIST]
    return lines


# The summary's part each step module gives (what it registered says which module it ran).
KIND_OF_MODULE = {"fusion_iam_user": "iam", "fusion_s3_bucket": "bucket", "fusion_secret": "secrets",
                  "fusion_mssql_database": "database", "fusion_rabbitmq_org": "rabbitmq", "fusion_dns_record": "dns",
                  "fusion_tenant": "tenant"}


def lines_of(org, entry, caller, entries, check_mode):
    """One org's lines; ``entries``: ``{kind: the org's entry}`` (kinds of ``KIND_OF_MODULE``; missing: not run)."""
    def of(kind):
        return entries.get(kind) or {}

    return org_lines(org, entry or {}, caller, of("iam"), of("bucket"), of("secrets"), check_mode, of("database"),
                     of("rabbitmq"), of("dns"), of("tenant"))


def entries_by_kind(registered, org):
    """``{kind: org's entry}`` of the registered steps (any iterable of them), by the module each ran."""
    found = {}
    for step in registered:
        kind = KIND_OF_MODULE.get(module_of(step))
        if kind:
            found[kind] = entry_of(step, org)
    return found


def summaries(orgs, plan, caller, steps, check_mode):
    """``{org: [lines]}``; ``steps``: ``{"iam": step result, "bucket", "secrets", "database", "rabbitmq", "dns", "tenant"}``
    (as registered: ``_org_results.entry_of`` reads each org's entry)."""
    return dict((org, lines_of(org, plan.get(org), caller, dict((kind, entry_of(step, org)) for kind, step in steps.items()),
                               check_mode)) for org in orgs)
