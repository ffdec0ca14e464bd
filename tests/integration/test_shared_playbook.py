"""shared.yml end to end against the emulator: dry run, real run, read-back, idempotence, refusals."""

import json
import shutil

import pytest
import yaml

import fusion_testlib
from fusion_testlib import ACCOUNT_ID, REPO

SANDBOX = REPO / "inventories" / "sandbox"
PLAYBOOK = str(REPO / "shared.yml")
pytestmark = [pytest.mark.emulator, pytest.mark.slow]
OPERATOR = {"name": "Sandbox Operator", "cidr": "203.0.113.10/32"}
MODULE_TASKS = [
    "Ensure the POS VPC of each region",
    "Ensure SG-POS-OPS with one rule per operator",
    "Ensure SG-POS-DB (SQL Server from the POS VPC)",
    "Ensure the shared RDS SQL Server instances",
    "Ensure the shared Amazon MQ brokers",
    "Ensure SG-POS-HOST (POS Server web ports, WinRM from the operators)",
    "Ensure the POS hosts",
]


@pytest.fixture
def shared(playbook, aws):
    """``shared(check=False, **extra_vars)``: run shared.yml on the sandbox inventory."""
    def run(check=False, diff=False, inventory=None, **extra):
        extra_vars = dict({"aws_endpoint_url": aws.url}, **extra)
        return playbook(PLAYBOOK, check=check, diff=diff, extra_vars=extra_vars, inventory=inventory)
    return run


@pytest.fixture
def provisioned(shared, aws):
    result = shared()
    assert result.rc == 0, result.output
    aws.reset_recording()
    return result


@pytest.fixture(scope="module")
def first_run(emulator):
    """One real run on an empty emulator, and everything read back right after it.

    The read-back is taken at once, so the tests that look at it do not depend on the emulator
    state that later tests (which reset it) leave behind."""
    emulator.reset()
    result = fusion_testlib.run_playbook(PLAYBOOK, emulator.url, extra_vars={"aws_endpoint_url": emulator.url})
    assert result.rc == 0, result.output

    def client(service):
        return fusion_testlib.boto3_client(emulator.url, service)
    ec2, rds, mq = client("ec2"), client("rds"), client("mq")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["vpc-POS-us-east-1"]}])["Vpcs"]
    vpc_id = vpc[0]["VpcId"] if vpc else "none"
    brokers = [b for b in mq.list_brokers()["BrokerSummaries"] if b["BrokerName"] == "mq-POS-01"]
    instances = live_instances(ec2, "POS01")
    secrets = client("secretsmanager")
    return {
        "result": result,
        "vpcs": vpc,
        "dns_hostnames": ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"],
        "subnets": by_name(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]),
        "igws": by_name(ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]),
        "route_tables": by_name(ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]),
        "db_subnet_group": rds.describe_db_subnet_groups(DBSubnetGroupName="db-subnets-pos-public-us-east-1")["DBSubnetGroups"][0],
        "groups": dict((g["GroupName"], g) for g in ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]),
        "db": rds.describe_db_instances(DBInstanceIdentifier="db-POS-01")["DBInstances"][0],
        "db_secret": json.loads(secrets.get_secret_value(SecretId="fusion-pos/qa/db-POS-01/master")["SecretString"]),
        "brokers": brokers,
        "broker": mq.describe_broker(BrokerId=brokers[0]["BrokerId"]) if brokers else None,
        "mq_secret": json.loads(secrets.get_secret_value(SecretId="fusion-pos/qa/mq-POS-01/admin")["SecretString"]),
        "url_parameter": client("ssm").get_parameter(Name="/fusion-pos/qa/mq-POS-01/management-url")["Parameter"]["Value"],
        "instances": instances,
        "host_subnet": ec2.describe_subnets(SubnetIds=[instances[0]["SubnetId"]])["Subnets"][0] if instances else None,
        "host_image": ec2.describe_images(ImageIds=[instances[0]["ImageId"]])["Images"][0] if instances else None,
    }


def task(result, name):
    """The result of the task whose name ends with ``name`` (roles prefix it)."""
    matches = [res for task_name, res in result.task_results() if task_name.endswith(name)]
    assert matches, "no task %r in %s" % (name, [t for t, _result in result.task_results()])
    return matches[-1]


def by_name(items):
    return dict((dict((t["Key"], t["Value"]) for t in item.get("Tags", [])).get("Name"), item) for item in items)


def ingress(group):
    return sorted((p["FromPort"], p["ToPort"], r["CidrIp"], r.get("Description", ""))
                  for p in group["IpPermissions"] for r in p.get("IpRanges", []))


def group_named(ec2, name):
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])["SecurityGroups"]
    assert len(groups) == 1, groups
    return groups[0]


def live_instances(ec2, name):
    reservations = ec2.describe_instances(Filters=[
        {"Name": "tag:Name", "Values": [name]},
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]
    return [i for r in reservations for i in r["Instances"]]


# ---- dry run -------------------------------------------------------------------------------

def test_dry_run_on_an_empty_account_lists_every_creation_without_writing(shared, aws):
    result = shared(check=True, diff=True)
    assert result.rc == 0, result.output
    for name in MODULE_TASKS:
        assert all(item["changed"] for item in task(result, name)["results"]), name
    vpc = task(result, "Ensure the POS VPC of each region")["results"][0]
    assert vpc["diff"]["before"]["vpc"] is None
    assert sorted(vpc["subnets"]) == ["subnet-POS-private-us-east-1a", "subnet-POS-private-us-east-1b",
                                      "subnet-POS-public-us-east-1a", "subnet-POS-public-us-east-1b"]
    ops = task(result, "Ensure SG-POS-OPS with one rule per operator")["results"][0]
    assert [(r["from_port"], r["cidr"], r["description"]) for r in ops["rules"]] == [(1433, OPERATOR["cidr"], OPERATOR["name"])]
    assert aws.writes() == []


# ---- real run and read-back ----------------------------------------------------------------

def test_first_run_builds_the_regional_vpc_as_specified(first_run):
    assert len(first_run["vpcs"]) == 1
    vpc = first_run["vpcs"][0]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert vpc["InstanceTenancy"] == "default"
    assert not vpc.get("Ipv6CidrBlockAssociationSet")
    assert first_run["dns_hostnames"] is True
    subnets = first_run["subnets"]
    layout = dict((name, (s["CidrBlock"], s["AvailabilityZone"], s["MapPublicIpOnLaunch"])) for name, s in subnets.items())
    assert layout == {
        "subnet-POS-public-us-east-1a": ("10.0.0.0/20", "us-east-1a", True),
        "subnet-POS-public-us-east-1b": ("10.0.16.0/20", "us-east-1b", True),
        "subnet-POS-private-us-east-1a": ("10.0.128.0/20", "us-east-1a", False),
        "subnet-POS-private-us-east-1b": ("10.0.144.0/20", "us-east-1b", False),
    }
    assert list(first_run["igws"]) == ["igw-POS-us-east-1"]


def test_first_run_routes_the_public_subnets_to_the_internet_gateway_only(first_run):
    igw_id = first_run["igws"]["igw-POS-us-east-1"]["InternetGatewayId"]
    subnets = first_run["subnets"]
    tables = first_run["route_tables"]
    public, private = tables["rtb-POS-public-us-east-1"], tables["rtb-POS-private-us-east-1"]
    assert {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_id} in [
        dict((k, r.get(k)) for k in ("DestinationCidrBlock", "GatewayId")) for r in public["Routes"]]
    assert not [r for r in private["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]

    def members(table):
        return sorted(a["SubnetId"] for a in table["Associations"] if a.get("SubnetId"))
    assert members(public) == sorted(subnets[n]["SubnetId"] for n in subnets if "public" in n)
    assert members(private) == sorted(subnets[n]["SubnetId"] for n in subnets if "private" in n)


def test_first_run_puts_the_db_subnet_group_on_the_public_subnets(first_run):
    subnets = first_run["subnets"]
    assert sorted(s["SubnetIdentifier"] for s in first_run["db_subnet_group"]["Subnets"]) == sorted(
        subnets[n]["SubnetId"] for n in subnets if "public" in n)


def test_first_run_gives_each_operator_one_sql_server_rule_named_after_them(first_run):
    assert ingress(first_run["groups"]["SG-POS-OPS"]) == [(1433, 1433, OPERATOR["cidr"], OPERATOR["name"])]


def test_first_run_creates_the_sql_server_as_declared(first_run):
    db = first_run["db"]
    assert (db["Engine"], db["LicenseModel"], db["EngineVersion"]) == ("sqlserver-ex", "license-included", "15.00.4365.2.v1")
    assert db["PubliclyAccessible"] is True
    assert db["AvailabilityZone"] == "us-east-1a"
    assert db["DeletionProtection"] is False  # qa
    assert (db["DBInstanceClass"], db["AllocatedStorage"]) == ("db.t3.small", 20)
    assert db["DBSubnetGroup"]["DBSubnetGroupName"] == "db-subnets-pos-public-us-east-1"
    groups = first_run["groups"]
    assert sorted(g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]) == sorted(
        groups[name]["GroupId"] for name in ("SG-POS-DB", "SG-POS-OPS"))
    assert ingress(groups["SG-POS-DB"]) == [(1433, 1433, "10.0.0.0/16", "POS VPC")]


def test_first_run_keeps_the_master_password_only_in_secrets_manager(first_run):
    secret = first_run["db_secret"]
    assert secret["username"] == "admin" and len(secret["password"]) >= 16
    assert secret["password"] not in first_run["result"].output


def test_first_run_creates_the_rabbitmq_broker_as_declared(first_run):
    assert len(first_run["brokers"]) == 1
    broker = first_run["broker"]
    assert (broker["EngineType"], broker["EngineVersion"], broker["DeploymentMode"], broker["HostInstanceType"]) == (
        "RABBITMQ", "3.13", "SINGLE_INSTANCE", "mq.t3.micro")
    assert [u["Username"] for u in broker["Users"]] == ["admin"]
    assert first_run["mq_secret"]["username"] == "admin"
    assert first_run["mq_secret"]["password"] not in first_run["result"].output


def test_first_run_records_the_broker_management_url(first_run):
    url = first_run["broker"]["BrokerInstances"][0]["ConsoleURL"]
    assert first_run["url_parameter"] == url
    assert task(first_run["result"], "Ensure the shared Amazon MQ brokers")["results"][0]["broker"]["management_url"] == url


def test_first_run_launches_one_windows_pos_host_in_its_subnet_with_its_tags(first_run):
    assert len(first_run["instances"]) == 1
    host = first_run["instances"][0]
    tags = dict((t["Key"], t["Value"]) for t in host["Tags"])
    assert (tags["PosVersion"], tags["PosRdsInstance"], tags["PosBroker"]) == ("24.2.1", "db-POS-01", "mq-POS-01")
    assert host["Placement"]["AvailabilityZone"] == "us-east-1a"
    assert dict((t["Key"], t["Value"]) for t in first_run["host_subnet"]["Tags"])["Name"] == "subnet-POS-public-us-east-1a"
    image = first_run["host_image"]
    assert image["Platform"] == "windows" and image["Name"].startswith("Windows_Server-")
    assert host["InstanceType"] == "t3.large"  # qa default


def test_first_run_opens_the_web_ports_and_winrm_from_the_operators_on_the_pos_host(first_run):
    sg = first_run["groups"]["SG-POS-HOST"]
    assert [g["GroupId"] for g in first_run["instances"][0]["SecurityGroups"]] == [sg["GroupId"]]
    assert ingress(sg) == [(80, 80, "0.0.0.0/0", "POS Server web"), (443, 443, "0.0.0.0/0", "POS Server web"),
                           (5985, 5985, OPERATOR["cidr"], OPERATOR["name"]), (5986, 5986, OPERATOR["cidr"], OPERATOR["name"])]


# ---- idempotence ---------------------------------------------------------------------------

def test_second_run_and_dry_run_change_nothing_and_write_nothing(provisioned, shared, aws, boto):
    again = shared()
    assert again.rc == 0, again.output
    assert again.changed() == 0
    dry = shared(check=True, diff=True)
    assert dry.rc == 0, dry.output
    assert dry.changed() == 0
    assert aws.writes() == []
    assert len(live_instances(boto("ec2"), "POS01")) == 1


def test_an_operator_removed_from_the_inventory_loses_the_rule(provisioned, shared, boto):
    newcomer = {"name": "Jane Doe", "address": "198.51.100.7"}
    result = shared(shared_operators=[newcomer])
    assert result.rc == 0, result.output
    ec2 = boto("ec2")
    assert ingress(group_named(ec2, "SG-POS-OPS")) == [(1433, 1433, "198.51.100.7/32", "Jane Doe")]
    winrm = [rule for rule in ingress(group_named(ec2, "SG-POS-HOST")) if rule[0] in (5985, 5986)]
    assert winrm == [(5985, 5985, "198.51.100.7/32", "Jane Doe"), (5986, 5986, "198.51.100.7/32", "Jane Doe")]


def test_production_protects_the_database_and_uses_a_large_broker(shared, boto):
    result = shared(fusion_environment="production", fusion_production_account_id=ACCOUNT_ID)
    assert result.rc == 0, result.output
    db = boto("rds").describe_db_instances(DBInstanceIdentifier="db-POS-01")["DBInstances"][0]
    assert db["DeletionProtection"] is True
    assert (db["DBInstanceClass"], db["AllocatedStorage"], db["BackupRetentionPeriod"]) == ("db.t3.xlarge", 100, 7)
    mq = boto("mq")
    assert [b["HostInstanceType"] for b in mq.list_brokers()["BrokerSummaries"]] == ["mq.m5.large"]
    boto("secretsmanager").describe_secret(SecretId="fusion-pos/production/db-POS-01/master")


# ---- refusals before any write -------------------------------------------------------------
# The whole rule table of the declaration is in tests/unit/test_fusion_shared_declaration.py; these
# cases show that the playbook stops on it before any AWS write.

HOST = {"region": "us-east-1", "availability_zone": "us-east-1a", "rds_instance": "db-POS-01",
        "broker": "mq-POS-01", "pos_version": "24.2.1"}
RDS = {"name": "db-POS-01", "region": "us-east-1", "availability_zone": "us-east-1a", "edition": "express"}


@pytest.mark.parametrize("extra, expected", [
    ({"shared_rds_instances": [dict(RDS, name="db-pos-01")]}, "rds_instances[db-pos-01]: invalid RDS instance name"),
    ({"shared_rds_instances": [dict(RDS, availability_zone="us-east-1b")]},
     "pos_hosts[POS01]: is in us-east-1/us-east-1a but its RDS instance db-POS-01 is in us-east-1/us-east-1b"),
    ({"shared_rds_instances": [dict(RDS, edition="standard")]}, "rds_instances[db-POS-01]: unknown edition 'standard'"),
    ({"pos_host": dict(HOST, broker="mq-POS-02")}, "pos_hosts[POS01]: broker mq-POS-02 is not declared"),
    ({"fusion_account_id": "111122223333"}, "but the inventory declares account 111122223333"),
], ids=["rds-name", "rds-host-az", "edition", "undeclared-broker", "wrong-account"])
def test_a_bad_declaration_fails_before_any_write_naming_the_entry(shared, aws, extra, expected):
    result = shared(**extra)
    assert result.rc != 0
    assert expected in result.output, result.output
    assert aws.writes() == []


def test_a_pos_host_name_that_breaks_the_pattern_fails_before_any_write(shared, aws, tmp_path):
    inventory = tmp_path / "inventory"
    shutil.copytree(SANDBOX / "group_vars", inventory / "group_vars")
    (inventory / "pos_hosts.yml").write_text(yaml.safe_dump({"pos_hosts": {"hosts": {"POS1": {"pos_host": HOST}}}}))
    result = shared(inventory=inventory)
    assert result.rc != 0
    assert "pos_hosts[POS1]: invalid POS host name 'POS1'" in result.output, result.output
    assert aws.writes() == []


def test_a_root_caller_is_refused_before_any_write(tmp_path):
    root_emulator = fusion_testlib.Emulator(tmp_path / "root-emulator", {"FUSION_EMULATOR_ROOT_CALLER": "1"})
    try:
        root_emulator.reset_recording()
        result = fusion_testlib.run_playbook(PLAYBOOK, root_emulator.url, extra_vars={"aws_endpoint_url": root_emulator.url})
        assert result.rc != 0
        assert "refusing to run as the root identity of account %s" % ACCOUNT_ID in result.output, result.output
        assert root_emulator.writes() == []
    finally:
        root_emulator.stop()


# ---- drift ---------------------------------------------------------------------------------

def changed_tasks(result):
    return sorted(name.split(" : ")[-1] for name, res in result.task_results() if res.get("changed"))


def test_drift_is_put_back_without_a_new_host_or_a_new_password(provisioned, shared, aws, boto):
    ec2, rds, secrets = boto("ec2"), boto("rds"), boto("secretsmanager")
    ops = group_named(ec2, "SG-POS-OPS")
    ec2.authorize_security_group_ingress(GroupId=ops["GroupId"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 1433, "ToPort": 1433, "IpRanges": [{"CidrIp": "192.0.2.1/32", "Description": "by hand"}]}])
    rds.modify_db_instance(DBInstanceIdentifier="db-POS-01", DBInstanceClass="db.t3.medium", ApplyImmediately=True)
    host = live_instances(ec2, "POS01")[0]
    ec2.create_tags(Resources=[host["InstanceId"]], Tags=[{"Key": "PosVersion", "Value": "0.0.1"}])
    password = secrets.get_secret_value(SecretId="fusion-pos/qa/db-POS-01/master")["SecretString"]
    aws.reset_recording()

    dry = shared(check=True)
    assert dry.rc == 0, dry.output
    assert aws.writes() == []
    result = shared()

    assert result.rc == 0, result.output
    assert changed_tasks(dry) == changed_tasks(result) == [
        "Ensure SG-POS-OPS with one rule per operator", "Ensure the POS hosts", "Ensure the shared RDS SQL Server instances"]
    assert sorted(call.action for call in aws.writes()) == ["CreateTags", "ModifyDBInstance", "RevokeSecurityGroupIngress"]
    assert ingress(group_named(ec2, "SG-POS-OPS")) == [(1433, 1433, OPERATOR["cidr"], OPERATOR["name"])]
    assert rds.describe_db_instances(DBInstanceIdentifier="db-POS-01")["DBInstances"][0]["DBInstanceClass"] == "db.t3.small"
    hosts = live_instances(ec2, "POS01")
    assert [h["InstanceId"] for h in hosts] == [host["InstanceId"]]
    assert dict((t["Key"], t["Value"]) for t in hosts[0]["Tags"])["PosVersion"] == "24.2.1"
    assert secrets.get_secret_value(SecretId="fusion-pos/qa/db-POS-01/master")["SecretString"] == password


def test_a_terminated_pos_host_is_replaced_by_exactly_one_instance(provisioned, shared, boto):
    ec2 = boto("ec2")
    old = live_instances(ec2, "POS01")[0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[old])
    result = shared()
    assert result.rc == 0, result.output
    hosts = live_instances(ec2, "POS01")
    assert len(hosts) == 1 and hosts[0]["InstanceId"] != old


# ---- generated credentials (module_utils/_secrets.py, the one password-manager interface) -----

MASTER_SECRET = "fusion-pos/qa/db-POS-01/master"
ADMIN_SECRET = "fusion-pos/qa/mq-POS-01/admin"


def test_a_lost_master_secret_gets_a_new_password_stored_then_set(provisioned, shared, aws, boto):
    secrets = boto("secretsmanager")
    secrets.delete_secret(SecretId=MASTER_SECRET, ForceDeleteWithoutRecovery=True)
    aws.reset_recording()
    result = shared()
    assert result.rc == 0, result.output
    assert changed_tasks(result) == ["Ensure the shared RDS SQL Server instances"]
    assert [call.action for call in aws.writes()] == ["CreateSecret", "ModifyDBInstance"]
    stored = json.loads(secrets.get_secret_value(SecretId=MASTER_SECRET)["SecretString"])
    assert stored["username"] == "admin" and len(stored["password"]) == 32
    assert stored["password"] not in result.output


def test_a_broker_whose_admin_secret_is_lost_is_refused_before_any_write(provisioned, shared, aws, boto):
    boto("secretsmanager").delete_secret(SecretId=ADMIN_SECRET, ForceDeleteWithoutRecovery=True)
    aws.reset_recording()
    result = shared()
    assert result.rc != 0
    assert "broker mq-POS-01: exists but its admin secret %s does not" % ADMIN_SECRET in result.output
    assert aws.writes() == []


def test_a_master_secret_scheduled_for_deletion_is_refused_before_any_write(provisioned, shared, aws, boto):
    boto("secretsmanager").delete_secret(SecretId=MASTER_SECRET, RecoveryWindowInDays=7)
    aws.reset_recording()
    result = shared()
    assert result.rc != 0
    assert "secret %s is scheduled for deletion" % MASTER_SECRET in result.output
    assert aws.writes() == []


def test_secrets_left_by_a_creation_that_failed_half_way_are_reused_not_replaced(shared, aws, boto):
    secrets = boto("secretsmanager")
    kept = {}
    for name in (MASTER_SECRET, ADMIN_SECRET):
        kept[name] = json.dumps({"password": "Kept-Pass-%s-1234567890" % name[-5:], "username": "admin"}, sort_keys=True)
        secrets.create_secret(Name=name, SecretString=kept[name],
                              Tags=[{"Key": "Environment", "Value": "qa"}, {"Key": "ManagedBy", "Value": "fusion.pos"}])
    aws.reset_recording()
    result = shared()
    assert result.rc == 0, result.output
    assert "CreateSecret" not in [call.action for call in aws.writes()]
    for name, value in kept.items():
        assert secrets.get_secret_value(SecretId=name)["SecretString"] == value
        assert json.loads(value)["password"] not in result.output
