# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A database and its login on a shared RDS SQL Server (``fusion.pos.fusion_mssql_database``).

For an org (``POS_<org>`` / ``POS_<org>_user``) or a POS host's tenant manager (``POS_<host>`` /
``POS_<host>_user``) on instance ``db-POS-NN``: the endpoint from RDS (or ``endpoint``), the
master credentials and the login's password from the password manager, then ``_mssql``:
``read_catalog`` -> ``plan`` -> ``execute`` (nothing executed in check mode). ``RESOURCE`` is what
the module runs. See docs/sqlserver.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.fusion.pos.plugins.module_utils import _mssql
from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils import _rds
from ansible_collections.fusion.pos.plugins.module_utils import _secrets
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._generated_secret import secret_tags
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

LOGIN_PURPOSE = "db-login"
MASTER_PURPOSE = "master"


def names_of(params):
    """``(owner, {database, login, user})`` from ``org`` or ``pos_host`` (``_naming`` only)."""
    if params.get("org") is not None:
        owner = params["org"]
        database, login = _naming.org_db_name(owner), _naming.org_db_login(owner)
    else:
        owner = params["pos_host"]
        database, login = _naming.tenant_manager_db_name(owner), _naming.tenant_manager_login(owner)
    return owner, {"database": database, "login": login, "user": login}


def validate(params):
    environment = _naming.validate_environment(params["environment"])
    owner, names = names_of(params)
    instance = _naming.validate_rds_instance(params["instance"])
    _naming.secret_path(environment, owner, LOGIN_PURPOSE)
    _naming.secret_path(environment, instance, MASTER_PURPOSE)
    if params["state"] == "absent" and _naming.account_fits_environment(environment):
        raise FusionModuleError("%s on %s: state=absent is refused in the %s environment (production and staging "
                                "databases are never dropped by fusion.pos)" % (names["database"], instance, environment))
    if params["endpoint"]:
        _mssql.parse_endpoint(params["endpoint"])
    if params["connect"] and not os.path.isfile(params["ca_bundle"] or ""):
        raise FusionModuleError("%s on %s: ca_bundle %r is not a readable file (the RDS CA bundle, PEM, used to validate "
                                "the server certificate)" % (names["database"], instance, params["ca_bundle"]))


def _endpoint(ctx, instance):
    """``(host, port)`` of the instance: RDS's endpoint, or the override ``endpoint``."""
    described = _rds.describe_instance(ctx.client("rds"), instance)
    if described is None:
        raise FusionModuleError("RDS instance %s does not exist in region %s: declare it in the inventory's shared "
                                "declaration and run shared.yml first" % (instance, ctx.params["region"] or "(default)"))
    endpoint = described.get("Endpoint") or {}
    port = endpoint.get("Port") or _mssql.DEFAULT_PORT
    if ctx.params["endpoint"]:
        return _mssql.parse_endpoint(ctx.params["endpoint"], port), described
    if not endpoint.get("Address"):
        raise FusionModuleError("RDS instance %s has no endpoint yet (status %s): wait until it is available"
                                % (instance, described.get("DBInstanceStatus")))
    return (endpoint["Address"], port), described


def _login_password(ctx, store, path, owner, tags):
    """The login's password (created when missing); None in check mode when it would be created."""
    def generate():
        return _secrets.generate_password()

    changed, before, after, _info = _secrets.ensure_secret(
        store, path, tags, generate, ctx.check_mode, description="Password of the SQL Server login of %s (fusion.pos)" % owner)
    password = None if (changed and ctx.check_mode and before == {"exists": False}) else store.get(path)
    if password is not None:
        ctx.no_log_values.add(password)
        if len(password) > _mssql.NAME_MAX:
            raise FusionModuleError("the password stored at %s is longer than SQL Server's 128 characters" % path)
    return changed, before, after, password


def work(ctx):
    params = ctx.params
    environment, instance, state = params["environment"], params["instance"], params["state"]
    owner, names = names_of(params)
    login_path = _naming.secret_path(environment, owner, LOGIN_PURPOSE)
    master_path = _naming.secret_path(environment, instance, MASTER_PURPOSE)
    result = dict(database=names["database"], login=names["login"], user=names["user"], instance=instance,
                  password_secret=login_path, master_secret=master_path, statements=[], changed=False)
    if not params["connect"]:
        result.update(sql_server_reachable=False, endpoint=params["endpoint"] or "",
                      msg="no SQL Server is reachable in the sandbox (connect=false): database %s and login %s on %s "
                          "were not checked or made" % (names["database"], names["login"], instance))
        return result

    (host, port), described = _endpoint(ctx, instance)
    label = "%s (%s:%d)" % (instance, host, port)
    store = _secrets.module_store(ctx)
    master = _secrets.read_credentials(store, master_path)
    if master is None:
        raise FusionModuleError("the master credentials of RDS instance %s are not in the password manager (%s): "
                                "shared.yml stores them when it creates the instance" % (instance, master_path))
    ctx.no_log_values.add(master["password"])
    master_user = master["username"] or described.get("MasterUsername")

    secret = (False, {"exists": True}, {"exists": True}, None)
    password = None
    if state == "present":
        secret = _login_password(ctx, store, login_path, owner, secret_tags(owner, {}))
        password = secret[3]
    secrets = [master["password"]] + ([password] if password else [])
    target = dict(server=host, port=port, cafile=params["ca_bundle"], validate_host=params["validate_hostname"],
                  login_timeout=params["login_timeout"], label=label)
    try:
        conn = _mssql.open_connection(target, master_user, master["password"], "master", secrets)
    except _mssql.LoginFailed:
        raise FusionModuleError("SQL Server %s refused the master user %s: wrong master credentials in %s"
                                % (label, master_user, master_path))
    try:
        try:
            facts, _sid = _mssql.read_catalog(conn, names)
        except _mssql.MssqlError:
            raise
        except Exception as exc:  # pylint: disable=broad-except  # driver errors: one sanitised line
            raise _mssql.MssqlError("reading the catalog of %s failed: %s" % (label, _mssql.sanitize(exc, secrets)))
        login = facts["login"]
        if state == "present" and login["exists"]:
            if password is None or login["is_disabled"]:
                login["password"] = "unknown"  # a disabled login cannot be tested: it is reset with the enabling
            else:
                same = _mssql.password_matches(target, names["login"], password, secrets)
                login["password"] = "matches" if same else "differs"
        wanted = dict(names, drop_database=params["drop_database"])
        statements = _mssql.plan(facts, wanted, state)
        to_run = _mssql.changing(statements)
        if to_run and not ctx.check_mode:
            _mssql.execute(conn, statements, password, secrets)
    finally:
        try:
            conn.close()
        except Exception:  # pylint: disable=broad-except  # a session that is going away anyway
            pass

    after = _mssql.wanted_facts(facts, wanted, state)
    result.update(
        changed=bool(to_run) or secret[0],
        sql_server_reachable=True,
        endpoint="%s:%d" % (host, port),
        catalog=facts,
        statements=[statement.as_dict() for statement in statements],
        changing_statements=len(to_run),
    )
    if ctx.diff:
        header = "%s and %s on %s" % (names["database"], names["login"], instance)
        before_all = dict(facts, password_secret=secret[1])
        after_all = dict(after, password_secret=secret[2])
        result["diff"] = {"before": before_all, "after": after_all, "before_header": header, "after_header": header}
    return result


RESOURCE = Resource(
    "fusion_mssql_database",
    dict(
        org=dict(type="str"),
        pos_host=dict(type="str"),
        environment=dict(type="str", required=True, choices=list(_naming.ENVIRONMENTS)),
        instance=dict(type="str", required=True),
        endpoint=dict(type="str"),
        ca_bundle=dict(type="path"),
        validate_hostname=dict(type="bool", default=True),
        login_timeout=dict(type="int", default=15),
        connect=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        drop_database=dict(type="bool", default=False),
        **_secrets.PASSWORD_MANAGER_ARGS
    ),
    work,
    validate=validate,
    mutually_exclusive=[("org", "pos_host")],
    required_one_of=[("org", "pos_host")],
)
