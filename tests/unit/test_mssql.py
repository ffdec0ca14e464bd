"""module_utils/_mssql.py: quoting, the pure plan, the statements' T-SQL, and the cycle against the fake server."""

import copy
import json

import pytest
import sqlglot
from sqlglot.dialects.tsql import TSQL

import fake_mssql
from ansible_collections.fusion.pos.plugins.module_utils import _mssql
from ansible_collections.fusion.pos.plugins.module_utils import _mssql_database
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._naming import NamingError

NAMES = {"database": "POS_xmsqa1", "login": "POS_xmsqa1_user", "user": "POS_xmsqa1_user"}
MASTER_USER = "admin"
MASTER_PASSWORD = "Master-Pw-1234567890"
PASSWORD = "Login-Pw-1234567890abc"
HOSTILE = ["x]; DROP LOGIN [sa]; --", "o'neil", "a]]b", "[x]", "名前-ü", "a;b", "N'x'", "--x", "a\nb"]


def empty():
    return {"database": {"name": NAMES["database"], "exists": False}, "login": {"name": NAMES["login"], "exists": False},
            "user": {"name": NAMES["user"], "exists": False}, "other_users": []}


def good():
    return _mssql.wanted_facts(empty(), NAMES, "present")


def drifted(**changes):
    facts = good()
    for path, value in changes.items():
        section, key = path.split("__")
        facts[section][key] = value
    return facts


def kinds(statements):
    return [statement.kind for statement in statements]


PRESENT_CASES = [
    ("empty instance", empty(),
     ["create_database", "create_login", "use", "create_user", "add_role_member", "use"]),
    ("everything present", good(), []),
    ("database missing only", dict(good(), database={"name": NAMES["database"], "exists": False}), ["create_database"]),
    ("login disabled", drifted(login__is_disabled=True, login__password="unknown"), ["alter_login_password", "enable_login"]),
    ("default database changed", drifted(login__default_database="master"), ["alter_login_default_database"]),
    ("expiration checking on", drifted(login__is_expiration_checked=True), ["alter_login_check_expiration"]),
    ("password policy on", drifted(login__is_policy_checked=True), ["alter_login_check_policy"]),
    ("password differs", drifted(login__password="differs"), ["alter_login_password"]),
    ("server role", drifted(login__server_roles=["dbcreator", "sysadmin"]),
     ["drop_server_role_member", "drop_server_role_member"]),
    ("user out of db_owner", drifted(user__roles=[]), ["use", "add_role_member", "use"]),
    ("extra role", drifted(user__roles=["db_datareader", "db_owner"]), ["use", "drop_role_member", "use"]),
    ("user missing", drifted(user__exists=False), ["use", "create_user", "add_role_member", "use"]),
    ("user not mapped to the login", drifted(user__mapped_to_login=False), ["use", "alter_user_login", "use"]),
    ("user of the login in another database", dict(good(), other_users=[{"database": "POS_other", "user": "alias"}]),
     ["use", "drop_user", "use"]),
]


@pytest.mark.parametrize("facts, expected", [case[1:] for case in PRESENT_CASES], ids=[case[0] for case in PRESENT_CASES])
def test_plan_present(facts, expected):
    assert kinds(_mssql.plan(facts, NAMES, "present")) == expected


ABSENT_CASES = [
    ("nothing there", empty(), False, []),
    ("nothing there, drop database", empty(), True, []),
    ("all there", good(), False, ["use", "drop_user", "use", "drop_login"]),
    ("all there, drop database", good(), True, ["drop_login", "drop_database"]),
    ("database only, drop database", dict(empty(), database={"name": NAMES["database"], "exists": True}), True, ["drop_database"]),
    ("users in other databases", dict(good(), other_users=[{"database": "POS_a", "user": "x"}, {"database": "POS_b", "user": "y"}]),
     False, ["use", "drop_user", "use", "drop_user", "use", "drop_user", "use", "drop_login"]),
]


@pytest.mark.parametrize("facts, drop, expected", [case[1:] for case in ABSENT_CASES], ids=[case[0] for case in ABSENT_CASES])
def test_plan_absent(facts, drop, expected):
    assert kinds(_mssql.plan(facts, dict(NAMES, drop_database=drop), "absent")) == expected


def test_plan_ends_in_master_and_drops_other_users_first():
    facts = dict(drifted(user__exists=False), other_users=[{"database": NAMES["database"], "user": "old_name"}])
    statements = _mssql.plan(facts, NAMES, "present")
    assert [s.sql for s in statements] == [
        "USE [POS_xmsqa1]", "DROP USER [old_name]", "CREATE USER [POS_xmsqa1_user] FOR LOGIN [POS_xmsqa1_user]",
        "ALTER ROLE [db_owner] ADD MEMBER [POS_xmsqa1_user]", "USE [master]"]


def test_plan_refuses_a_login_of_another_type():
    facts = drifted(login__type="WINDOWS_LOGIN")
    with pytest.raises(_mssql.MssqlError, match="WINDOWS_LOGIN, not a SQL-authentication login"):
        _mssql.plan(facts, NAMES, "present")


def test_plan_is_pure_and_never_holds_the_password():
    facts = empty()
    before = copy.deepcopy(facts)
    statements = _mssql.plan(facts, NAMES, "present")
    assert facts == before
    login = [s for s in statements if s.kind == "create_login"][0]
    assert login.params["password"] is _mssql.PASSWORD
    assert login.as_dict()["params"]["password"] == _mssql.MASK


@pytest.mark.parametrize("name, quoted", [("POS_x", "[POS_x]"), ("a]b", "[a]]b]"), ("]]", "[]]]]]"), ("o'n", "[o'n]")])
def test_quote_name_doubles_closing_brackets(name, quoted):
    assert _mssql.quote_name(name) == quoted


@pytest.mark.parametrize("name", ["", "x" * 129, "a\x00b", None, 5])
def test_quote_name_refuses_what_no_identifier_can_be(name):
    with pytest.raises(_mssql.MssqlError):
        _mssql.quote_name(name)


# --- T-SQL: every statement parses, hostile names stay inside one identifier --------------------

def all_statements(names=None):
    names = names or NAMES
    out = []
    for facts in [case[1] for case in PRESENT_CASES] + [case[1] for case in ABSENT_CASES]:
        facts = copy.deepcopy(facts)
        for section in ("database", "login", "user"):
            facts[section]["name"] = names[section]
        if facts["login"].get("default_database") == NAMES["database"]:
            facts["login"]["default_database"] = names["database"]
        out += _mssql.plan(facts, names, "present") + _mssql.plan(facts, dict(names, drop_database=True), "absent")
    return out


def catalog_queries(database):
    quoted = _mssql.quote_name(database)
    return [(_mssql.SQL_DATABASE, ["database"]), (_mssql.SQL_LOGIN, ["login"]), (_mssql.SQL_SERVER_ROLES, ["login"]),
            (_mssql.SQL_ACCESSIBLE_DATABASES, []), (_mssql.SQL_DATABASE_USERS.format(db=quoted), ["sid", "user"]),
            (_mssql.SQL_USER_ROLES.format(db=quoted), ["user"])]


def test_every_statement_and_catalog_query_parses_as_tsql():
    texts = [s.server_text() for s in all_statements()]
    texts += [sql % dict((p, "@" + p) for p in params) for sql, params in catalog_queries("POS_x]y")]
    for text in texts:
        parsed = sqlglot.parse(text, read="tsql")
        assert parsed and all(tree is not None for tree in parsed), text


def token_types(text):
    return [token.token_type.name for token in TSQL().tokenize(text)]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_reach_statements_only_as_one_quoted_identifier_or_a_parameter(hostile):
    names = {"database": "db" + hostile, "login": "l" + hostile, "user": "l" + hostile}
    safe = {"database": "db_safe", "login": "l_safe", "user": "l_safe"}
    other = [{"database": "o" + hostile, "user": "u" + hostile}]
    safe_other = [{"database": "o_safe", "user": "u_safe"}]
    statements = all_statements(names) + _mssql.plan(dict(good(), other_users=other), names, "present")
    baseline = all_statements(safe) + _mssql.plan(dict(good(), other_users=safe_other), safe, "present")
    assert len(statements) == len(baseline)
    hostile_names = set(names.values()) | {"o" + hostile, "u" + hostile}
    for statement, reference in zip(statements, baseline):
        text = statement.server_text()
        # The same token structure as with harmless names: nothing was split, ended or commented out.
        assert token_types(text) == token_types(reference.server_text()), text
        for token in TSQL().tokenize(text):
            if token.token_type.name != "IDENTIFIER":
                assert hostile not in token.text, (statement, token)
        for name in hostile_names:
            if name in statement.params.values():
                assert _mssql.quote_name(name) not in statement.sql and name not in statement.sql
        assert len(sqlglot.parse(text, read="tsql")) == len(sqlglot.parse(reference.server_text(), read="tsql"))


def test_hostile_database_names_from_the_catalog_are_quoted_in_catalog_queries():
    for hostile in HOSTILE:
        sql = _mssql.SQL_DATABASE_USERS.format(db=_mssql.quote_name(hostile))
        tokens = TSQL().tokenize(sql % {"sid": "@sid", "user": "@user"})
        assert [t.text for t in tokens if t.token_type.name == "IDENTIFIER"] == [hostile]


# --- against the fake server (in process) -------------------------------------------------------

@pytest.fixture
def server(tmp_path, monkeypatch):
    fake = fake_mssql.FakeServer(tmp_path / "sql.json")
    fake.seed(MASTER_USER, MASTER_PASSWORD)
    monkeypatch.setenv(fake_mssql.STATE_ENV, fake.path)
    monkeypatch.setenv(_mssql.CONNECT_HOOK_ENV, "fake_mssql:connect")
    return fake


TARGET = dict(server="db-pos-01.example", port=1433, cafile="/ca.pem", validate_host=True, login_timeout=5, label="db-POS-01")


def cycle(names=None, state="present", password=PASSWORD, drop=False):
    """One module run's SQL work: read, test the password, plan, execute; the statements run."""
    names = names or NAMES
    conn = _mssql.open_connection(TARGET, MASTER_USER, MASTER_PASSWORD)
    facts, _sid = _mssql.read_catalog(conn, names)
    login = facts["login"]
    if state == "present" and login["exists"]:
        login["password"] = "unknown" if login["is_disabled"] else (
            "matches" if _mssql.password_matches(TARGET, names["login"], password) else "differs")
    statements = _mssql.plan(facts, dict(names, drop_database=drop), state)
    _mssql.execute(conn, statements, password)
    return facts, statements


def converged(server, names=None):
    names = names or NAMES
    facts, statements = cycle(names)
    assert _mssql.changing(statements) == [], statements
    assert facts == dict(_mssql.wanted_facts(facts, names, "present"))
    return server.load()


def test_empty_instance_then_nothing_to_do(server):
    _facts, statements = cycle()
    assert len(_mssql.changing(statements)) == 4
    state = converged(server)
    assert state["databases"]["POS_xmsqa1"]["role_members"]["db_owner"] == ["dbo", "POS_xmsqa1_user"]
    login = state["logins"]["POS_xmsqa1_user"]
    assert (login["is_expiration_checked"], login["is_policy_checked"], login["default_database"]) == (False, False, "POS_xmsqa1")


DRIFTS = [
    ("login disabled", ["ALTER LOGIN [POS_xmsqa1_user] DISABLE"], ["alter_login_password", "enable_login"]),
    ("default database", ["ALTER LOGIN [POS_xmsqa1_user] WITH DEFAULT_DATABASE = [master]"], ["alter_login_default_database"]),
    ("expiration on", ["ALTER LOGIN [POS_xmsqa1_user] WITH CHECK_POLICY = ON, CHECK_EXPIRATION = ON"],
     ["alter_login_check_expiration", "alter_login_check_policy"]),
    ("password changed", ["ALTER LOGIN [POS_xmsqa1_user] WITH PASSWORD = N'Someone-Else-1'"], ["alter_login_password"]),
    ("out of db_owner", ["USE [POS_xmsqa1]", "ALTER ROLE [db_owner] DROP MEMBER [POS_xmsqa1_user]"], ["add_role_member"]),
    ("extra role", ["USE [POS_xmsqa1]", "ALTER ROLE [db_datawriter] ADD MEMBER [POS_xmsqa1_user]"], ["drop_role_member"]),
    ("server role", ["ALTER SERVER ROLE [dbcreator] ADD MEMBER [POS_xmsqa1_user]"], ["drop_server_role_member"]),
    ("user in another database", ["CREATE DATABASE [POS_other]", "USE [POS_other]", "CREATE USER [alias] FOR LOGIN [POS_xmsqa1_user]"],
     ["drop_user"]),
    ("user dropped", ["USE [POS_xmsqa1]", "DROP USER [POS_xmsqa1_user]"], ["create_user", "add_role_member"]),
    ("login dropped", ["DROP LOGIN [POS_xmsqa1_user]"], ["create_login", "alter_user_login"]),
]


@pytest.mark.parametrize("drift, expected", [case[1:] for case in DRIFTS], ids=[case[0] for case in DRIFTS])
def test_each_drift_is_repaired_by_one_run(server, drift, expected):
    cycle()
    server.run(*drift)
    _facts, statements = cycle()
    assert kinds(_mssql.changing(statements)) == expected
    converged(server)


@pytest.mark.parametrize("drop", [False, True])
def test_absent_drops_user_and_login_and_the_database_only_when_asked(server, drop):
    cycle()
    cycle(state="absent", drop=drop)
    state = server.load()
    assert "POS_xmsqa1_user" not in state["logins"]
    assert ("POS_xmsqa1" in state["databases"]) is not drop
    if not drop:
        assert "POS_xmsqa1_user" not in state["databases"]["POS_xmsqa1"]["users"]
    _facts, statements = cycle(state="absent", drop=drop)
    assert statements == []


@pytest.mark.parametrize("password", ["it's]a;--pass", "N'x' + 'y'", "pässwörd-名前-1", "q''''q", "]]]x"])
def test_hostile_passwords_round_trip_and_are_never_stored_or_logged(server, password, tmp_path):
    cycle(password=password)
    assert _mssql.password_matches(TARGET, NAMES["login"], password)
    converged_state = server.load()
    _facts, statements = cycle(password=password)
    assert _mssql.changing(statements) == []
    text = (tmp_path / "sql.json").read_text(encoding="utf-8")
    assert password not in text and json.dumps(password)[1:-1] not in text
    assert converged_state["logins"]["POS_xmsqa1_user"]["password_sha256"] == fake_mssql.digest(password)


def test_a_name_longer_than_quotename_takes_fails_on_the_server_not_silently(server):
    conn = _mssql.open_connection(TARGET, MASTER_USER, MASTER_PASSWORD)
    with pytest.raises(_mssql.MssqlError, match="longer than 128"):
        _mssql.execute(conn, [_mssql.alter_login_password("POS_x")], "p" * 129)


def test_the_fake_rejects_what_it_does_not_understand(server):
    for sql in ["CREATE DATABASE POS_bare", "GRANT CONTROL SERVER TO [x]", "CREATE DATABASE [a]; DROP DATABASE [b]",
                "SELECT * FROM sys.databases"]:
        with pytest.raises(fake_mssql.FakeSqlError):
            server.run(sql)


def test_wrong_master_password_is_a_login_failure(server):
    with pytest.raises(_mssql.LoginFailed, match="refused the login admin"):
        _mssql.open_connection(TARGET, MASTER_USER, "wrong")


def test_unreachable_server_is_one_line(server):
    server.update(unreachable=True)
    with pytest.raises(_mssql.Unreachable) as caught:
        _mssql.open_connection(TARGET, MASTER_USER, MASTER_PASSWORD)
    assert "\n" not in str(caught.value) and "db-POS-01" in str(caught.value)


def test_driver_errors_are_sanitised():
    exc = RuntimeError("Incorrect syntax near 'Secret-Pw-1'\n  in statement ALTER LOGIN ... 'Secret-Pw-1'")
    line = _mssql.sanitize(exc, ["Secret-Pw-1"])
    assert "Secret-Pw-1" not in line and "\n" not in line and _mssql.MASK in line


def test_execute_error_names_the_statement_and_hides_the_password(server):
    conn = _mssql.open_connection(TARGET, MASTER_USER, MASTER_PASSWORD)
    with pytest.raises(_mssql.MssqlError) as caught:
        _mssql.execute(conn, [_mssql.create_login("POS_x_user", "POS_missing")], "Pw-Hidden-1")
    assert "create_login" in str(caught.value) and "Pw-Hidden-1" not in str(caught.value)


@pytest.mark.parametrize("endpoint, expected", [("h", ("h", 1433)), ("h:11433", ("h", 11433)), (" h:1 ", ("h", 1))])
def test_parse_endpoint(endpoint, expected):
    assert _mssql.parse_endpoint(endpoint) == expected


@pytest.mark.parametrize("endpoint", ["", "h:", "h:x", "h:70000", ":1433", "a:b:1"])
def test_parse_endpoint_refuses(endpoint):
    with pytest.raises(_mssql.MssqlError):
        _mssql.parse_endpoint(endpoint)


# --- the resource's input rules ------------------------------------------------------------------

def params(**values):
    base = dict(org="xmsqa1", pos_host=None, environment="qa", instance="db-POS-01", endpoint=None, ca_bundle=None,
                validate_hostname=True, login_timeout=5, connect=False, state="present", drop_database=False)
    base.update(values)
    return base


@pytest.mark.parametrize("values, error, text", [
    (dict(org="XMS"), NamingError, "invalid org ID"),
    (dict(org=None, pos_host="pos1"), NamingError, "invalid POS host name"),
    (dict(instance="db-pos-1"), NamingError, "invalid RDS instance name"),
    (dict(state="absent", environment="production"), FusionModuleError, "refused in the production environment"),
    (dict(state="absent", environment="staging"), FusionModuleError, "refused in the staging environment"),
    (dict(endpoint="h:x"), FusionModuleError, "invalid endpoint"),
    (dict(connect=True, ca_bundle="/nonexistent.pem"), FusionModuleError, "ca_bundle"),
])
def test_validate_refuses_in_one_line(values, error, text):
    with pytest.raises(error, match=text) as caught:
        _mssql_database.validate(params(**values))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("values, expected", [
    (dict(), ("xmsqa1", {"database": "POS_xmsqa1", "login": "POS_xmsqa1_user", "user": "POS_xmsqa1_user"})),
    (dict(org=None, pos_host="POS01"), ("POS01", {"database": "POS_POS01", "login": "POS_POS01_user", "user": "POS_POS01_user"})),
])
def test_names_come_from_naming(values, expected):
    assert _mssql_database.names_of(params(**values)) == expected
