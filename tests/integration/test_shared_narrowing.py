"""shared.yml narrowed with -e region=... and --limit, against the emulator.

The inventory is a copy of the sandbox with a second region: eu-west-1 with db-POS-02 and mq-POS-02
used by POS02, and db-POS-03 that no host uses. Every run is read back with boto3 in both regions."""

import shutil

import pytest
import yaml

from fusion_testlib import REPO

SANDBOX = REPO / "inventories" / "sandbox"
PLAYBOOK = str(REPO / "shared.yml")
pytestmark = [pytest.mark.emulator, pytest.mark.slow]
REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture
def inventory(tmp_path):
    """The sandbox inventory (orgs included) plus eu-west-1, its RDS instances and broker, and POS02."""
    inv = tmp_path / "inventory"
    shutil.copytree(SANDBOX, inv)
    shared_vars = inv / "group_vars" / "all" / "shared.yml"
    declared = yaml.safe_load(shared_vars.read_text())
    declared["shared_regions"].append({"region": "eu-west-1", "availability_zones": ["eu-west-1a", "eu-west-1b"]})
    declared["shared_rds_instances"] += [
        {"name": "db-POS-02", "region": "eu-west-1", "availability_zone": "eu-west-1a", "edition": "express"},
        {"name": "db-POS-03", "region": "eu-west-1", "availability_zone": "eu-west-1b", "edition": "express"}]
    declared["shared_brokers"].append({"name": "mq-POS-02", "region": "eu-west-1"})
    shared_vars.write_text(yaml.safe_dump(declared))
    pos_hosts = inv / "pos_hosts.yml"
    hosts = yaml.safe_load(pos_hosts.read_text())
    hosts["pos_hosts"]["hosts"]["POS02"] = {"pos_host": {
        "region": "eu-west-1", "availability_zone": "eu-west-1a", "rds_instance": "db-POS-02", "broker": "mq-POS-02",
        "pos_version": "24.2.1"}}
    pos_hosts.write_text(yaml.safe_dump(hosts))
    return inv


@pytest.fixture
def shared(playbook, aws, inventory):
    """``shared(check=False, limit=None, **extra_vars)``: shared.yml on the two-region inventory."""
    def run(check=False, limit=None, **extra):
        return playbook(PLAYBOOK, check=check, inventory=inventory, limit=limit,
                        extra_vars=dict({"aws_endpoint_url": aws.url}, **extra))
    return run


@pytest.fixture
def built(boto):
    """``built()``: per region, what shared.yml built there (read back with boto3)."""
    def read():
        state = {}
        for region in REGIONS:
            ec2, rds, mq = boto("ec2", region=region), boto("rds", region=region), boto("mq", region=region)
            reservations = ec2.describe_instances(Filters=[
                {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]
            state[region] = {
                "vpcs": sorted(tag["Value"] for vpc in ec2.describe_vpcs()["Vpcs"] for tag in vpc.get("Tags", [])
                               if tag["Key"] == "Name"),
                "groups": sorted(g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]
                                 if g["GroupName"] != "default"),
                # RDS keeps identifiers in lower case
                "databases": sorted(db["DBInstanceIdentifier"].lower() for db in rds.describe_db_instances()["DBInstances"]),
                "brokers": sorted(b["BrokerName"] for b in mq.list_brokers()["BrokerSummaries"]),
                "hosts": sorted(tag["Value"] for r in reservations for i in r["Instances"] for tag in i.get("Tags", [])
                                if tag["Key"] == "Name"),
            }
        return state
    return read


NOTHING = {"vpcs": [], "groups": [], "databases": [], "brokers": [], "hosts": []}
EU_ALL = {"vpcs": ["vpc-POS-eu-west-1"], "groups": ["SG-POS-DB", "SG-POS-HOST", "SG-POS-OPS"],
          "databases": ["db-pos-02", "db-pos-03"], "brokers": ["mq-POS-02"], "hosts": ["POS02"]}


def test_a_region_builds_only_that_regions_resources_exactly_and_once(shared, built, aws):
    dry = shared(check=True, region="eu-west-1")
    assert dry.rc == 0, dry.output
    assert aws.writes() == []
    assert "narrowed by -e region=eu-west-1: regions eu-west-1; RDS instances db-POS-02, db-POS-03" in dry.stdout

    result = shared(region="eu-west-1")
    assert result.rc == 0, result.output
    assert built() == {"eu-west-1": EU_ALL, "us-east-1": NOTHING}
    assert dry.changed() == result.changed() > 0

    aws.reset_recording()
    again = shared(region="eu-west-1")
    assert again.rc == 0, again.output
    assert again.changed() == 0
    assert aws.writes() == []


def test_an_undeclared_region_is_refused_before_any_aws_call_naming_the_declared_ones(shared, aws):
    result = shared(region="ap-south-1")
    assert result.rc != 0
    assert ("shared.yml -e region refused: region 'ap-south-1' is not declared in this inventory; "
            "declared regions: eu-west-1, us-east-1") in result.output, result.output
    assert aws.calls() == []


def test_a_declared_region_botocore_does_not_know_is_refused_before_any_aws_call(shared, aws):
    result = shared(shared_regions=[{"region": "zz-nowhere-1", "availability_zones": ["zz-nowhere-1a", "zz-nowhere-1b"]}])
    assert result.rc != 0
    assert "shared declaration refused (qa): regions[zz-nowhere-1]: unknown AWS region 'zz-nowhere-1'" in result.output, result.output
    assert aws.calls() == []


def test_the_dry_run_validates_exactly_like_the_run(shared, aws):
    dry = shared(check=True, limit="POS02")
    assert dry.rc == 0, dry.output
    assert "narrowed by --limit POS02: regions eu-west-1; RDS instances db-POS-02; brokers mq-POS-02; POS hosts POS02" in dry.stdout
    assert aws.writes() == []


def test_a_limit_builds_only_that_pos_host_and_what_it_needs_once(shared, built, aws):
    result = shared(limit="POS02")
    assert result.rc == 0, result.output
    # db-POS-03 shares the region but not the host: a limit leaves it out, unlike -e region
    assert built() == {"eu-west-1": dict(EU_ALL, databases=["db-pos-02"]), "us-east-1": NOTHING}
    assert result.changed("POS02") > 0

    aws.reset_recording()
    again = shared(limit="POS02")
    assert again.rc == 0, again.output
    assert again.changed("POS02") == 0
    assert aws.writes() == []


@pytest.mark.parametrize("limit, expected", [
    ("xmsqa1", "shared.yml --limit 'xmsqa1' refused: it selects hosts that are not declared POS hosts: xmsqa1 "
               "(a limit narrows shared.yml to POS hosts; declared POS hosts: POS01, POS02)"),
    ("POS09", "Specified inventory, host pattern and/or --limit leaves us with no hosts to target"),
], ids=["an-org", "no-host-at-all"])
def test_a_limit_that_names_no_pos_host_is_refused_before_any_aws_call(shared, aws, limit, expected):
    result = shared(limit=limit)
    assert result.rc != 0
    assert expected in result.output, result.output
    assert aws.calls() == []
