# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The org's tenant in the POS host's tenant list ``tenants.json`` (the action ``fusion.pos.fusion_tenant``).

Pure functions, no I/O: the action reads the file through the connection, this module computes the
new document, the per-tenant before/after with every password masked, and the text to write, in
which each password the controller adds is a placeholder token (``token(i)``) that only the module
on the host replaces (``fusion_tenant_file``). docs/specification.md section 3 (the tenant) and
section 8; the file layout and the other decisions: docs/tenant-and-dns.md.

The layout (decision): ``tenants.json`` is one JSON object keyed by tenant name, each value the
tenant's settings; keys fusion.pos manages are ``MANAGED_KEYS``, any other key of an entry (and
every other tenant) is kept as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re
from collections import OrderedDict

FILE_NAME = "tenants.json"
RECIPE = "POS_Tenant"
MASK = "********"
DATABASE_PROVIDER = "SqlConnection"   # SQL Server, as POS Server's tenant settings spell it
DEFAULT_PORT = 1433
MANAGED_KEYS = ("RequestUrlHost", "RequestUrlPrefix", "RecipeName", "DatabaseProvider", "TablePrefix", "ConnectionString")
NEW_TENANT_STATE = "Uninitialized"   # only on a new entry: POS Server runs the tenant's setup guide
_TOKEN = "@@FUSION_POS_PASSWORD_%d@@"
_PASSWORD_RE = re.compile(r"""(?i)((?:^|;)\s*(?:password|pwd)\s*=\s*)("(?:[^"]|"")*"|'(?:[^']|'')*'|[^;]*)""")


class TenantFileError(ValueError):
    """The host's tenants.json cannot be read as a tenant list."""


def token(index):
    """The placeholder of the ``index``-th password the controller adds; only the host replaces it."""
    return _TOKEN % index


def quote_value(value):
    """A connection-string value: quoted when it holds ``;``, quotes or outer spaces (ADO.NET rules)."""
    if not re.search(r"""[;'"]|^\s|\s$""", value):
        return value
    return '"%s"' % value.replace('"', '""')


def connection_string(server, port, database, login, password):
    """SQL Server connection string of the org's database (TLS on)."""
    return "Server=%s,%d;Database=%s;User ID=%s;Password=%s;Encrypt=True" % (
        server, int(port), database, login, quote_value(password))


def tenant_entry(host_name, connection, recipe=None):
    """The settings fusion.pos manages for a tenant (docs/specification.md section 3)."""
    return OrderedDict([
        ("RequestUrlHost", host_name),
        ("RequestUrlPrefix", ""),
        ("RecipeName", recipe or RECIPE),
        ("DatabaseProvider", DATABASE_PROVIDER),
        ("TablePrefix", ""),
        ("ConnectionString", connection),
    ])


def parse_document(text):
    """The tenant list from the file's text (``None`` or empty: no file yet -> empty list)."""
    if text is None or not text.strip():
        return OrderedDict()
    try:
        document = json.loads(text.lstrip("\ufeff"), object_pairs_hook=OrderedDict)
    except ValueError as exc:
        raise TenantFileError("%s is not valid JSON: %s" % (FILE_NAME, exc))
    if not isinstance(document, dict) or not all(isinstance(value, dict) for value in document.values()):
        raise TenantFileError("%s must be one JSON object of tenants (name -> settings)" % FILE_NAME)
    return document


def merge(document, name, entry):
    """``(new document, before, after)``: the tenant ``name`` with ``entry``'s keys; others untouched.

    ``before`` is None when the tenant is new. ``document`` is not modified.
    """
    new = copy.deepcopy(document)
    before = copy.deepcopy(document.get(name))
    after = copy.deepcopy(before) if before is not None else OrderedDict([("State", NEW_TENANT_STATE)])
    after.update(entry)
    new[name] = after
    return new, before, after


def remove(document, name):
    """``(new document, before)``: the document without the tenant ``name``; ``before`` None when it was not there.

    ``document`` is not modified.
    """
    new = copy.deepcopy(document)
    before = new.pop(name, None)
    return new, before


def mask_connection(value, password=None):
    """``value`` with its password replaced by ``MASK`` (``MASK (differs)`` when not ``password``)."""
    if not isinstance(value, str):
        return value

    def repl(match):
        found = match.group(2)
        if found.startswith(('"', "'")) and len(found) > 1:
            found = found[1:-1].replace(found[0] * 2, found[0])
        same = password is None or found == password
        return match.group(1) + (MASK if same else MASK + " (differs)")
    return _PASSWORD_RE.sub(repl, value)


def masked(entry, password=None):
    """A copy of a tenant entry for output: its connection string's password masked."""
    if entry is None:
        return None
    shown = dict(entry)
    if "ConnectionString" in shown:
        shown["ConnectionString"] = mask_connection(shown["ConnectionString"], password)
    return shown


def render(document):
    """``(text, secrets)``: the file's text with the password of every connection string replaced by a
    token, and ``{token: the password as the JSON text of the file spells it}`` for the host to put back.

    So the text itself carries no password; ``secrets`` only travels as a ``no_log`` module argument.
    """
    secrets = {}
    tokenised = copy.deepcopy(document)
    for settings in tokenised.values():
        value = settings.get("ConnectionString")
        if not isinstance(value, str):
            continue

        def repl(match):
            secret_token = token(len(secrets))
            secrets[secret_token] = json.dumps(match.group(2), ensure_ascii=False)[1:-1]
            return match.group(1) + secret_token
        settings["ConnectionString"] = _PASSWORD_RE.sub(repl, value)
    return json.dumps(tokenised, indent=2, ensure_ascii=False) + "\n", secrets
