# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SQL Server plumbing of fusion.pos: the driver, quoting, the catalog read and the pure plan.

- ``connect()``: a DB-API connection with TLS (python-tds, ``cafile`` + host-name validation), or,
  only when the environment variable ``FUSION_POS_MSSQL_CONNECT=module:function`` is set, the
  connection that callable returns (the test hook: ``tests/lib/fake_mssql.py``).
- ``quote_name()``: QUOTENAME-equivalent bracket quoting (``]`` doubled) for every identifier
  that has to appear in a statement's text; values (names in WHERE clauses, passwords) are always
  parameters (python-tds sends them through ``sp_executesql``).
- ``read_catalog(conn, names)``: the facts (database, login, the user in the database and its
  roles, users mapped to the login in other databases); ``plan(facts, wanted, state)``: the
  ordered ``Statement`` list that makes the catalog what is wanted, pure (no connection, no
  password: the password is the ``PASSWORD`` placeholder, filled in by ``execute()`` only).
- The password statements build ``CREATE/ALTER LOGIN ... WITH PASSWORD`` on the server with
  ``QUOTENAME(@login)`` and ``QUOTENAME(@password, '''')`` and run it with ``sp_executesql``: the
  password is a parameter and never part of any statement text the client sends or reports.
- ``sanitize()``: driver exceptions become one line with every secret masked.

See docs/sqlserver.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import socket

from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError

try:
    import pytds
    HAS_PYTDS = True
    PYTDS_IMPORT_ERROR = None
except ImportError as _exc:  # the module fails with missing_required_lib-like text when it must connect
    pytds = None
    HAS_PYTDS = False
    PYTDS_IMPORT_ERROR = str(_exc)

CONNECT_HOOK_ENV = "FUSION_POS_MSSQL_CONNECT"
DEFAULT_PORT = 1433
LOGIN_FAILED = 18456
MASK = "********"
NAME_MAX = 128
DB_OWNER = "db_owner"
DRIVER_REQUIREMENT = "python-tds and pyOpenSSL (pip install python-tds pyOpenSSL)"


class MssqlError(FusionModuleError):
    """A one-line SQL Server failure (message already sanitised)."""


class LoginFailed(MssqlError):
    """SQL Server refused the user name/password (error 18456)."""


class Unreachable(MssqlError):
    """No TDS session could be opened (network, timeout, TLS)."""


def quote_name(name):
    """``[name]`` with ``]`` doubled: T-SQL's QUOTENAME(name) done on the client."""
    if not isinstance(name, str) or not name or len(name) > NAME_MAX or "\x00" in name:
        raise MssqlError("invalid SQL Server identifier %r: 1 to %d characters, no NUL" % (name, NAME_MAX))
    return "[" + name.replace("]", "]]") + "]"


class _Password:
    """The placeholder for the login's password in a planned statement's parameters."""

    def __repr__(self):
        return MASK


PASSWORD = _Password()


class Statement:
    """One statement of a plan: ``kind``, ``sql`` (pyformat ``%(name)s`` parameters) and ``params``.

    ``changes`` is False for a context switch (``USE``). ``params`` may hold ``PASSWORD``.
    """

    def __init__(self, kind, sql, params=None, changes=True):
        self.kind = kind
        self.sql = sql
        self.params = dict(params or {})
        self.changes = changes

    def server_text(self):
        """The statement as the server sees it: each parameter ``%(name)s`` as variable ``@name``."""
        return self.sql % dict((name, "@" + name) for name in self.params)

    def as_dict(self):
        """What may be reported: kind, text and parameters, the password masked."""
        return {"kind": self.kind, "sql": self.sql,
                "params": dict((key, MASK if value is PASSWORD else value) for key, value in self.params.items())}

    def __repr__(self):
        return "Statement(%r, %r, %r)" % (self.kind, self.sql, self.as_dict()["params"])


# --- statements ------------------------------------------------------------------------------

# Built on the server: QUOTENAME() returns NULL for more than 128 characters, so a NULL statement
# is an error rather than a silent no-op of sp_executesql.
_NULL_GUARD = "IF @stmt IS NULL THROW 50000, N'fusion.pos: a name or the password is longer than 128 characters', 1;\n"
CREATE_LOGIN_SQL = (
    "DECLARE @stmt nvarchar(max) = N'CREATE LOGIN ' + QUOTENAME(%(login)s) + N' WITH PASSWORD = ' + QUOTENAME(%(password)s, N'''')"
    " + N', DEFAULT_DATABASE = ' + QUOTENAME(%(database)s) + N', CHECK_EXPIRATION = OFF, CHECK_POLICY = OFF';\n"
    + _NULL_GUARD + "EXEC sys.sp_executesql @stmt;"
)
ALTER_LOGIN_PASSWORD_SQL = (
    "DECLARE @stmt nvarchar(max) = N'ALTER LOGIN ' + QUOTENAME(%(login)s) + N' WITH PASSWORD = ' + QUOTENAME(%(password)s, N'''');\n"
    + _NULL_GUARD + "EXEC sys.sp_executesql @stmt;"
)


def use(database):
    return Statement("use", "USE %s" % quote_name(database), changes=False)


def create_database(database):
    return Statement("create_database", "CREATE DATABASE %s" % quote_name(database))


def drop_database(database):
    return Statement("drop_database", "DROP DATABASE %s" % quote_name(database))


def create_login(login, database):
    quote_name(login)
    quote_name(database)
    return Statement("create_login", CREATE_LOGIN_SQL, {"login": login, "password": PASSWORD, "database": database})


def alter_login_password(login):
    quote_name(login)
    return Statement("alter_login_password", ALTER_LOGIN_PASSWORD_SQL, {"login": login, "password": PASSWORD})


def alter_login(kind, login, clause):
    return Statement(kind, "ALTER LOGIN %s %s" % (quote_name(login), clause))


def drop_login(login):
    return Statement("drop_login", "DROP LOGIN %s" % quote_name(login))


def create_user(user, login):
    return Statement("create_user", "CREATE USER %s FOR LOGIN %s" % (quote_name(user), quote_name(login)))


def alter_user_login(user, login):
    return Statement("alter_user_login", "ALTER USER %s WITH LOGIN = %s" % (quote_name(user), quote_name(login)))


def drop_user(user):
    return Statement("drop_user", "DROP USER %s" % quote_name(user))


def role_member(action, role, member, server=False):
    kind = "%s_%srole_member" % (action.lower(), "server_" if server else "")
    text = "ALTER %sROLE %s %s MEMBER %s" % ("SERVER " if server else "", quote_name(role), action.upper(), quote_name(member))
    return Statement(kind, text)


# --- catalog -----------------------------------------------------------------------------------

SQL_DATABASE = "SELECT name FROM sys.databases WHERE name = %(database)s"
SQL_LOGIN = (
    "SELECT sp.type_desc, sp.is_disabled, sp.default_database_name, sp.sid, sl.is_expiration_checked, sl.is_policy_checked "
    "FROM sys.server_principals AS sp LEFT JOIN sys.sql_logins AS sl ON sl.principal_id = sp.principal_id "
    "WHERE sp.name = %(login)s"
)
SQL_SERVER_ROLES = (
    "SELECT r.name FROM sys.server_role_members AS m "
    "JOIN sys.server_principals AS r ON r.principal_id = m.role_principal_id "
    "JOIN sys.server_principals AS l ON l.principal_id = m.member_principal_id "
    "WHERE l.name = %(login)s ORDER BY r.name"
)
SQL_ACCESSIBLE_DATABASES = "SELECT name FROM sys.databases WHERE state_desc = N'ONLINE' AND HAS_DBACCESS(name) = 1 ORDER BY name"
SQL_DATABASE_USERS = (
    "SELECT dp.name, dp.sid FROM {db}.sys.database_principals AS dp "
    "WHERE dp.type IN (N'S', N'U', N'G') AND (dp.sid = %(sid)s OR dp.name = %(user)s) ORDER BY dp.name"
)
SQL_USER_ROLES = (
    "SELECT r.name FROM {db}.sys.database_role_members AS m "
    "JOIN {db}.sys.database_principals AS r ON r.principal_id = m.role_principal_id "
    "JOIN {db}.sys.database_principals AS u ON u.principal_id = m.member_principal_id "
    "WHERE u.name = %(user)s ORDER BY r.name"
)


def query(conn, sql, params=None):
    cursor = conn.cursor()
    try:
        cursor.execute(sql, dict(params or {}))
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def read_catalog(conn, names):
    """The catalog facts about ``names`` (``database``, ``login``, ``user``); reads only.

    Returns ``(facts, sid)``: ``facts`` is what check mode and ``--diff`` show (no SID, no
    password); ``sid`` the login's SID (None when there is no login), for the password test.
    """
    database, login, user = names["database"], names["login"], names["user"]
    db_exists = bool(query(conn, SQL_DATABASE, {"database": database}))
    facts = {
        "database": {"name": database, "exists": db_exists},
        "login": {"name": login, "exists": False},
        "user": {"name": user, "exists": False},
        "other_users": [],
    }
    sid = None
    rows = query(conn, SQL_LOGIN, {"login": login})
    if rows:
        type_desc, disabled, default_db, sid, expiration, policy = rows[0]
        facts["login"] = {
            "name": login, "exists": True, "type": type_desc, "is_disabled": bool(disabled),
            "default_database": default_db, "is_expiration_checked": bool(expiration), "is_policy_checked": bool(policy),
            "server_roles": [row[0] for row in query(conn, SQL_SERVER_ROLES, {"login": login})],
            "password": "not checked",
        }
    databases = [row[0] for row in query(conn, SQL_ACCESSIBLE_DATABASES)] if sid is not None else []
    if db_exists and database not in databases:
        databases.append(database)
    for name in sorted(databases):
        for user_name, user_sid in query(conn, SQL_DATABASE_USERS.format(db=quote_name(name)), {"sid": sid, "user": user}):
            mapped = sid is not None and user_sid == sid
            if name == database and user_name == user:
                roles = [row[0] for row in query(conn, SQL_USER_ROLES.format(db=quote_name(name)), {"user": user})]
                facts["user"] = {"name": user, "exists": True, "mapped_to_login": mapped, "roles": roles}
            elif mapped:
                facts["other_users"].append({"database": name, "user": user_name})
    return facts, sid


def wanted_facts(facts, wanted, state):
    """The facts a run leaves behind (the ``after`` of ``--diff``)."""
    database, login, user = wanted["database"], wanted["login"], wanted["user"]
    if state == "absent":
        exists = facts["database"]["exists"] and not wanted.get("drop_database")
        return {"database": {"name": database, "exists": exists}, "login": {"name": login, "exists": False},
                "user": {"name": user, "exists": False}, "other_users": []}
    return {
        "database": {"name": database, "exists": True},
        "login": {"name": login, "exists": True, "type": "SQL_LOGIN", "is_disabled": False, "default_database": database,
                  "is_expiration_checked": False, "is_policy_checked": False, "server_roles": [], "password": "matches"},
        "user": {"name": user, "exists": True, "mapped_to_login": True, "roles": [DB_OWNER]},
        "other_users": [],
    }


def _in(database, statements, current):
    """Statements to run in ``database``, preceded by ``USE`` when the context differs."""
    if not statements:
        return [], current
    prefix = [use(database)] if current != database else []
    return prefix + statements, database


def plan(facts, wanted, state):
    """The ordered statements that make the catalog ``wanted`` (pure: no connection, no password).

    ``wanted``: ``database``, ``login``, ``user`` and, for ``state=absent``, ``drop_database``.
    Context switches (``USE``) are part of the plan; it ends in ``master`` when it left it.
    """
    database, login, user = wanted["database"], wanted["login"], wanted["user"]
    have_db, have_login, have_user = facts["database"], facts["login"], facts["user"]
    if have_login["exists"] and have_login.get("type") != "SQL_LOGIN":
        raise MssqlError("login %s exists as a %s, not a SQL-authentication login: fusion.pos does not replace it; "
                         "drop it by hand" % (login, have_login.get("type")))
    current = "master"
    out = []

    def add(db, statements):
        nonlocal current
        more, current = _in(db, statements, current)
        out.extend(more)

    by_database = {}
    for other in facts["other_users"]:
        by_database.setdefault(other["database"], []).append(drop_user(other["user"]))

    if state == "absent":
        for db in sorted(by_database):
            add(db, by_database[db])
        if have_user["exists"] and have_db["exists"] and not wanted.get("drop_database"):
            add(database, [drop_user(user)])
        master = []
        if have_login["exists"]:
            master.append(drop_login(login))
        if wanted.get("drop_database") and have_db["exists"]:
            master.append(drop_database(database))
        add("master", master)
        return out

    # Users of the login under other names (other databases, or its own under another name) go first:
    # SQL Server allows one user per login and database (error 15063).
    for db in sorted(by_database):
        add(db, by_database[db])
    master = []
    if not have_db["exists"]:
        master.append(create_database(database))
    if not have_login["exists"]:
        master.append(create_login(login, database))
    else:
        if have_login["is_expiration_checked"]:
            master.append(alter_login("alter_login_check_expiration", login, "WITH CHECK_EXPIRATION = OFF"))
        if have_login["is_policy_checked"]:
            master.append(alter_login("alter_login_check_policy", login, "WITH CHECK_POLICY = OFF"))
        if have_login.get("password") != "matches":
            master.append(alter_login_password(login))
        if have_login["default_database"] != database:
            master.append(alter_login("alter_login_default_database", login, "WITH DEFAULT_DATABASE = %s" % quote_name(database)))
        if have_login["is_disabled"]:
            master.append(alter_login("enable_login", login, "ENABLE"))
        for role in have_login["server_roles"]:
            master.append(role_member("drop", role, login, server=True))
    add("master", master)
    in_db = []
    if not have_user["exists"]:
        in_db += [create_user(user, login), role_member("add", DB_OWNER, user)]
    else:
        if not have_user["mapped_to_login"]:
            in_db.append(alter_user_login(user, login))
        if DB_OWNER not in have_user["roles"]:
            in_db.append(role_member("add", DB_OWNER, user))
        in_db += [role_member("drop", role, user) for role in have_user["roles"] if role != DB_OWNER]
    add(database, in_db)
    if current != "master":
        out.append(use("master"))
    return out


def changing(statements):
    return [statement for statement in statements if statement.changes]


def execute(conn, statements, password, secrets=()):
    """Run ``statements`` in order (``PASSWORD`` replaced by ``password``); stops at the first error."""
    for index, statement in enumerate(statements):
        params = dict((key, password if value is PASSWORD else value) for key, value in statement.params.items())
        cursor = conn.cursor()
        try:
            cursor.execute(statement.sql, params)
        except Exception as exc:  # pylint: disable=broad-except  # the driver's errors: one sanitised line
            raise MssqlError("statement %d of %d (%s) failed: %s"
                             % (index + 1, len(statements), statement.kind, sanitize(exc, list(secrets) + [password])))
        finally:
            params = None
            cursor.close()


# --- connections -------------------------------------------------------------------------------

def sanitize(exc, secrets=()):
    """One line for a driver exception, every secret masked, at most 300 characters."""
    text = "%s: %s" % (type(exc).__name__, exc)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = " ".join(text.split())
    return text[:300] + ("..." if len(text) > 300 else "")


def parse_endpoint(endpoint, default_port=DEFAULT_PORT):
    """``host[:port]`` -> (host, port)."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise MssqlError("invalid endpoint %r: host[:port]" % (endpoint,))
    host, sep, port = endpoint.strip().rpartition(":")
    if not sep:
        return endpoint.strip(), default_port
    if not port.isdigit() or not 0 < int(port) < 65536 or not host or ":" in host:
        raise MssqlError("invalid endpoint %r: host[:port], the port a number from 1 to 65535" % endpoint)
    return host, int(port)


def connector():
    """The function that opens a connection: the test hook when set, python-tds otherwise."""
    hook = os.environ.get(CONNECT_HOOK_ENV)
    if hook:
        module_name, sep, function = hook.partition(":")
        if not sep or not module_name or not function:
            raise MssqlError("%s=%r: expected module:function" % (CONNECT_HOOK_ENV, hook))
        try:
            return getattr(importlib.import_module(module_name), function)
        except (ImportError, AttributeError) as exc:
            raise MssqlError("%s=%r cannot be loaded: %s" % (CONNECT_HOOK_ENV, hook, exc))
    if not HAS_PYTDS:
        raise MssqlError("the SQL Server driver is missing: %s (%s)" % (DRIVER_REQUIREMENT, PYTDS_IMPORT_ERROR))
    return _pytds_connect


def _pytds_connect(server, port, user, password, database, cafile, validate_host, login_timeout):
    return pytds.connect(dsn=server, port=port, database=database, user=user, password=password, cafile=cafile,
                         validate_host=validate_host, login_timeout=login_timeout, timeout=max(login_timeout, 60),
                         autocommit=True, enc_login_only=False, appname="fusion.pos")


def _is_login_failure(exc):
    return getattr(exc, "number", None) == LOGIN_FAILED or type(exc).__name__ == "LoginError"


def _is_network_failure(exc):
    name = type(exc).__name__
    return (isinstance(exc, (OSError, socket.timeout)) or name in ("ClosedConnectionError", "TimeoutError")
            or type(exc).__module__.startswith("OpenSSL") or "ertificate" in str(exc))


def open_connection(target, user, password, database="master", secrets=()):
    """A connection as ``user``; LoginFailed / Unreachable / MssqlError, each one sanitised line.

    ``target``: ``server``, ``port``, ``cafile``, ``validate_host``, ``login_timeout``, ``label``.
    """
    connect = connector()
    masked = list(secrets) + [password]
    try:
        return connect(server=target["server"], port=target["port"], user=user, password=password, database=database,
                       cafile=target["cafile"], validate_host=target["validate_host"], login_timeout=target["login_timeout"])
    except Exception as exc:  # pylint: disable=broad-except  # classified into one line below
        if _is_login_failure(exc):
            raise LoginFailed("SQL Server %s refused the login %s (wrong user name or password, or the login is disabled)"
                              % (target["label"], user))
        if _is_network_failure(exc):
            raise Unreachable("SQL Server %s is unreachable over TLS: %s" % (target["label"], sanitize(exc, masked)))
        raise MssqlError("SQL Server %s: cannot connect as %s: %s" % (target["label"], user, sanitize(exc, masked)))


def password_matches(target, login, password, secrets=()):
    """The password test: True when ``login`` can open a session with ``password`` (then closed)."""
    try:
        conn = open_connection(target, login, password, "master", secrets)
    except LoginFailed:
        return False
    try:
        conn.close()
    except Exception:  # pylint: disable=broad-except  # closing a session we only opened to test
        pass
    return True
