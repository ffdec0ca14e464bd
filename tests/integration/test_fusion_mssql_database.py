"""fusion.pos.fusion_mssql_database and role org_database: real ansible-playbook runs against the
emulator (RDS instance, secrets) and the fake SQL Server (tests/lib/fake_mssql.py, through the
FUSION_POS_MSSQL_CONNECT test hook; no SQL Server can run here)."""

import json

import pytest

import fake_mssql
from fusion_testlib import REPO, module_play

MASTER_PASSWORD = "Master-Pw-0123456789abcdef"
ORG = "xmsqa1"
DATABASE, LOGIN = "POS_xmsqa1", "POS_xmsqa1_user"
LOGIN_SECRET = "fusion-pos/qa/xmsqa1/db-login"


@pytest.fixture
def sql(tmp_path, boto):
    """The fake SQL Server (state file), db-POS-01 in the emulator with its master secret, a CA file."""
    fake = fake_mssql.FakeServer(tmp_path / "sqlserver.json")
    fake.seed("admin", MASTER_PASSWORD)
    rds = boto("rds")
    sm = boto("secretsmanager")
    for name, password in (("db-POS-01", MASTER_PASSWORD), ("db-POS-02", "Not-The-Master-Pw-1")):
        rds.create_db_instance(DBInstanceIdentifier=name, Engine="sqlserver-ex", DBInstanceClass="db.t3.small",
                               MasterUsername="admin", MasterUserPassword=password, AllocatedStorage=20)
        sm.create_secret(Name="fusion-pos/qa/%s/master" % name,
                         SecretString=json.dumps({"username": "admin", "password": password}))
    ca_file = tmp_path / "rds-ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n(test)\n-----END CERTIFICATE-----\n", encoding="utf-8")
    fake.ca = str(ca_file)
    fake.env = {"PYTHONPATH": str(REPO / "tests" / "lib"), "FUSION_POS_MSSQL_CONNECT": "fake_mssql:connect",
                fake_mssql.STATE_ENV: fake.path}
    return fake


@pytest.fixture
def run(playbook, sql):
    """``run(check=False, diff=False, expect_failure=False, **options)``: the org's db-login secret
    (fusion_secret, always for real), then one fusion_mssql_database task registered as ``db``."""
    def go(check=False, diff=False, expect_failure=False, verbosity=0, **options):
        if "pos_host" not in options:
            options.setdefault("org", ORG)
        options.setdefault("environment", "qa")
        options.setdefault("instance", "db-POS-01")
        options.setdefault("ca_bundle", sql.ca)
        tasks = [
            {"name": "secret", "fusion.pos.fusion_secret": {"environment": "qa", "owner": ORG, "purpose": "db-login"},
             "check_mode": False},
            {"name": "db", "fusion.pos.fusion_mssql_database": options, "register": "db"},
        ]
        result = playbook(module_play(tasks), check=check, diff=diff, verbosity=verbosity, env=sql.env)
        assert (result.rc != 0) == expect_failure, result.output
        return result
    return go


def changing(fake):
    return fake.load()["counts"]["changing"]


def test_check_mode_on_an_empty_instance_reports_the_plan_and_executes_nothing(run, sql):
    db = run(check=True, diff=True).result("db")
    assert db["changed"] is True
    assert [s["kind"] for s in db["statements"]] == [
        "create_database", "create_login", "use", "create_user", "add_role_member", "use"]
    assert db["diff"]["before"]["database"] == {"name": DATABASE, "exists": False}
    assert db["diff"]["after"]["user"]["roles"] == ["db_owner"]
    assert changing(sql) == 0 and DATABASE not in sql.load()["databases"]


def test_run_makes_everything_and_a_rerun_executes_no_changing_statement(run, sql):
    first = run().result("db")
    assert (first["changed"], first["changing_statements"]) == (True, 4)
    assert first["endpoint"].endswith(".rds.amazonaws.com:1433")
    assert (first["database"], first["login"], first["password_secret"]) == (DATABASE, LOGIN, LOGIN_SECRET)
    state = sql.load()
    assert state["databases"][DATABASE]["role_members"]["db_owner"] == ["dbo", LOGIN]
    assert state["logins"][LOGIN]["default_database"] == DATABASE
    made = changing(sql)
    again = run(endpoint="sql.example.internal:11433").result("db")
    assert (again["changed"], again["changing_statements"], changing(sql)) == (False, 0, made)
    assert again["catalog"]["login"]["password"] == "matches"
    assert again["endpoint"] == "sql.example.internal:11433"


def test_every_drift_is_repaired_and_then_nothing_is_left(run, sql):
    run()
    sql.run("ALTER LOGIN [POS_xmsqa1_user] DISABLE",
            "ALTER LOGIN [POS_xmsqa1_user] WITH DEFAULT_DATABASE = [master]",
            "ALTER LOGIN [POS_xmsqa1_user] WITH CHECK_POLICY = ON, CHECK_EXPIRATION = ON",
            "ALTER SERVER ROLE [dbcreator] ADD MEMBER [POS_xmsqa1_user]",
            "USE [POS_xmsqa1]", "ALTER ROLE [db_owner] DROP MEMBER [POS_xmsqa1_user]",
            "ALTER ROLE [db_datareader] ADD MEMBER [POS_xmsqa1_user]",
            "CREATE DATABASE [POS_other]", "USE [POS_other]", "CREATE USER [POS_xmsqa1_user] FOR LOGIN [POS_xmsqa1_user]")
    db = run(diff=True).result("db")
    assert [s["kind"] for s in db["statements"] if s["kind"] != "use"] == [
        "drop_user", "alter_login_check_expiration", "alter_login_check_policy", "alter_login_password",
        "alter_login_default_database", "enable_login", "drop_server_role_member", "add_role_member", "drop_role_member"]
    assert db["diff"]["before"]["other_users"] == [{"database": "POS_other", "user": LOGIN}]
    state = sql.load()
    assert LOGIN not in state["databases"]["POS_other"]["users"]
    again = run().result("db")
    assert (again["changed"], again["changing_statements"]) == (False, 0)


def test_absent_drops_user_login_and_database_when_asked(run, sql):
    run()
    db = run(state="absent", drop_database=True).result("db")
    assert [s["kind"] for s in db["statements"]] == ["drop_login", "drop_database"]
    state = sql.load()
    assert LOGIN not in state["logins"] and DATABASE not in state["databases"]


def test_absent_is_refused_in_production_before_any_call(run, sql):
    result = run(environment="production", state="absent", expect_failure=True)
    assert "state=absent is refused in the production environment" in result.result("db")["msg"]
    assert sql.load()["counts"]["connections"] == 0


def test_a_pos_host_gets_its_tenant_manager_database_and_its_password_secret(run, sql, boto):
    db = run(pos_host="POS01").result("db")
    assert (db["database"], db["login"], db["password_secret"]) == ("POS_POS01", "POS_POS01_user", "fusion-pos/qa/POS01/db-login")
    stored = boto("secretsmanager").get_secret_value(SecretId="fusion-pos/qa/POS01/db-login")["SecretString"]
    assert sql.load()["logins"]["POS_POS01_user"]["password_sha256"] == fake_mssql.digest(stored)


def test_failures_are_one_line_each(playbook, sql):
    base = {"org": ORG, "environment": "qa", "ca_bundle": sql.ca}
    tasks = [
        {"name": "missing", "fusion.pos.fusion_mssql_database": dict(base, instance="db-POS-09"), "ignore_errors": True},
        {"name": "master", "fusion.pos.fusion_mssql_database": dict(base, instance="db-POS-02"), "ignore_errors": True},
        {"name": "naming", "fusion.pos.fusion_mssql_database": dict(base, instance="db-POS-01", org="XMS;QA"),
         "ignore_errors": True},
    ]
    result = playbook(module_play(tasks), env=sql.env)
    messages = dict((name, result.result(name)["msg"]) for name in ("missing", "master", "naming"))
    assert "RDS instance db-POS-09 does not exist" in messages["missing"] and "shared.yml" in messages["missing"]
    assert "wrong master credentials in fusion-pos/qa/db-POS-02/master" in messages["master"]
    assert "invalid org ID 'XMS;QA'" in messages["naming"]
    assert all("\n" not in message for message in messages.values())
    sql.update(unreachable=True)
    down = playbook(module_play([dict(tasks[0], name="down", **{"fusion.pos.fusion_mssql_database": dict(base, instance="db-POS-01")})]),
                    env=sql.env).result("down")
    assert "db-POS-01" in down["msg"] and "unreachable" in down["msg"] and "\n" not in down["msg"]


def test_no_password_in_a_vvvv_run_or_the_fake_state(run, sql, boto):
    result = run(diff=True, verbosity=4)
    sql.run("ALTER LOGIN [POS_xmsqa1_user] WITH PASSWORD = N'Someone-Else-1'")
    again = run(diff=True, verbosity=4)
    assert [s["kind"] for s in again.result("db")["statements"]] == ["alter_login_password"]
    password = boto("secretsmanager").get_secret_value(SecretId=LOGIN_SECRET)["SecretString"]
    state_text = open(sql.path, encoding="utf-8").read()
    for secret in (password, MASTER_PASSWORD):
        assert secret not in result.output and secret not in again.output and secret not in state_text


def test_connect_false_makes_no_call_and_says_so_in_one_line(playbook, aws, sql):
    aws.reset_recording()
    task = {"name": "db", "register": "db", "fusion.pos.fusion_mssql_database": {
        "org": ORG, "environment": "qa", "instance": "db-POS-01", "connect": False}}
    db = playbook(module_play([task]), env=sql.env).result("db")
    assert db["changed"] is False and db["sql_server_reachable"] is False
    assert "no SQL Server is reachable in the sandbox" in db["msg"] and "POS_xmsqa1" in db["msg"]
    assert aws.calls() == [] and sql.load()["counts"]["connections"] == 0


def test_role_runs_plan_only_in_the_sandbox_and_for_real_with_a_server(playbook, sql):
    """The step role over the plan: connect=false reports the names; with a server it makes them."""
    plan = {ORG: {"org": ORG, "environment": "qa", "rds_instance": "db-POS-01", "rds_region": "us-east-1",
                  "rds_endpoint": "127.0.0.1:11433"}}

    def play(extra):
        return [{"name": "role", "hosts": "localhost", "gather_facts": False,
                 "vars": dict({"org_database_orgs": [ORG], "org_database_plan": plan}, **extra),
                 "tasks": [{"name": "Org database", "ansible.builtin.import_role": {"name": "fusion.pos.org_database"},
                            "run_once": True}]}]
    step_task = "fusion.pos.org_database : Databases and logins of the orgs (fusion_mssql_database, one process for all of them)"
    sandbox = playbook(play({"org_database_connect": False}), env=sql.env)
    assert sandbox.rc == 0, sandbox.output
    assert "no SQL Server is reachable in the sandbox" in sandbox.result(step_task)["results"][ORG]["msg"]
    real = playbook(play({"org_database_connect": True, "org_database_ca_bundle": sql.ca}), env=sql.env)
    assert real.rc == 0, real.output
    db = real.result(step_task)["results"][ORG]
    assert (db["changed"], db["endpoint"], db["login"]) == (True, "127.0.0.1:11433", LOGIN), db.get("msg")
