# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fusion.pos.fusion_tenant: the tenants of the orgs placed on one POS host, in its tenants.json.

Documented in plugins/modules/fusion_tenant.py; the tenant-list logic is plugin_utils/_tenant.py;
decisions in docs/tenant-and-dns.md. On the controller: the POS host's pinned version (its
PosVersion tag, one EC2 read), each org's RDS endpoint and database password (password manager),
the new tenant list, the masked diff. Through the task's connection (the POS host): one read of
tenants.json (slurp / win_slurp) and, only when a tenant differs and not in check mode, one run of
fusion_tenant_file (on Windows: plugin_utils/_tenant_file.ps1 through ansible.windows.win_powershell),
whose no_log arguments carry the passwords; they never reach a file, the output or a return value on
the controller.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _naming, _rds, _secrets, _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    BOTO3_IMPORT_ERROR, CONNECTION_ARGS, FusionAWSError, FusionModuleError,
)
from ansible_collections.fusion.pos.plugins.module_utils._module import Context
from ansible_collections.fusion.pos.plugins.plugin_utils import _tenant
from ansible_collections.fusion.pos.plugins.plugin_utils._controller import Arguments, validated_args

_CONNECTION = dict((key, dict((name, value) for name, value in spec.items() if name not in ("default", "fallback")))
                   for key, spec in CONNECTION_ARGS.items())

ARGUMENT_SPEC = dict(
    pos_host=dict(type="str", required=True),
    tenants_folder=dict(type="str", required=True),
    orgs=dict(type="list", elements="str", required=True),
    plan=dict(type="dict", required=True),
    secret_backend=dict(type="str", default=_secrets.DEFAULT_BACKEND, choices=list(_secrets.BACKENDS)),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    **_CONNECTION
)
ARGUMENTS = Arguments(ARGUMENT_SPEC)
LOGIN_PURPOSE = "db-login"
WINDOWS_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(_tenant.__file__)), "_tenant_file.ps1")
PENDING_PASSWORD = "(made by the secrets step of a real run)"


class TenantError(Exception):
    """The POS host's tenant list cannot be worked on at all (every org of the host fails with it)."""


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    # ---- on the host ---------------------------------------------------------------------------

    def _powershell(self):
        return getattr(self._connection._shell, "SHELL_FAMILY", "") == "powershell"  # pylint: disable=protected-access

    def _read_file(self, path, task_vars):
        """The file's text, None when it does not exist."""
        module = "ansible.windows.win_slurp" if self._powershell() else "ansible.builtin.slurp"
        answer = self._execute_module(module_name=module, module_args={"src": path}, task_vars=task_vars)
        if answer.get("failed"):
            msg = str(answer.get("msg") or "")
            if "not found" in msg.lower() or "does not exist" in msg.lower():
                return None
            raise TenantError("cannot read %s on the POS host: %s" % (path, " ".join(msg.split())))
        try:
            return base64.b64decode(answer["content"]).decode("utf-8")
        except (KeyError, ValueError) as exc:
            raise TenantError("cannot read %s on the POS host: %s" % (path, exc))

    def _write_file(self, path, text, secrets, task_vars):
        if self._powershell():
            # Windows: the script beside this code, run by ansible.windows.win_powershell
            with open(WINDOWS_SCRIPT) as handle:
                module, module_args = "ansible.windows.win_powershell", {
                    "script": handle.read(), "parameters": {"Path": path, "Content": text, "Secrets": secrets}}
        elif self._is_pipelining_enabled("new"):
            module, module_args = "fusion.pos.fusion_tenant_file", {"path": path, "content": text, "secrets": secrets}
        else:
            raise TenantError("the connection to the POS host must use pipelining (ansible_pipelining: true), so that "
                              "the passwords never land in a file on the controller")
        saved = self._task.no_log
        self._task.no_log = True   # the module's arguments go with _ansible_no_log
        try:
            answer = self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)
        finally:
            self._task.no_log = saved
        if answer.get("failed"):
            msg = (answer.get("result") or {}).get("msg") if isinstance(answer.get("result"), dict) else None
            raise TenantError("cannot write %s on the POS host: %s" % (path, " ".join(str(msg or answer.get("msg")).split())))

    # ---- on the controller ---------------------------------------------------------------------

    def _host_version(self, ctx, host):
        ec2 = ctx.client("ec2")
        instance = _ec2.find_one_by_name(_ec2.find_instances(ec2, host), host, "instances", "InstanceId")
        if not instance:
            raise TenantError("POS host %s: no live EC2 instance carries Name tag %s (shared.yml makes it)" % (host, host))
        version = _tags.to_dict(instance.get("Tags")).get("PosVersion")
        if not version:
            raise TenantError("POS host %s (%s) has no PosVersion tag (its pinned POS Server version; shared.yml sets it)"
                              % (host, instance["InstanceId"]))
        return version

    @staticmethod
    def _server(ctx, entry, cache):
        instance = entry.get("rds_instance")
        if not instance:
            raise FusionModuleError("org %s has no RDS instance (org_placement.rds_instance or fusion_default_rds_instance)"
                                    % entry["org"])
        if entry.get("rds_endpoint"):
            return _naming_endpoint(entry["rds_endpoint"])
        if instance not in cache:
            described = _rds.describe_instance(ctx.client("rds", entry.get("rds_region")), instance)
            endpoint = (described or {}).get("Endpoint") or {}
            if not endpoint.get("Address"):
                raise FusionModuleError("RDS instance %s has no endpoint (missing, or not available yet)" % instance)
            cache[instance] = (endpoint["Address"], endpoint.get("Port") or _tenant.DEFAULT_PORT)
        return cache[instance]

    def _password(self, store, entry, check_mode):
        path = _naming.secret_path(entry["environment"], entry["org"], LOGIN_PURPOSE)
        found = _secrets.read_credentials(store, path)
        if found is None:
            if check_mode:
                return PENDING_PASSWORD
            raise FusionModuleError("org %s: password %s is not in the password manager (the secrets step makes it)"
                                    % (entry["org"], path))
        return found["password"]

    def _add(self, ctx, args, path, host, results, check_mode, diff, task_vars):
        """state=present: each org's tenant in the host's list. Returns the new document (None when no
        org got as far as its entry); fills ``results``."""
        orgs = args["orgs"]
        pinned = self._host_version(ctx, host)
        # 1. refusals, before any change
        wanted = {}
        for org in orgs:
            entry = args["plan"][org]
            version = entry.get("pos_version") or pinned
            if version != pinned:
                results[org] = dict(failed=True, changed=False, msg="org %s: POS version %s differs from the version pinned "
                                    "on POS host %s (PosVersion %s); refused, nothing changed" % (org, version, host, pinned))
            else:
                wanted[org] = entry
        # 2. each accepted org's tenant entry (password in memory only)
        store = _secrets.store(ctx, args["secret_backend"]) if wanted else None
        endpoints, entries, passwords = {}, {}, {}
        for org, entry in wanted.items():
            try:
                server, port = self._server(ctx, entry, endpoints)
                passwords[org] = self._password(store, entry, check_mode)
                host_name = (entry["tenant_host"] if "tenant_host" in entry
                             else _naming.tenant_host_name(org, entry.get("pos_domain") or _naming.DEFAULT_POS_DOMAIN))
                entries[org] = _tenant.tenant_entry(
                    host_name or "",
                    _tenant.connection_string(server, port, entry.get("db_name") or _naming.org_db_name(org),
                                              entry.get("db_login") or _naming.org_db_login(org), passwords[org]),
                    recipe=entry.get("recipe") or _tenant.RECIPE)
            except (FusionAWSError, FusionModuleError, _naming.NamingError) as exc:
                results[org] = dict(failed=True, changed=False, msg=str(exc))
        # 3. the host's list and the new list
        document = _tenant.parse_document(self._read_file(path, task_vars)) if entries else None
        new = document
        for org, settings in entries.items():
            new, before, after = _tenant.merge(new, org, settings)
            mine = dict(changed=before != after, tenant=org, host_name=settings["RequestUrlHost"], file=path, pos_host=host,
                        pos_version=pinned, created=before is None)
            if diff:
                header = "tenant %s in %s on %s" % (org, path, host)
                mine["diff"] = dict(before=_tenant.masked(before, passwords[org]) or {},
                                    after=_tenant.masked(after, passwords[org]), before_header=header, after_header=header)
            results[org] = mine
        return new

    def _remove(self, path, host, orgs, results, diff, task_vars):
        """state=absent: the orgs' tenants taken out of the host's list. Returns the new document; fills ``results``.

        No AWS call and no password is read: the other tenants' passwords go back to the host as the
        same no_log placeholders as in a present run.
        """
        new = _tenant.parse_document(self._read_file(path, task_vars))
        for org in orgs:
            new, before = _tenant.remove(new, org)
            mine = dict(changed=before is not None, tenant=org, file=path, pos_host=host, removed=before is not None)
            if diff:
                header = "tenant %s in %s on %s" % (org, path, host)
                mine["diff"] = dict(before=_tenant.masked(before) or {}, after={}, before_header=header, after_header=header)
            results[org] = mine
        return new

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        result["module"] = "fusion_tenant"   # what a registered loop of this action says it is
        _validation, args = validated_args(self, ARGUMENTS)
        if BOTO3_IMPORT_ERROR:
            raise AnsibleActionFail("fusion_tenant needs boto3 on the controller (pip install boto3)")
        check_mode, diff, absent = self._task.check_mode, self._task.diff, args["state"] == "absent"
        host, orgs = args["pos_host"], args["orgs"]
        results = dict((org, None) for org in orgs)
        path = self._connection._shell.join_path(args["tenants_folder"], _tenant.FILE_NAME)  # pylint: disable=protected-access
        ctx = Context(dict((key, args.get(key)) for key in CONNECTION_ARGS))
        try:
            _naming.validate_pos_host(host)
            if not args["tenants_folder"].strip():
                raise TenantError("no MonitorTenantsFolder declared (host variable pos_monitor_tenants_folder)")
            for org in orgs:
                if org not in args["plan"]:
                    raise TenantError("org %s has no entry in the plan given to the task" % org)
            if absent:
                new = self._remove(path, host, orgs, results, diff, task_vars)
            else:
                new = self._add(ctx, args, path, host, results, check_mode, diff, task_vars)
            # one write when anything differs
            if not check_mode and any(item and item.get("changed") for item in results.values()):
                text, secrets = _tenant.render(new)
                self._write_file(path, text, secrets, task_vars)
        except (TenantError, _tenant.TenantFileError, FusionAWSError, FusionModuleError, _naming.NamingError) as exc:
            line = "POS host %s: %s" % (host, " ".join(str(exc).split())) if not str(exc).startswith("POS host") else str(exc)
            for org in orgs:
                if not (results[org] or {}).get("failed"):
                    results[org] = dict(failed=True, changed=False, msg=line)
            result.update(failed=True, changed=False, msg=line, results=results, file=path)
            return result
        failed = sorted(org for org, item in results.items() if item.get("failed"))
        changed = sorted(org for org, item in results.items() if item.get("changed") and not item.get("failed"))
        result.update(changed=bool(changed), results=results, file=path, pos_host=host, orgs_changed=changed, orgs_failed=failed,
                      msg="tenants on %s: %d %s, %d failed" % (host, len(changed), "removed" if absent else "changed", len(failed)))
        if failed:
            result.update(failed=True, msg="; ".join(results[org]["msg"] for org in failed))
        return result


def _naming_endpoint(text):
    """``host[:port]`` -> ``(host, port)``."""
    host, sep, port = str(text).strip().rpartition(":")
    if not sep:
        return str(text).strip(), _tenant.DEFAULT_PORT
    if not port.isdigit() or not host:
        raise FusionModuleError("invalid RDS endpoint override %r: host[:port]" % text)
    return host, int(port)
