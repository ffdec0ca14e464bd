# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment inventories, read and checked as files on the controller (no AWS call).

- ``inventory_root(path)``: the directory holding the environment inventories, for that directory
  or for an inventory source in it (``inventories/qa``, an org file).
- ``Tree(root)``: every environment inventory under ``root``: its environment settings
  (``group_vars/all``), its org files, and the uniqueness of org IDs across environments.
  ``tree.errors`` lists every problem found, one line each; ``tree.inventories`` and
  ``tree.org_table()`` what was declared.

- ``check_loaded(loaded)``: the same rules from the loaded inventory's variables alone, for a run
  whose inventory is not these files (AWX / Automation Controller gives a job its inventory as a
  script): org IDs unique across environments through ``fusion_other_environment_orgs``, the
  declared list of every org ID of the other environment inventories, which ``Tree`` checks
  against the files.

Which orgs a run asked for (``-e org=``) is ``_run_orgs.resolve_run``'s job.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import yaml

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_plan

ENV_REQUIRED = ("fusion_environment", "fusion_account_id", "fusion_production_account_id", "fusion_region",
                "aws_endpoint_url", "fusion_secrets_backend", "ansible_connection", "ansible_python_interpreter")
SECRETS_BACKENDS = ("aws_secretsmanager",)
OTHER_ORGS = "fusion_other_environment_orgs"
ANOTHER_ENVIRONMENT = "another environment"
ORG_KEYS = _org_plan.ORG_VARIABLES
_ORG_FILE_STEM_RE = re.compile(r"^[a-z][a-z0-9]*\Z")
_URL_RE = re.compile(r"^https?://[^\s/]+(/\S*)?\Z")
# A sandbox may follow its emulator's URL from the environment (tools/sandbox exports FUSION_SANDBOX_URL):
# "{{ lookup('ansible.builtin.env', 'NAME', default='<URL>') }}", checked as its default <URL>.
_ENV_URL_RE = re.compile(r"^\{\{\s*lookup\(\s*'(?:ansible\.builtin\.)?env'\s*,\s*'[A-Z][A-Z0-9_]*'\s*,\s*default\s*=\s*'([^']*)'\s*\)\s*\}\}\Z")


def _loader():
    class Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        pass

    def opaque(loader, node):  # pylint: disable=unused-argument
        return "<%s>" % node.tag

    Loader.add_constructor("!vault", opaque)
    Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
    return Loader


def load_yaml(path):
    """A YAML file as data; ``!vault`` values are opaque, ``!unsafe`` ones plain strings."""
    with open(path) as handle:
        return yaml.load(handle, Loader=_loader())  # nosec - a SafeLoader subclass


def _rel(path, base):
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return path


def inventory_root(path):
    """The directory holding the environment inventories, for a root or an inventory source."""
    path = os.path.abspath(path)
    if os.path.isfile(path):
        path = os.path.dirname(path)
    if os.path.isdir(os.path.join(path, "group_vars")) or glob.glob(os.path.join(path, "*.yml")):
        return os.path.dirname(path)
    return path


def is_org_file(stem, data):
    """A file named like an org ID is always an org file; any other only when it has an ``orgs`` group."""
    return _ORG_FILE_STEM_RE.match(stem) is not None or (isinstance(data, dict) and "orgs" in data)


def org_of(data):
    """``(org, org_vars)`` of an org file's data, or None when it is not exactly one host in group ``orgs``."""
    if not isinstance(data, dict) or list(data) != ["orgs"] or not isinstance(data["orgs"], dict) \
            or list(data["orgs"]) != ["hosts"] or not isinstance(data["orgs"]["hosts"], dict) \
            or len(data["orgs"]["hosts"]) != 1:
        return None
    org, org_vars = list(data["orgs"]["hosts"].items())[0]
    return str(org), org_vars


def environment_fit_error(environment, in_production):
    """Why ``environment`` may not live in this account (None when it fits)."""
    if _naming.account_fits_environment(environment) and not in_production:
        return ("environment %s lives only in the POS Production account, but fusion_account_id "
                "is not fusion_production_account_id" % environment)
    if not _naming.account_fits_environment(environment) and in_production:
        return ("environment %s never lives in the POS Production account (fusion_account_id is "
                "fusion_production_account_id)" % environment)
    return None


class Tree:
    """Every environment inventory under one directory, read as files."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.base = os.path.dirname(self.root)
        self.errors = []
        self.inventories = {}
        self.orgs = {}
        self._scan()

    def error(self, where, message):
        self.errors.append("%s: %s" % (_rel(where, self.base), message))

    def _read(self, path):
        try:
            return True, load_yaml(path)
        except (yaml.YAMLError, OSError) as exc:
            self.error(path, "cannot be read as YAML: %s" % str(exc).replace("\n", " "))
            return False, None

    def _scan(self):
        if not os.path.isdir(self.root):
            self.error(self.root, "no such inventory directory")
            return
        names = sorted(name for name in os.listdir(self.root)
                       if not name.startswith(".") and os.path.isdir(os.path.join(self.root, name)))
        if not names:
            self.error(self.root, "holds no environment inventory")
        for name in names:
            self._inventory(name, os.path.join(self.root, name))
        self._unique()

    # ---- environment settings ---------------------------------------------------------------

    def _settings(self, directory):
        group_vars = os.path.join(directory, "group_vars")
        files = [os.path.join(group_vars, "all.yml"), os.path.join(group_vars, "all.yaml")]
        files += sorted(glob.glob(os.path.join(group_vars, "all", "*.yml")))
        files += sorted(glob.glob(os.path.join(group_vars, "all", "*.yaml")))
        files = [path for path in files if os.path.isfile(path)]
        if not files:
            self.error(directory, "has no environment settings (group_vars/all/*.yml)")
            return None
        settings = {}
        for path in files:
            readable, data = self._read(path)
            if not readable or data is None:
                continue
            if not isinstance(data, dict):
                self.error(path, "must be a mapping of variables")
                continue
            settings.update(data)
        return settings

    def _account(self, directory, settings, key):
        value = settings.get(key)
        if not isinstance(value, str):
            self.error(directory, "%s must be a quoted string of 12 digits, got %r" % (key, value))
            return None
        try:
            return _naming.validate_account_id(value)
        except _naming.NamingError as exc:
            self.error(directory, "%s: %s" % (key, exc))
            return None

    def _environment(self, directory, settings, missing):
        if "fusion_environment" in missing:
            return None
        try:
            return _naming.validate_environment(settings.get("fusion_environment"))
        except _naming.NamingError as exc:
            self.error(directory, "fusion_environment: %s" % exc)
            return None

    def _region(self, directory, settings, missing):
        region = settings.get("fusion_region")
        if "fusion_region" not in missing:
            try:
                _naming.validate_region(region)
            except _naming.NamingError as exc:
                self.error(directory, "fusion_region must be an AWS region: %s" % exc)
        return region

    def _sandbox(self, directory, settings, missing):
        sandbox = settings.get("fusion_sandbox", False)
        if not isinstance(sandbox, bool):
            self.error(directory, "fusion_sandbox must be true or false, got %r" % (sandbox,))
            sandbox = False
        if "aws_endpoint_url" in missing:
            return sandbox
        endpoint = settings.get("aws_endpoint_url")
        if endpoint is None:
            endpoint = ""
        from_env = _ENV_URL_RE.match(endpoint) if isinstance(endpoint, str) else None
        if from_env:
            endpoint = from_env.group(1)
        if not isinstance(endpoint, str) or (endpoint and not _URL_RE.match(endpoint)):
            self.error(directory, "aws_endpoint_url must be empty (AWS itself) or an http(s) URL, got %r" % (endpoint,))
        elif sandbox and not endpoint:
            self.error(directory, "a sandbox inventory (fusion_sandbox: true) needs aws_endpoint_url (the emulator)")
        elif endpoint and not sandbox:
            self.error(directory, "aws_endpoint_url is set but the inventory is not a sandbox (fusion_sandbox: true): "
                                  "a real environment talks to AWS itself")
        return sandbox

    def _runtime(self, directory, settings, missing):
        backend = settings.get("fusion_secrets_backend")
        if "fusion_secrets_backend" not in missing and backend not in SECRETS_BACKENDS:
            self.error(directory, "fusion_secrets_backend must be one of %s, got %r" % (", ".join(SECRETS_BACKENDS), backend))
        if "ansible_connection" not in missing and settings.get("ansible_connection") != "local":
            self.error(directory, "ansible_connection must be local (orgs are not machines), got %r"
                       % (settings.get("ansible_connection"),))

    def _inventory(self, name, directory):
        settings = self._settings(directory)
        if settings is None:
            return
        missing = [key for key in ENV_REQUIRED if key not in settings]
        if missing:
            self.error(directory, "environment settings lack %s" % ", ".join(missing))
        environment = self._environment(directory, settings, missing)
        account = self._account(directory, settings, "fusion_account_id") if "fusion_account_id" not in missing else None
        production = (self._account(directory, settings, "fusion_production_account_id")
                      if "fusion_production_account_id" not in missing else None)
        region = self._region(directory, settings, missing)
        sandbox = self._sandbox(directory, settings, missing)
        self._runtime(directory, settings, missing)
        in_production = account == production if account and production else None
        if environment and in_production is not None:
            self._fits(directory, environment, in_production)
        self.inventories[name] = dict(environment=environment, account_id=account, production_account_id=production,
                                      sandbox=sandbox, region=region, directory=directory,
                                      other_environment_orgs=settings.get(OTHER_ORGS))
        for path in sorted(glob.glob(os.path.join(directory, "*.yml")) + glob.glob(os.path.join(directory, "*.yaml"))):
            self._org_file(name, path, environment, in_production)

    def _fits(self, where, environment, in_production):
        problem = environment_fit_error(environment, in_production)
        if problem:
            self.error(where, problem)

    # ---- org files ----------------------------------------------------------------------------

    def _org_file(self, inventory, path, default_env, in_production):
        stem = os.path.splitext(os.path.basename(path))[0]
        readable, data = self._read(path)
        if not readable or not is_org_file(stem, data):
            return  # not an org file (shared resources such as pos_hosts.yml have their own checks)
        declared = org_of(data)
        if declared is None:
            self.error(path, "an org file declares exactly one host, the org, in group orgs: {orgs: {hosts: {%s: {...}}}}" % stem)
            return
        org, org_vars = declared
        try:
            _naming.validate_org_id(org)
        except _naming.NamingError as exc:
            self.error(path, str(exc))
            return
        if org != stem:
            self.error(path, "declares org %s but the file is named %s: name the file %s.yml" % (org, os.path.basename(path), org))
            return
        if org_vars is None:
            org_vars = {}
        if not isinstance(org_vars, dict):
            self.error(path, "the variables of org %s must be a mapping" % org)
            return
        unknown = sorted(str(key) for key in org_vars if key not in ORG_KEYS)
        if unknown:
            self.error(path, "unknown org variable(s) %s; an org file sets only %s (environment settings "
                             "belong in group_vars)" % (", ".join(unknown), ", ".join(ORG_KEYS)))
        environment = self._org_vars(path, org, org_vars, default_env, in_production)
        self.orgs.setdefault(org.lower(), []).append(dict(
            org=org, environment=environment, inventory=inventory, file=_rel(path, self.base),
            account_id=self.inventories[inventory]["account_id"]))

    def _org_environment(self, path, org_vars, default_env, in_production):
        environment = org_vars.get("fusion_environment", default_env)
        try:
            _naming.validate_environment(environment)
        except _naming.NamingError as exc:
            self.error(path, "fusion_environment: %s" % exc)
            return None
        if in_production is not None and "fusion_environment" in org_vars:
            self._fits(path, environment, in_production)
        return environment

    def _org_vars(self, path, org, org_vars, default_env, in_production):
        environment = self._org_environment(path, org_vars, default_env, in_production)
        # The same rules as the run's plan applies to the effective values (plugin_utils/_org_plan.py).
        for line in _org_plan.check_org_values(org, org_vars):
            self.error(path, line)
        if environment:
            try:
                _naming.secret_path(environment, org, "db-login")
            except _naming.NamingError as exc:
                self.error(path, str(exc))
        return environment

    # ---- across inventories -------------------------------------------------------------------

    def _unique(self):
        real = [name for name, inv in self.inventories.items() if not inv["sandbox"]]
        for key, decls in sorted(self.orgs.items()):
            for inventory in self.inventories:
                same = [d for d in decls if d["inventory"] == inventory]
                if len(same) > 1:
                    self.errors.append("org %s is declared more than once in inventory %s (%s)"
                                       % (key, inventory, ", ".join(d["file"] for d in same)))
            across = [d for d in decls if d["inventory"] in real]
            if len(set(d["inventory"] for d in across)) > 1:
                self.errors.append(
                    "org %s is declared in more than one environment inventory (%s): an org ID is unique "
                    "across production and QA, compared case-insensitively"
                    % (key, ", ".join("%s as %s" % (d["file"], d["environment"]) for d in across)))
        for name in real:
            self._other_orgs(name, real)

    def _other_orgs(self, name, real):
        """``fusion_other_environment_orgs`` of a real inventory lists exactly the other ones' org IDs."""
        own = set(key for key, decls in self.orgs.items() if any(d["inventory"] == name for d in decls))
        expected = sorted(set(key for key, decls in self.orgs.items()
                              if any(d["inventory"] in real and d["inventory"] != name for d in decls)) - own)
        declared = self.inventories[name]["other_environment_orgs"]
        where = os.path.join(self.inventories[name]["directory"], "group_vars", "all")
        if not isinstance(declared, list) or not all(isinstance(item, str) for item in declared):
            self.error(where, "%s must be the list of every org ID of the other environment inventories "
                              "(the cross-environment rule of a run that sees only this inventory), got %r; "
                              "write %s: [%s]" % (OTHER_ORGS, declared, OTHER_ORGS, ", ".join(expected)))
            return
        declared = set(item.lower() for item in declared) - own  # an org in both: the rule above said so
        missing, extra = sorted(set(expected) - declared), sorted(declared - set(expected))
        if missing or extra:
            self.error(where, "%s does not match the other environment inventories (%s): %s; write %s: [%s]"
                       % (OTHER_ORGS, ", ".join(sorted(set(real) - {name})) or "none",
                          "; ".join(part for part in ("missing " + ", ".join(missing) if missing else "",
                                                      "not declared there " + ", ".join(extra) if extra else "")
                                    if part), OTHER_ORGS, ", ".join(expected)))

    def org_table(self):
        """Every declared org (its first declaration) with environment, inventory, file and account."""
        table = {}
        for decls in self.orgs.values():
            for decl in decls:
                table.setdefault(decl["org"], dict(decl))
        return table


def check_loaded(loaded):
    """``(table, errors)`` of the loaded inventory's orgs, from their variables alone (no file read).

    ``loaded`` maps each host of group ``orgs`` to its variables (``fusion_environment``,
    ``fusion_sandbox``, ``fusion_other_environment_orgs``). Outside a sandbox, the inventory must
    declare ``fusion_other_environment_orgs`` and no loaded org may be in it (compared
    case-insensitively); ``table`` has the loaded orgs and, as declared in ``another environment``,
    the others, for ``_run_orgs.resolve_run``.
    """
    errors = []
    table = {}
    others = {}
    seen = {}
    for org in sorted(loaded):
        org_vars = loaded[org] or {}
        table[org] = dict(org=org, environment=org_vars.get("fusion_environment"), inventory="the loaded inventory",
                          file=None)
        if str(org).lower() in seen:
            errors.append("org %s is declared twice in the loaded inventory (as %s and %s), compared case-insensitively"
                          % (org.lower(), seen[org.lower()], org))
        seen.setdefault(str(org).lower(), org)
        if org_vars.get("fusion_sandbox") is True:
            continue
        declared = org_vars.get(OTHER_ORGS)
        if not isinstance(declared, list) or not all(isinstance(item, str) for item in declared):
            errors.append("org %s: its inventory does not declare %s (every org ID of the other environment "
                          "inventories) as a list of org IDs, got %r: the cross-environment uniqueness rule "
                          "cannot be checked (tools/check-inventories says what to write)" % (org, OTHER_ORGS, declared))
            continue
        for other in declared:
            others.setdefault(other.lower(), other)
        if str(org).lower() in set(item.lower() for item in declared):
            errors.append("org %s is declared in more than one environment inventory (this one and another one, "
                          "by %s): an org ID is unique across production and QA, compared case-insensitively"
                          % (org.lower(), OTHER_ORGS))
    for key, other in sorted(others.items()):
        if key not in seen:
            table[other] = dict(org=other, environment=None, inventory=ANOTHER_ENVIRONMENT, file=None)
    return table, errors
