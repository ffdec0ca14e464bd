#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_inventory_check
short_description: Validate the fusion.pos org inventories and resolve the orgs of a run
version_added: 0.1.0
description:
  - Reads every environment inventory under O(path) (each sub-directory, for example
    C(inventories/production), C(inventories/qa), C(inventories/sandbox)) as files, without AWS.
  - Environment settings (C(group_vars/all/*.yml), or C(group_vars/all.yml)) must declare
    C(fusion_environment), C(fusion_account_id), C(fusion_production_account_id), C(fusion_region),
    C(aws_endpoint_url) (empty for AWS itself), C(fusion_secrets_backend), C(ansible_connection=local)
    and C(ansible_python_interpreter).
  - Each org is one file C(<org>.yml) declaring exactly one host, the org, in group C(orgs), with
    C(org_site_title) and optionally C(fusion_environment), C(org_sites), C(org_placement),
    C(org_iam_access_key), C(org_pos_domain); nothing else. A file named like an org ID is always
    taken for an org file; other files without an C(orgs) group (for example C(pos_hosts.yml) of the
    shared infrastructure) are left to their own checks.
  - Org IDs follow the org-ID rule, every name derived from them fits its AWS limit, and they are
    unique across all environments compared case-insensitively. An inventory with
    C(fusion_sandbox=true) (the local emulator) is checked on its own and left out of the
    cross-environment rule, so it may mirror real org IDs.
  - An environment fits its account, that is production and staging only where C(fusion_account_id) is the
    production account, qa, dev and demo only elsewhere.
  - With O(org), also resolves the orgs a run asked for against O(groups); every item must name a
    declared org of the loaded inventory or a group of them (no wildcards or patterns).
  - Fails with every problem found, one line each. Never changes anything.
  - Runs on the controller, in-process (an action plugin of the same name), since it only reads
    the inventory files there.
author: fusion.pos contributors (@fusion-pos)
options:
  path:
    description:
      - The directory that holds the environment inventories (C(inventories)), or an inventory
        source (a directory such as C(inventories/qa) or an org file in it), whose parent is then used.
    type: path
    required: true
  org:
    description: What the run was asked for with C(-e org=...) (org IDs or group names, comma-separated).
    type: str
  groups:
    description:
      - The groups of the loaded inventory (the C(groups) variable), to resolve O(org) with.
      - Every item of O(org) must be a declared org of the loaded inventory or one of its groups.
    type: dict
    default: {}
requirements:
  - PyYAML
extends_documentation_fragment:
  - fusion.pos.read_only
"""

EXAMPLES = r"""
- name: Check every inventory
  fusion.pos.fusion_inventory_check:
    path: inventories

- name: Resolve and check the orgs of this run
  fusion.pos.fusion_inventory_check:
    path: "{{ ansible_inventory_sources[0] }}"
    org: "{{ org }}"
    groups: "{{ groups }}"
"""

RETURN = r"""
orgs:
  description: Every declared org with its environment, inventory and file.
  returned: always
  type: dict
  sample: {xmsqa1: {environment: qa, inventory: qa, file: inventories/qa/xmsqa1.yml, account_id: "222222222222"}}
inventories:
  description: Every environment inventory with its account settings.
  returned: always
  type: dict
  sample: {qa: {environment: qa, account_id: "222222222222", production_account_id: "111111111111", sandbox: false}}
run_orgs:
  description: The orgs of the run, sorted.
  returned: always
  type: list
  elements: str
errors:
  description: Every problem found (the module fails when there is any).
  returned: failure
  type: list
  elements: str
"""

import glob
import os
import re
import traceback

try:
    import yaml
except ImportError:  # pragma: no cover - reported by main()
    yaml = None
    YAML_IMPORT_ERROR = traceback.format_exc()
else:
    YAML_IMPORT_ERROR = None

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.fusion.pos.plugins.module_utils import _naming

ENV_REQUIRED = ("fusion_environment", "fusion_account_id", "fusion_production_account_id", "fusion_region",
                "aws_endpoint_url", "fusion_secrets_backend", "ansible_connection", "ansible_python_interpreter")
SECRETS_BACKENDS = ("aws_secretsmanager",)
ORG_KEYS = ("org_site_title", "fusion_environment", "org_sites", "org_placement", "org_iam_access_key",
            "org_pos_domain")
PLACEMENT_KEYS = {
    "mode": None,
    "rds_instance": _naming.validate_rds_instance,
    "broker": _naming.validate_broker,
    "pos_host": _naming.validate_pos_host,
}
PLACEMENT_MODES = ("shared", "shared-new", "dedicated")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]$")
_PATTERN_ITEM_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_URL_RE = re.compile(r"^https?://[^\s/]+(/\S*)?$")
# A sandbox may follow its emulator's URL from the environment (tools/sandbox exports FUSION_SANDBOX_URL):
# "{{ lookup('ansible.builtin.env', 'NAME', default='<URL>') }}", checked as its default <URL>.
_ENV_URL_RE = re.compile(r"^\{\{\s*lookup\(\s*'(?:ansible\.builtin\.)?env'\s*,\s*'[A-Z][A-Z0-9_]*'\s*,\s*default\s*=\s*'([^']*)'\s*\)\s*\}\}$")


def _loader():
    class Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        pass

    def opaque(loader, node):
        return "<%s>" % node.tag

    Loader.add_constructor("!vault", opaque)
    Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
    return Loader


def load_yaml(path):
    with open(path) as handle:
        return yaml.load(handle, Loader=_loader())  # nosec - a SafeLoader subclass


def _rel(path, base):
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return path


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

    def _settings(self, directory):
        group_vars = os.path.join(directory, "group_vars")
        files = [os.path.join(group_vars, "all.yml"), os.path.join(group_vars, "all.yaml")]
        files += sorted(glob.glob(os.path.join(group_vars, "all", "*.yml")))
        files += sorted(glob.glob(os.path.join(group_vars, "all", "*.yaml")))
        settings = {}
        found = False
        for path in files:
            if not os.path.isfile(path):
                continue
            found = True
            try:
                data = load_yaml(path)
            except (yaml.YAMLError, OSError) as exc:
                self.error(path, "cannot be read as YAML: %s" % str(exc).replace("\n", " "))
                continue
            if data is None:
                continue
            if not isinstance(data, dict):
                self.error(path, "must be a mapping of variables")
                continue
            settings.update(data)
        if not found:
            self.error(directory, "has no environment settings (group_vars/all/*.yml)")
            return None
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

    def _inventory(self, name, directory):
        settings = self._settings(directory)
        if settings is None:
            return
        missing = [key for key in ENV_REQUIRED if key not in settings]
        if missing:
            self.error(directory, "environment settings lack %s" % ", ".join(missing))
        environment = settings.get("fusion_environment")
        try:
            _naming.validate_environment(environment)
        except _naming.NamingError as exc:
            if "fusion_environment" not in missing:
                self.error(directory, "fusion_environment: %s" % exc)
            environment = None
        account = self._account(directory, settings, "fusion_account_id") if "fusion_account_id" not in missing else None
        production = (self._account(directory, settings, "fusion_production_account_id")
                      if "fusion_production_account_id" not in missing else None)
        region = settings.get("fusion_region")
        if "fusion_region" not in missing and not (isinstance(region, str) and _REGION_RE.match(region)):
            self.error(directory, "fusion_region must be an AWS region such as us-east-1, got %r" % (region,))
        endpoint = settings.get("aws_endpoint_url")
        sandbox = settings.get("fusion_sandbox", False)
        if not isinstance(sandbox, bool):
            self.error(directory, "fusion_sandbox must be true or false, got %r" % (sandbox,))
            sandbox = False
        if "aws_endpoint_url" not in missing:
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
        backend = settings.get("fusion_secrets_backend")
        if "fusion_secrets_backend" not in missing and backend not in SECRETS_BACKENDS:
            self.error(directory, "fusion_secrets_backend must be one of %s, got %r" % (", ".join(SECRETS_BACKENDS), backend))
        if "ansible_connection" not in missing and settings.get("ansible_connection") != "local":
            self.error(directory, "ansible_connection must be local (orgs are not machines), got %r"
                       % (settings.get("ansible_connection"),))
        in_production = account is not None and production is not None and account == production
        if environment and account and production:
            self._fits(directory, environment, in_production)
        self.inventories[name] = dict(environment=environment, account_id=account, production_account_id=production,
                                      sandbox=sandbox, region=region, directory=directory)
        for path in sorted(glob.glob(os.path.join(directory, "*.yml")) + glob.glob(os.path.join(directory, "*.yaml"))):
            self._org_file(name, path, environment, in_production if account and production else None)

    def _fits(self, where, environment, in_production):
        if _naming.account_fits_environment(environment) and not in_production:
            self.error(where, "environment %s lives only in the POS Production account, but fusion_account_id "
                              "is not fusion_production_account_id" % environment)
            return False
        if not _naming.account_fits_environment(environment) and in_production:
            self.error(where, "environment %s never lives in the POS Production account (fusion_account_id is "
                              "fusion_production_account_id)" % environment)
            return False
        return True

    def _org_file(self, inventory, path, default_env, in_production):
        stem = os.path.splitext(os.path.basename(path))[0]
        try:
            data = load_yaml(path)
        except (yaml.YAMLError, OSError) as exc:
            self.error(path, "cannot be read as YAML: %s" % str(exc).replace("\n", " "))
            return
        shape = "an org file declares exactly one host, the org, in group orgs: {orgs: {hosts: {%s: {...}}}}" % stem
        named_like_org = re.match(r"^[a-z][a-z0-9]*$", stem) is not None
        if not named_like_org and not (isinstance(data, dict) and "orgs" in data):
            return  # not an org file (shared resources such as pos_hosts.yml have their own checks)
        if not isinstance(data, dict) or list(data) != ["orgs"] or not isinstance(data["orgs"], dict) \
                or list(data["orgs"]) != ["hosts"] or not isinstance(data["orgs"]["hosts"], dict) \
                or len(data["orgs"]["hosts"]) != 1:
            self.error(path, shape)
            return
        org, org_vars = list(data["orgs"]["hosts"].items())[0]
        org = str(org)
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

    def _org_vars(self, path, org, org_vars, default_env, in_production):
        title = org_vars.get("org_site_title")
        if not isinstance(title, str) or not title.strip():
            self.error(path, "org %s needs org_site_title (the client's site title, a non-empty string)" % org)
        environment = org_vars.get("fusion_environment", default_env)
        try:
            _naming.validate_environment(environment)
            if in_production is not None and "fusion_environment" in org_vars:
                self._fits(path, environment, in_production)
        except _naming.NamingError as exc:
            self.error(path, "fusion_environment: %s" % exc)
            environment = None
        sites = org_vars.get("org_sites", [])
        if not isinstance(sites, list):
            self.error(path, "org_sites must be a list of site IDs, got %r" % (sites,))
            sites = []
        elif len(set(map(str, sites))) != len(sites):
            self.error(path, "org_sites lists a site twice")
        placement = org_vars.get("org_placement", {})
        if not isinstance(placement, dict):
            self.error(path, "org_placement must be a mapping (mode, rds_instance, broker, pos_host), got %r" % (placement,))
            placement = {}
        for key, value in placement.items():
            if key not in PLACEMENT_KEYS:
                self.error(path, "org_placement: unknown key %s; one of %s" % (key, ", ".join(PLACEMENT_KEYS)))
            elif key == "mode":
                if value not in PLACEMENT_MODES:
                    self.error(path, "org_placement.mode must be one of %s, got %r" % (", ".join(PLACEMENT_MODES), value))
            else:
                try:
                    PLACEMENT_KEYS[key](value)
                except _naming.NamingError as exc:
                    self.error(path, "org_placement.%s: %s" % (key, exc))
        if "org_iam_access_key" in org_vars and not isinstance(org_vars["org_iam_access_key"], bool):
            self.error(path, "org_iam_access_key must be true or false, got %r" % (org_vars["org_iam_access_key"],))
        domain = org_vars.get("org_pos_domain", _naming.DEFAULT_POS_DOMAIN)
        try:
            # Every derived name is checked against its limit now, long before any AWS call.
            _naming.bucket_fallback_names(org)
            _naming.iam_user_name(org)
            _naming.org_vhosts(org, sites)
            _naming.tenant_host_name(org, domain)
            if environment:
                _naming.secret_path(environment, org, "db-login")
        except _naming.NamingError as exc:
            self.error(path, str(exc))
        return environment

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

    def org_table(self):
        table = {}
        for decls in self.orgs.values():
            for decl in decls:
                table.setdefault(decl["org"], dict(decl))
        return table


def inventory_root(path):
    """The directory holding the environment inventories, for a root or an inventory source."""
    path = os.path.abspath(path)
    if os.path.isfile(path):
        path = os.path.dirname(path)
    if os.path.isdir(os.path.join(path, "group_vars")) or glob.glob(os.path.join(path, "*.yml")):
        return os.path.dirname(path)
    return path


def resolve_run(tree, org, groups):
    """The orgs of a run; adds to ``tree.errors`` when the request is bad or unknown.

    ``org`` is what the run was asked for: org IDs or group names separated by ',' or ':' (no
    wildcards, exclusions or regular expressions); ``groups`` the loaded inventory's groups.
    Every item must name a declared org or a group of them.
    """
    if org is None or not org.strip():
        tree.errors.append("no org given: run ansible-playbook provision.yml -e org=<org ID or group such as orgs>")
        return []
    groups = groups or {}
    loaded = set(groups.get("all", []))
    table = tree.org_table()
    run = set()
    for item in [part.strip() for part in re.split(r"[,:]", org)]:
        if item in groups and item not in loaded:
            run.update(groups[item])
            continue
        try:
            _naming.validate_org_id(item)
        except _naming.NamingError:
            tree.errors.append("invalid org %r: %s (or the name of a group of orgs)" % (item, _naming.ORG_ID_RULE))
            continue
        if item in loaded:
            run.add(item)
        elif item in table:
            tree.errors.append("org %s is declared in inventory %s, not in the inventory of this run: run with -i %s"
                               % (item, table[item]["inventory"], os.path.dirname(table[item]["file"])))
        else:
            tree.errors.append("unknown org %r: not declared in the inventory of this run (declared orgs: %s)"
                               % (item, ", ".join(sorted(name for name in table if name in loaded)) or "none"))
    for host in sorted(run):
        if host not in table or host not in groups.get("orgs", []):
            tree.errors.append("%s is not a declared org: an org is one file <org>.yml in group orgs" % host)
    if not run and not tree.errors:
        tree.errors.append("%r names no org" % org)
    return sorted(run)


def check(path, org=None, groups=None):
    tree = Tree(inventory_root(path))
    run = resolve_run(tree, org, groups) if org is not None else []
    return tree, run


ARGUMENT_SPEC = dict(path=dict(type="path", required=True), org=dict(type="str"),
                     groups=dict(type="dict", default={}))


def result_of(path, org=None, groups=None):
    """The module result (also what the action plugin of the same name returns, in-process)."""
    tree, run = check(path, org, groups)
    result = dict(changed=False, orgs=tree.org_table(), inventories=tree.inventories, run_orgs=run)
    if tree.errors:
        result.update(failed=True, errors=tree.errors,
                      msg="inventory check failed: " + " | ".join(tree.errors))
    return result


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if YAML_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    result = result_of(module.params["path"], module.params["org"], module.params["groups"])
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
