"""A fake SQL Server for fusion.pos tests: a DB-API connection that keeps catalog state.

No SQL Server can run on the project's machines, so ``fusion_mssql_database`` is tested against
this: ``connect(**kwargs)`` (the same keywords as ``_mssql.open_connection`` passes to python-tds)
returns a connection whose ``cursor().execute(sql, params)`` applies what fusion.pos sends with
SQL Server's semantics (the errors it would raise included) and rejects anything it does not
understand, so an unexpected statement fails the test.

- State lives in a JSON file (``FUSION_POS_FAKE_MSSQL_STATE`` or ``FakeServer(path)``), so several
  ``ansible-playbook`` runs share it. Passwords are kept as SHA-256 digests only (like the
  server's hashes), and the statement log holds statement texts, never parameter values.
- Understood: ``CREATE/DROP DATABASE``, ``CREATE/ALTER/DROP LOGIN`` (``ENABLE``, ``DISABLE``,
  ``WITH PASSWORD/DEFAULT_DATABASE/CHECK_EXPIRATION/CHECK_POLICY``), ``CREATE/ALTER/DROP USER``,
  ``ALTER [SERVER] ROLE ... ADD/DROP MEMBER``, ``USE``, the server-side built statement
  ``DECLARE @stmt nvarchar(max) = <N'...' + QUOTENAME(@p[, N''''])...>; IF @stmt IS NULL THROW ...;
  EXEC sys.sp_executesql @stmt;`` (evaluated, then run) and the catalog SELECTs of ``_mssql``.
  Identifiers must be bracket-quoted; only keywords may be bare.
- Connecting checks the user's password digest and that TLS was asked for (``cafile``); a login
  that is disabled or whose password differs fails with error 18456, like the server.
- Test hook: ``FUSION_POS_MSSQL_CONNECT=fake_mssql:connect`` with ``tests/lib`` on ``PYTHONPATH``.
"""

import hashlib
import json
import os
import re

STATE_ENV = "FUSION_POS_FAKE_MSSQL_STATE"
SYSTEM_DATABASES = ("master", "model", "msdb", "tempdb")
DATABASE_ROLES = ("db_accessadmin", "db_backupoperator", "db_datareader", "db_datawriter", "db_ddladmin",
                  "db_denydatareader", "db_denydatawriter", "db_owner", "db_securityadmin")
SERVER_ROLES = ("bulkadmin", "dbcreator", "diskadmin", "processadmin", "securityadmin", "serveradmin", "setupadmin",
                "sysadmin")


class FakeSqlError(Exception):
    """An error as SQL Server (or the TDS client) would raise it, with its error ``number``."""

    def __init__(self, number, message):
        super().__init__("(%d) %s" % (number, message))
        self.number = number


def digest(password):
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def empty_state():
    return {
        "master": None,
        "unreachable": False,
        "next_sid": 1,
        "logins": {},
        "server_role_members": {},
        "databases": dict((name, {"users": {}, "role_members": {}}) for name in SYSTEM_DATABASES),
        "log": [],
        "counts": {"connections": 0, "statements": 0, "changing": 0, "selects": 0},
    }


class FakeServer:
    """The state file and helpers for tests (seeding, drift, read-back)."""

    def __init__(self, path):
        self.path = str(path)

    def load(self):
        if not os.path.exists(self.path):
            return empty_state()
        with open(self.path, encoding="utf-8") as handle:
            return json.load(handle)

    def save(self, state):
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.path)

    def seed(self, master_user, master_password):
        state = empty_state()
        state["master"] = {"user": master_user, "password_sha256": digest(master_password)}
        self.save(state)

    def update(self, **values):
        state = self.load()
        state.update(values)
        self.save(state)

    def run(self, *statements):
        """Run statements as the master (drift set-up), without counting them."""
        conn = FakeConnection(self, None, master=True, count=False)
        for sql in statements:
            conn.cursor().execute(sql, {})

    def reset_counts(self):
        state = self.load()
        state["counts"] = dict((key, 0) for key in state["counts"])
        state["log"] = []
        self.save(state)


def connect(server, port, user, password, database, cafile, validate_host, login_timeout, path=None):
    """The DB-API ``connect`` of the fake (the test hook's callable)."""
    del port, validate_host, login_timeout  # the fake answers on any address
    fake = FakeServer(path or os.environ[STATE_ENV])
    state = fake.load()
    if state.get("unreachable"):
        raise OSError("[Errno 111] Connection refused: %s" % server)
    if not cafile:
        raise FakeSqlError(20002, "the fake accepts TLS connections only (cafile)")
    master = state.get("master") or {}
    if user == master.get("user") and digest(password) == master.get("password_sha256"):
        as_master = True
    else:
        login = state["logins"].get(user)
        if (login is None or login["is_disabled"] or login["type"] != "SQL_LOGIN"
                or digest(password) != login["password_sha256"]):
            raise FakeSqlError(18456, "Login failed for user '%s'." % user)
        as_master = False
    state["counts"]["connections"] += 1
    fake.save(state)
    return FakeConnection(fake, database, master=as_master)


# --- tokens -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<ident>\[(?:[^\]]|\]\])*\])
  | (?P<string>N?'(?:[^']|'')*')
  | (?P<var>@[A-Za-z_][A-Za-z0-9_]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+)
  | (?P<punct>[=,;()+.*])
""", re.VERBOSE)


def tokenize(sql):
    tokens = []
    pos = 0
    while pos < len(sql):
        match = _TOKEN.match(sql, pos)
        if not match:
            raise FakeSqlError(102, "Incorrect syntax near %r." % sql[pos:pos + 20])
        pos = match.end()
        kind = match.lastgroup
        text = match.group()
        if kind == "ws":
            continue
        if kind == "ident":
            tokens.append(("ident", text[1:-1].replace("]]", "]")))
        elif kind == "string":
            tokens.append(("string", text[text.index("'") + 1:-1].replace("''", "'")))
        elif kind == "word":
            tokens.append(("word", text.upper()))
        else:
            tokens.append((kind, text))
    return tokens


class Parser:
    def __init__(self, sql):
        self.tokens = tokenize(sql)
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, kind, text=None):
        token = self.peek()
        if token[0] != kind or (text is not None and token[1] != text):
            raise FakeSqlError(102, "Incorrect syntax: expected %s %s, got %r" % (kind, text or "", token))
        self.pos += 1
        return token[1]

    def words(self, *words):
        for word in words:
            self.take("word", word)

    def accept(self, kind, text=None):
        token = self.peek()
        if token[0] == kind and (text is None or token[1] == text):
            self.pos += 1
            return True
        return False

    def ident(self):
        """A bracket-quoted identifier: bare names are refused (fusion.pos quotes every identifier)."""
        return self.take("ident")

    def on_off(self):
        value = self.take("word")
        if value not in ("ON", "OFF"):
            raise FakeSqlError(102, "Incorrect syntax near %r (ON or OFF)." % value)
        return value == "ON"

    def end(self):
        self.accept("punct", ";")
        if self.pos != len(self.tokens):
            raise FakeSqlError(102, "Incorrect syntax: unexpected %r" % (self.tokens[self.pos:],))


# --- catalog SELECTs (normalised text, parameters as @name) ------------------------------------

def _norm(sql):
    return " ".join(sql.split())


_SELECTS = [
    ("database", re.compile(r"^SELECT name FROM sys\.databases WHERE name = @database$")),
    ("login", re.compile(
        r"^SELECT sp\.type_desc, sp\.is_disabled, sp\.default_database_name, sp\.sid, sl\.is_expiration_checked, "
        r"sl\.is_policy_checked FROM sys\.server_principals AS sp LEFT JOIN sys\.sql_logins AS sl "
        r"ON sl\.principal_id = sp\.principal_id WHERE sp\.name = @login$")),
    ("server_roles", re.compile(
        r"^SELECT r\.name FROM sys\.server_role_members AS m JOIN sys\.server_principals AS r "
        r"ON r\.principal_id = m\.role_principal_id JOIN sys\.server_principals AS l "
        r"ON l\.principal_id = m\.member_principal_id WHERE l\.name = @login ORDER BY r\.name$")),
    ("accessible", re.compile(
        r"^SELECT name FROM sys\.databases WHERE state_desc = N'ONLINE' AND HAS_DBACCESS\(name\) = 1 ORDER BY name$")),
    ("db_users", re.compile(
        r"^SELECT dp\.name, dp\.sid FROM (?P<db>\[(?:[^\]]|\]\])*\])\.sys\.database_principals AS dp "
        r"WHERE dp\.type IN \(N'S', N'U', N'G'\) AND \(dp\.sid = (?P<sid>@sid|NULL) OR dp\.name = @user\) "
        r"ORDER BY dp\.name$")),
    ("user_roles", re.compile(
        r"^SELECT r\.name FROM (?P<db>\[(?:[^\]]|\]\])*\])\.sys\.database_role_members AS m "
        r"JOIN (?P=db)\.sys\.database_principals AS r ON r\.principal_id = m\.role_principal_id "
        r"JOIN (?P=db)\.sys\.database_principals AS u ON u\.principal_id = m\.member_principal_id "
        r"WHERE u\.name = @user ORDER BY r\.name$")),
]

_DYNAMIC = re.compile(
    r"^DECLARE @stmt nvarchar\(max\) = (?P<expr>.*?); "
    r"IF @stmt IS NULL THROW 50000, N'(?:[^']|'')*', 1; EXEC sys\.sp_executesql @stmt;$", re.DOTALL)


def quotename(value, quote="["):
    """T-SQL QUOTENAME: NULL (None) beyond 128 characters."""
    if value is None or len(value) > 128:
        return None
    if quote == "[":
        return "[" + value.replace("]", "]]") + "]"
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    raise FakeSqlError(8116, "unsupported QUOTENAME quote %r" % quote)


def evaluate(expr, params):
    """A ``+`` concatenation of N'...' literals and QUOTENAME(@p[, N'''']) calls (NULL propagates)."""
    parser = Parser(expr)
    parts = []
    while True:
        kind, text = parser.peek()
        if kind == "string":
            parser.pos += 1
            parts.append(text)
        elif kind == "word" and text == "QUOTENAME":
            parser.pos += 1
            parser.take("punct", "(")
            name = parser.take("var")
            if name not in params:
                raise FakeSqlError(137, "Must declare the scalar variable %s." % name)
            quote = "["
            if parser.accept("punct", ","):
                quote = parser.take("string")
            parser.take("punct", ")")
            parts.append(quotename(params[name], quote))
        else:
            raise FakeSqlError(102, "unsupported expression near %r" % (text,))
        if not parser.accept("punct", "+"):
            break
    parser.end()
    return None if any(part is None for part in parts) else "".join(parts)


class FakeCursor:
    def __init__(self, conn):
        self.conn = conn
        self.rows = []
        self.description = None

    def execute(self, sql, params=None):
        params = dict(params or {})
        # python-tds: each %(name)s becomes a parameter (NULL when None); the server sees @name.
        rename = dict((name, "NULL" if value is None else "@" + name) for name, value in params.items())
        server_sql = sql % rename
        values = dict(("@" + name, value) for name, value in params.items() if value is not None)
        self.rows = self.conn.run(server_sql, values)
        return self

    def fetchall(self):
        rows, self.rows = self.rows, []
        return rows

    def fetchone(self):
        return self.rows.pop(0) if self.rows else None

    def close(self):
        self.rows = []


class FakeConnection:
    def __init__(self, fake, database, master=True, count=True):
        self.fake = fake
        self.database = database or "master"
        self.master = master
        self.count = count
        self.closed = False

    def cursor(self):
        if self.closed:
            raise FakeSqlError(0, "connection closed")
        return FakeCursor(self)

    def close(self):
        self.closed = True

    def commit(self):
        pass

    def run(self, sql, values):
        state = self.fake.load()
        if state.get("unreachable"):
            raise OSError("[Errno 104] Connection reset by peer")
        text = _norm(sql)
        for name, pattern in _SELECTS:
            match = pattern.match(text)
            if match:
                rows = getattr(self, "_select_" + name)(state, values, match)
                if self.count:
                    state["counts"]["selects"] += 1
                    self.fake.save(state)
                return rows
        if not self.master:
            raise FakeSqlError(15247, "User does not have permission to perform this action.")
        dynamic = _DYNAMIC.match(text)
        if dynamic:
            statement = evaluate(dynamic.group("expr"), values)
            if statement is None:
                raise FakeSqlError(50000, "fusion.pos: a name or the password is longer than 128 characters")
            kind = self._ddl(state, statement)
        else:
            if values:
                raise FakeSqlError(102, "parameters given to a statement that takes none")
            kind = self._ddl(state, sql)
        if self.count:
            state["log"].append({"sql": text, "kind": kind, "database": self.database})
            state["counts"]["statements"] += 1
            if kind != "use":
                state["counts"]["changing"] += 1
        self.fake.save(state)
        return []

    # --- SELECTs ---

    @staticmethod
    def _db(state, match):
        name = match.group("db")[1:-1].replace("]]", "]")
        if name not in state["databases"]:
            raise FakeSqlError(911, "Database '%s' does not exist." % name)
        return state["databases"][name]

    def _select_database(self, state, values, _match):
        return [(values["@database"],)] if values.get("@database") in state["databases"] else []

    def _select_login(self, state, values, _match):
        login = state["logins"].get(values.get("@login"))
        if login is None:
            return []
        sql_login = login["type"] == "SQL_LOGIN"
        return [(login["type"], login["is_disabled"], login["default_database"], bytes.fromhex(login["sid"]),
                 login["is_expiration_checked"] if sql_login else None, login["is_policy_checked"] if sql_login else None)]

    def _select_server_roles(self, state, values, _match):
        return [(role,) for role in sorted(state["server_role_members"])
                if values.get("@login") in state["server_role_members"][role]]

    def _select_accessible(self, state, _values, _match):
        return [(name,) for name in sorted(state["databases"])]

    def _select_db_users(self, state, values, match):
        database = self._db(state, match)
        sid = values.get("@sid") if match.group("sid") == "@sid" else None
        rows = []
        for name in sorted(database["users"]):
            user_sid = database["users"][name]["sid"]
            user_sid = bytes.fromhex(user_sid) if user_sid else None
            if (sid is not None and user_sid == sid) or name == values.get("@user"):
                rows.append((name, user_sid))
        return rows

    def _select_user_roles(self, state, values, match):
        database = self._db(state, match)
        return [(role,) for role in sorted(database["role_members"]) if values.get("@user") in database["role_members"][role]]

    # --- DDL ---

    def _ddl(self, state, sql):
        parser = Parser(sql)
        verb = parser.take("word")
        if verb == "USE":
            name = parser.ident()
            parser.end()
            if name not in state["databases"]:
                raise FakeSqlError(911, "Database '%s' does not exist." % name)
            self.database = name
            return "use"
        noun = parser.take("word")
        if noun == "SERVER":
            parser.words("ROLE")
            noun = "SERVER ROLE"
        handler = getattr(self, "_%s_%s" % (verb.lower(), noun.lower().replace(" ", "_")), None)
        if handler is None:
            raise FakeSqlError(102, "the fake does not understand %s %s" % (verb, noun))
        kind = handler(state, parser)
        parser.end()
        return kind

    def _login(self, state, name):
        if name not in state["logins"]:
            raise FakeSqlError(15151, "Cannot alter the login '%s', because it does not exist or you do not have permission." % name)
        return state["logins"][name]

    def _current(self, state):
        return state["databases"][self.database]

    def _create_database(self, state, parser):
        name = parser.ident()
        if name in state["databases"]:
            raise FakeSqlError(1801, "Database '%s' already exists." % name)
        state["databases"][name] = {"users": {"dbo": {"sid": "01"}}, "role_members": {"db_owner": ["dbo"]}}
        return "create_database"

    def _drop_database(self, state, parser):
        name = parser.ident()
        if name not in state["databases"] or name in SYSTEM_DATABASES:
            raise FakeSqlError(3701, "Cannot drop the database '%s', because it does not exist." % name)
        if self.database == name:
            raise FakeSqlError(3702, "Cannot drop database '%s' because it is currently in use." % name)
        del state["databases"][name]  # logins keep it as their (now missing) default database, as on SQL Server
        return "drop_database"

    def _login_options(self, parser, allowed):
        options = {}
        while True:
            option = parser.take("word")
            if option not in allowed or option in options:
                raise FakeSqlError(102, "Incorrect syntax near %r." % option)
            parser.take("punct", "=")
            if option == "PASSWORD":
                options[option] = parser.take("string")
            elif option in ("DEFAULT_DATABASE", "LOGIN"):
                options[option] = parser.ident()
            else:
                options[option] = parser.on_off()
            if not parser.accept("punct", ","):
                return options

    @staticmethod
    def _check_policy_pair(expiration, policy):
        if expiration and not policy:
            raise FakeSqlError(15122, "The CHECK_EXPIRATION option cannot be used when CHECK_POLICY is OFF.")

    def _create_login(self, state, parser):
        name = parser.ident()
        if name in state["logins"]:
            raise FakeSqlError(15025, "The server principal '%s' already exists." % name)
        parser.words("WITH")
        options = self._login_options(parser, ("PASSWORD", "DEFAULT_DATABASE", "CHECK_EXPIRATION", "CHECK_POLICY"))
        if "PASSWORD" not in options:
            raise FakeSqlError(102, "CREATE LOGIN needs a PASSWORD")
        default_db = options.get("DEFAULT_DATABASE", "master")
        if default_db not in state["databases"]:
            raise FakeSqlError(15010, "The database '%s' does not exist." % default_db)
        policy = options.get("CHECK_POLICY", True)
        expiration = options.get("CHECK_EXPIRATION", False)
        self._check_policy_pair(expiration, policy)
        sid = "%032x" % state["next_sid"]
        state["next_sid"] += 1
        state["logins"][name] = {"type": "SQL_LOGIN", "sid": sid, "password_sha256": digest(options["PASSWORD"]),
                                 "is_disabled": False, "is_expiration_checked": expiration, "is_policy_checked": policy,
                                 "default_database": default_db}
        return "create_login"

    def _alter_login(self, state, parser):
        login = self._login(state, parser.ident())
        if parser.accept("word", "ENABLE"):
            login["is_disabled"] = False
            return "enable_login"
        if parser.accept("word", "DISABLE"):
            login["is_disabled"] = True
            return "disable_login"
        parser.words("WITH")
        options = self._login_options(parser, ("PASSWORD", "DEFAULT_DATABASE", "CHECK_EXPIRATION", "CHECK_POLICY"))
        expiration = options.get("CHECK_EXPIRATION", login["is_expiration_checked"])
        policy = options.get("CHECK_POLICY", login["is_policy_checked"])
        self._check_policy_pair(expiration, policy)
        if "DEFAULT_DATABASE" in options and options["DEFAULT_DATABASE"] not in state["databases"]:
            raise FakeSqlError(15010, "The database '%s' does not exist." % options["DEFAULT_DATABASE"])
        login["is_expiration_checked"], login["is_policy_checked"] = expiration, policy
        if "PASSWORD" in options:
            login["password_sha256"] = digest(options["PASSWORD"])
        login["default_database"] = options.get("DEFAULT_DATABASE", login["default_database"])
        return "alter_login"

    def _drop_login(self, state, parser):
        name = parser.ident()
        self._login(state, name)
        del state["logins"][name]
        for members in state["server_role_members"].values():
            if name in members:
                members.remove(name)
        return "drop_login"  # its database users stay, orphaned, as on SQL Server

    def _create_user(self, state, parser):
        name = parser.ident()
        parser.words("FOR", "LOGIN")
        login = self._login(state, parser.ident())
        database = self._current(state)
        if name in database["users"]:
            raise FakeSqlError(15023, "User, group, or role '%s' already exists in the current database." % name)
        if any(user["sid"] == login["sid"] for user in database["users"].values()):
            raise FakeSqlError(15063, "The login already has an account under a different user name.")
        database["users"][name] = {"sid": login["sid"]}
        return "create_user"

    def _alter_user(self, state, parser):
        name = parser.ident()
        parser.words("WITH")
        options = self._login_options(parser, ("LOGIN",))
        login = self._login(state, options["LOGIN"])
        database = self._current(state)
        if name not in database["users"]:
            raise FakeSqlError(15151, "Cannot alter the user '%s', because it does not exist." % name)
        if any(user["sid"] == login["sid"] and other != name for other, user in database["users"].items()):
            raise FakeSqlError(15063, "The login already has an account under a different user name.")
        database["users"][name]["sid"] = login["sid"]
        return "alter_user"

    def _drop_user(self, state, parser):
        name = parser.ident()
        database = self._current(state)
        if name not in database["users"] or name == "dbo":
            raise FakeSqlError(15151, "Cannot drop the user '%s', because it does not exist." % name)
        del database["users"][name]
        for members in database["role_members"].values():
            if name in members:
                members.remove(name)
        return "drop_user"

    def _member(self, parser, roles, known):
        role = parser.ident()
        action = parser.take("word")
        if action not in ("ADD", "DROP"):
            raise FakeSqlError(102, "Incorrect syntax near %r." % action)
        parser.words("MEMBER")
        member = parser.ident()
        if role not in known:
            raise FakeSqlError(15151, "Cannot alter the role '%s', because it does not exist." % role)
        members = roles.setdefault(role, [])
        if action == "ADD" and member not in members:
            members.append(member)
        elif action == "DROP" and member in members:
            members.remove(member)
        return member, action

    def _alter_role(self, state, parser):
        database = self._current(state)
        member, action = self._member(parser, database["role_members"], DATABASE_ROLES)
        if member not in database["users"]:
            raise FakeSqlError(15151, "Cannot add the principal '%s', because it does not exist." % member)
        return "%s_role_member" % action.lower()

    def _alter_server_role(self, state, parser):
        member, action = self._member(parser, state["server_role_members"], SERVER_ROLES)
        self._login(state, member)
        return "%s_server_role_member" % action.lower()
