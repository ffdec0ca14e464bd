# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scope of a ``shared.yml`` run: a validated plan narrowed to one region and/or a ``--limit``.

- ``SCOPE_SPEC``: the argument spec of the scope (``region``, ``limit``, ``limit_hosts``).
- ``narrow_plan(plan, region, limit, limit_hosts)``: the plan of ``_shared_declaration.build_plan``
  narrowed, with a ``scope`` entry saying what it covers; ``DeclarationError`` naming what was
  asked and what is declared when the scope selects nothing declared.
- ``scope_message(plan)``: one line saying what the run covers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.plugin_utils._shared_declaration import DeclarationError

SCOPE_SPEC = dict(
    region=dict(type="str"),
    limit=dict(type="str"),
    limit_hosts=dict(type="list", elements="str"),
)
CONTROLLER = "localhost"


def _names(items):
    return [item["name"] if isinstance(item, dict) else item for item in items]


def hosts_in_region(plan, region):
    """The POS hosts of ``region`` (every one when ``region`` is None); refused when it is not declared."""
    regions = [r["region"] for r in plan["regions"]]
    if region is None:
        return plan["pos_hosts"]
    if region not in regions:
        raise DeclarationError("shared.yml -e region refused: region %r is not declared in this inventory; "
                               "declared regions: %s" % (region, ", ".join(regions)))
    return [h for h in plan["pos_hosts"] if h["region"] == region]


def limited_hosts(plan, hosts, region, limit, limit_hosts):
    """Those of ``hosts`` that the ``--limit`` selects; refused when it selects anything but declared POS hosts."""
    declared = _names(plan["pos_hosts"])
    selected = sorted(set(h for h in (limit_hosts or []) if h != CONTROLLER))
    others = [h for h in selected if h not in declared]
    if others:
        raise DeclarationError("shared.yml --limit %r refused: it selects hosts that are not declared POS hosts: %s "
                               "(a limit narrows shared.yml to POS hosts; declared POS hosts: %s)"
                               % (limit, ", ".join(others), ", ".join(declared) or "none"))
    if not selected:
        raise DeclarationError("shared.yml --limit %r refused: it selects no declared POS host; declared POS hosts: %s"
                               % (limit, ", ".join(declared) or "none"))
    in_scope = [h for h in hosts if h["name"] in selected]
    if not in_scope:
        raise DeclarationError("shared.yml --limit %r with -e region=%s refused: none of %s is in %s (%s)"
                               % (limit, region, ", ".join(selected), region, ", ".join(
                                   "%s in %s" % (h["name"], h["region"]) for h in plan["pos_hosts"] if h["name"] in selected)))
    return in_scope


def _kept(plan, region, limit, hosts):
    """``(regions, rds_instances, brokers)`` names the narrowed plan keeps."""
    if limit:
        return (set(h["region"] for h in hosts), set(h["rds_instance"] for h in hosts), set(h["broker"] for h in hosts))
    if region is not None:
        return (set([region]), set(r["name"] for r in plan["rds_instances"] if r["region"] == region),
                set(b["name"] for b in plan["brokers"] if b["region"] == region))
    return (set(r["region"] for r in plan["regions"]), set(_names(plan["rds_instances"])), set(_names(plan["brokers"])))


def narrow_plan(plan, region=None, limit=None, limit_hosts=None):
    """The validated plan narrowed to one region and/or the POS hosts a --limit selects.

    ``region`` None: every region; ``limit`` None or empty: no limit (``limit_hosts`` is then not
    read). Refusals (DeclarationError) name what was asked and what is declared."""
    hosts = hosts_in_region(plan, region)
    if limit:
        hosts = limited_hosts(plan, hosts, region, limit, limit_hosts)
    keep_regions, keep_rds, keep_brokers = _kept(plan, region, limit, hosts)
    narrowed = dict(
        plan,
        regions=[r for r in plan["regions"] if r["region"] in keep_regions],
        rds_instances=[r for r in plan["rds_instances"] if r["name"] in keep_rds],
        brokers=[b for b in plan["brokers"] if b["name"] in keep_brokers],
        pos_hosts=hosts,
    )
    narrowed["scope"] = {
        "region": region,
        "limit": limit or None,
        "regions": [r["region"] for r in narrowed["regions"]],
        "rds_instances": _names(narrowed["rds_instances"]),
        "brokers": _names(narrowed["brokers"]),
        "pos_hosts": _names(narrowed["pos_hosts"]),
    }
    return narrowed


def scope_message(plan):
    """One line: the whole declaration, or what narrowed it, then the names the plan covers."""
    scope = plan["scope"]
    narrowed_by = [text for text in ("-e region=%s" % scope["region"] if scope["region"] is not None else "",
                                     "--limit %s" % scope["limit"] if scope["limit"] else "") if text]
    listed = ["%s %s" % (label, ", ".join(scope[key]) or "none") for key, label in (
        ("regions", "regions"), ("rds_instances", "RDS instances"), ("brokers", "brokers"), ("pos_hosts", "POS hosts"))]
    return "%s: %s" % ("narrowed by " + " and ".join(narrowed_by) if narrowed_by else "the whole declaration", "; ".join(listed))
