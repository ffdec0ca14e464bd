"""deprovision.yml end to end against the emulator: what it removes, what it refuses, idempotence."""

import json

import pytest

from fusion_testlib import REPO

SANDBOX = REPO / "inventories" / "sandbox"
PRODUCTION = REPO / "inventories" / "production"
BUCKET_TASK = "S3 bucket of the org removed (objects besides pub/ only with force)"
IAM_TASK = "IAM user of the org removed with its access keys"
SECRETS_TASK = "Secrets of the org scheduled for deletion (restorable during the recovery window)"
DNS_TASK = "DNS record of the org removed (without a hosted zone - the record to delete by hand)"
TENANT_TASK = "Tenant of the org taken off its POS host"
pytestmark = [pytest.mark.emulator, pytest.mark.slow]


@pytest.fixture
def run(playbook, aws):
    """``run(playbook_path, org, **options)`` on the sandbox inventory, against this emulator."""
    def go(path, org, extra_vars=None, **kwargs):
        variables = {"org": org, "aws_endpoint_url": aws.url}
        variables.update(extra_vars or {})
        kwargs.setdefault("inventory", SANDBOX)
        return playbook(path, extra_vars=variables, **kwargs)
    return go


@pytest.fixture
def deprovision(run):
    def go(org, confirm=None, **kwargs):
        extra = dict(kwargs.pop("extra_vars", {}))
        if confirm is not None:
            extra["confirm"] = confirm
        return run("deprovision.yml", org, extra_vars=extra, **kwargs)
    return go


@pytest.fixture
def provisioned(run, aws):
    """xmsdev1 (with an access key) and xmsqa1 provisioned for real; recorder restarted."""
    result = run("provision.yml", "xmsdev1,xmsqa1")
    assert result.rc == 0, result.output
    aws.reset_recording()
    return result


def users(boto):
    return sorted(user["UserName"] for user in boto("iam").list_users()["Users"])


def buckets(boto):
    return sorted(bucket["Name"] for bucket in boto("s3").list_buckets()["Buckets"])


def secrets(boto):
    """``{name: scheduled for deletion}`` of every secret, those scheduled for deletion included."""
    listed = boto("secretsmanager").list_secrets(IncludePlannedDeletion=True)["SecretList"]
    return dict((item["Name"], "DeletedDate" in item) for item in listed)


def test_deprovision_leaves_nothing_but_secrets_scheduled_for_deletion(provisioned, deprovision, boto):
    result = deprovision("xmsdev1", confirm="xmsdev1")
    assert result.rc == 0, result.output
    assert users(boto) == ["rms_xmsqa1"]
    assert buckets(boto) == ["fusion-rms-xmsqa1"]
    assert secrets(boto) == {
        "fusion-pos/dev/xmsdev1/db-login": True, "fusion-pos/dev/xmsdev1/rabbitmq": True,
        "fusion-pos/dev/xmsdev1/iam-access-key": True,
        "fusion-pos/qa/xmsqa1/db-login": False, "fusion-pos/qa/xmsqa1/rabbitmq": False}
    assert result.changed("xmsdev1") == 3
    assert result.result(SECRETS_TASK, "xmsdev1")["changed"] is True


def test_secrets_are_scheduled_with_a_seven_day_recovery_window_and_can_be_restored(provisioned, deprovision, boto):
    assert deprovision("xmsqa1", confirm="xmsqa1").rc == 0
    client = boto("secretsmanager")
    described = client.describe_secret(SecretId="fusion-pos/qa/xmsqa1/db-login")
    # DeletedDate: when the deletion happens, at the end of the recovery window
    assert 6 <= (described["DeletedDate"] - described["LastChangedDate"]).days <= 7
    client.restore_secret(SecretId="fusion-pos/qa/xmsqa1/db-login")
    assert client.get_secret_value(SecretId="fusion-pos/qa/xmsqa1/db-login")["SecretString"]


def test_a_second_run_changes_nothing_and_writes_nothing(provisioned, deprovision, aws):
    assert deprovision("xmsqa1", confirm="xmsqa1").rc == 0
    aws.reset_recording()
    again = deprovision("xmsqa1", confirm="xmsqa1")
    assert again.rc == 0, again.output
    assert again.changed("xmsqa1") == 0
    assert aws.writes() == []


def test_check_mode_reports_every_removal_and_writes_nothing(provisioned, deprovision, aws, boto):
    result = deprovision("xmsqa1", confirm="xmsqa1", check=True, diff=True)
    assert result.rc == 0, result.output
    assert [result.result(task, "xmsqa1")["changed"] for task in (BUCKET_TASK, IAM_TASK, SECRETS_TASK)] == [True] * 3
    assert aws.writes() == []
    assert users(boto) == ["rms_xmsdev1", "rms_xmsqa1"]


def test_a_bucket_with_objects_is_refused_without_force_and_the_rerun_with_force_converges(
        provisioned, deprovision, boto):
    boto("s3").put_object(Bucket="fusion-rms-xmsqa1", Key="exports/orders.csv", Body=b"1,2,3")
    stopped = deprovision("xmsqa1", confirm="xmsqa1")
    assert stopped.rc != 0
    assert "refusing to delete it: it holds objects (first: exports/orders.csv)" in stopped.result(BUCKET_TASK, "xmsqa1")["msg"]
    # stopped at the bucket: the IAM user and the secrets after it are still there
    assert "fusion-rms-xmsqa1" in buckets(boto) and "rms_xmsqa1" in users(boto)
    assert secrets(boto)["fusion-pos/qa/xmsqa1/db-login"] is False
    again = deprovision("xmsqa1", confirm="xmsqa1", extra_vars={"force": True})
    assert again.rc == 0, again.output
    assert buckets(boto) == ["fusion-rms-xmsdev1"] and users(boto) == ["rms_xmsdev1"]
    assert secrets(boto)["fusion-pos/qa/xmsqa1/db-login"] is True


def test_a_run_stopped_half_way_converges_when_run_again(provisioned, deprovision, boto):
    # as if the first run had been killed after the bucket step: bucket gone, IAM user and secrets left
    s3 = boto("s3")
    for item in s3.list_objects_v2(Bucket="fusion-rms-xmsqa1").get("Contents", []):
        s3.delete_object(Bucket="fusion-rms-xmsqa1", Key=item["Key"])
    s3.delete_bucket(Bucket="fusion-rms-xmsqa1")
    result = deprovision("xmsqa1", confirm="xmsqa1")
    assert result.rc == 0, result.output
    assert result.result(BUCKET_TASK, "xmsqa1")["changed"] is False
    assert users(boto) == ["rms_xmsdev1"]
    assert secrets(boto)["fusion-pos/qa/xmsqa1/rabbitmq"] is True


@pytest.mark.parametrize("org, confirm, inventory, message", [
    ("xmsqa1", None, SANDBOX, "confirm="),
    ("xmsqa1", "xmsqa2", SANDBOX, "confirm=xmsqa2"),
    ("xmsqa1,xmsqa2", "xmsqa1", SANDBOX, "exactly one org"),
    ("orgs", "orgs", SANDBOX, "exactly one org"),
    ("xmsstg1", "xmsstg1", PRODUCTION, "production and staging orgs are deprovisioned by hand"),
], ids=["missing-confirm", "wrong-confirm", "two-orgs", "a-group", "staging-org"])
def test_refused_runs_make_no_aws_call(deprovision, aws, org, confirm, inventory, message):
    result = deprovision(org, confirm=confirm, inventory=inventory)
    assert result.rc != 0
    assert "deprovision refused" in result.output and message in result.output
    assert aws.calls() == []


# ---- the DNS record and the tenant: POS01, db-POS-01 and the zone in the emulator, POS01's folder local ----

@pytest.fixture
def tenants(tmp_path):
    """POS01's MonitorTenantsFolder stand-in (as tools/sandbox makes it); its tenants.json."""
    (tmp_path / "POS01" / "App_Data").mkdir(parents=True)
    return tmp_path / "POS01" / "App_Data" / "tenants.json"


@pytest.fixture
def placed(run, aws, boto, pos_host, pos_database, hosted_zone, tenants):
    """xmsqa1 and xmsqa2 provisioned with their tenants on POS01 and their records in fusionPOS.com.

    Returns ``options`` for the deprovision runs (the same zone and folder); recorder restarted.
    """
    options = {"extra_vars": {"fusion_pos_hosted_zone": "fusionPOS.com"},
               "env": {"FUSION_SANDBOX_TENANTS_ROOT": str(tenants.parent.parent.parent)}}
    made = run("provision.yml", "xmsqa1,xmsqa2", **options)
    assert made.rc == 0, made.output
    assert sorted(json.loads(tenants.read_text())) == ["xmsqa1", "xmsqa2"]
    assert a_records(boto, hosted_zone) == ["xmsqa1.fusionpos.com", "xmsqa2.fusionpos.com"]
    aws.reset_recording()
    return options


def a_records(boto, zone):
    found = boto("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return sorted(item["Name"].rstrip(".").lower() for item in found if item["Type"] == "A")


def test_the_record_and_the_tenant_of_the_org_go_and_the_others_stay(placed, deprovision, boto, hosted_zone, tenants):
    result = deprovision("xmsqa1", confirm="xmsqa1", **placed)
    assert result.rc == 0, result.output
    assert result.result(DNS_TASK, "xmsqa1")["changed"] is True
    assert result.result(TENANT_TASK, "xmsqa1")["changed"] is True
    assert a_records(boto, hosted_zone) == ["xmsqa2.fusionpos.com"]
    assert sorted(json.loads(tenants.read_text())) == ["xmsqa2"]


def test_check_mode_reports_the_record_and_the_tenant_and_writes_nothing(placed, deprovision, aws, boto, hosted_zone, tenants):
    before = tenants.read_bytes()
    result = deprovision("xmsqa1", confirm="xmsqa1", check=True, diff=True, **placed)
    assert result.rc == 0, result.output
    assert [result.result(task, "xmsqa1")["changed"] for task in (DNS_TASK, TENANT_TASK)] == [True, True]
    assert aws.writes() == []
    assert tenants.read_bytes() == before
    assert a_records(boto, hosted_zone) == ["xmsqa1.fusionpos.com", "xmsqa2.fusionpos.com"]


def test_a_second_run_leaves_the_zone_and_the_tenant_list_alone(placed, deprovision, aws, tenants):
    assert deprovision("xmsqa1", confirm="xmsqa1", **placed).rc == 0
    stamp = tenants.stat().st_mtime_ns
    aws.reset_recording()
    again = deprovision("xmsqa1", confirm="xmsqa1", **placed)
    assert again.rc == 0, again.output
    assert again.changed("xmsqa1") == 0 and aws.writes() == []
    assert tenants.stat().st_mtime_ns == stamp


# ---- the database, on the fake SQL Server (tests/lib/fake_mssql.py) -----------------------------------

@pytest.fixture
def sql(tmp_path, boto):
    """db-POS-01 in the emulator with its master secret, the fake SQL Server behind it, a CA file."""
    import json  # pylint: disable=import-outside-toplevel

    import fake_mssql  # pylint: disable=import-outside-toplevel

    fake = fake_mssql.FakeServer(tmp_path / "sqlserver.json")
    fake.seed("admin", "Master-Pw-0123456789abcdef")
    boto("rds").create_db_instance(DBInstanceIdentifier="db-POS-01", Engine="sqlserver-ex", DBInstanceClass="db.t3.small",
                                   MasterUsername="admin", MasterUserPassword="Master-Pw-0123456789abcdef",
                                   AllocatedStorage=20)
    boto("secretsmanager").create_secret(Name="fusion-pos/qa/db-POS-01/master", SecretString=json.dumps(
        {"username": "admin", "password": "Master-Pw-0123456789abcdef"}))
    ca_file = tmp_path / "rds-ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n(test)\n-----END CERTIFICATE-----\n", encoding="utf-8")
    fake.options = {"env": {"PYTHONPATH": str(REPO / "tests" / "lib"), "FUSION_POS_MSSQL_CONNECT": "fake_mssql:connect",
                            fake_mssql.STATE_ENV: fake.path},
                    "extra_vars": {"fusion_sql_server_available": True, "fusion_rds_ca_bundle": str(ca_file)}}
    return fake


def test_the_database_is_dropped_only_when_asked(run, deprovision, sql):
    made = run("provision.yml", "xmsqa1", extra_vars=sql.options["extra_vars"], env=sql.options["env"])
    assert made.rc == 0, made.output
    assert "POS_xmsqa1" in sql.load()["databases"] and "POS_xmsqa1_user" in sql.load()["logins"]
    kept = deprovision("xmsqa1", confirm="xmsqa1", extra_vars=sql.options["extra_vars"], env=sql.options["env"])
    assert kept.rc == 0, kept.output
    assert "POS_xmsqa1_user" not in sql.load()["logins"] and "POS_xmsqa1" in sql.load()["databases"]
    dropped = deprovision("xmsqa1", confirm="xmsqa1", env=sql.options["env"],
                          extra_vars=dict(sql.options["extra_vars"], drop_database=True))
    assert dropped.rc == 0, dropped.output
    assert "POS_xmsqa1" not in sql.load()["databases"]
