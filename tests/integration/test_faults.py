"""Fault injection: provision.yml and shared.yml through a proxy that loses, delays and refuses answers.

Every run goes through ``fault_proxy.FaultProxy`` (``aws_endpoint_url`` is the proxy); every check reads
the estate straight from the emulator. What must hold whatever the faults: exactly one of each
resource, the access key kept is the one in the password manager, and a fault-free re-run changes
nothing and writes nothing. ``FUSION_FAULT_SEED`` / ``FUSION_FAULT_RATE`` replay a random run
(the seed and the injected faults are printed, and named in every assertion message).
"""

import json
import os
import signal
import subprocess
import threading

import pytest

import fault_proxy
import fusion_testlib
from fusion_testlib import REPO, module_play

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

SEED = int(os.environ.get("FUSION_FAULT_SEED", "20261202"))
RATE = float(os.environ.get("FUSION_FAULT_RATE", "0.2"))
READ_TIMEOUT = 2.0
HOLD = READ_TIMEOUT + 1.5
# Small timeouts so that held answers cost seconds; a short backoff so retries do too.
FAULT_ENV = {"FUSION_POS_AWS_READ_TIMEOUT": str(READ_TIMEOUT), "FUSION_POS_AWS_RETRY_BASE_DELAY": "0.05",
             "FUSION_POS_AWS_RETRY_MAX_DELAY": "1"}
ORGS = ("xmsqa1", "xmsqa2", "xmsdev1")   # xmsdev1 has org_iam_access_key: true
KEY_ORG = "xmsdev1"
KEY_SECRET = "fusion-pos/dev/xmsdev1/iam-access-key"
ORG_SECRETS = ["fusion-pos/%s/%s/%s" % ("dev" if org == KEY_ORG else "qa", org, purpose)
               for org in ORGS for purpose in ("db-login", "rabbitmq")] + [KEY_SECRET]
SHARED_SECRETS = ["fusion-pos/qa/db-POS-01/master", "fusion-pos/qa/mq-POS-01/admin"]
VPC = "vpc-POS-us-east-1"
SUBNETS = ["subnet-POS-%s-us-east-1%s" % (kind, az) for kind in ("public", "private") for az in "ab"]
PROVISION_CREATES = ["CreateUser", "CreateAccessKey", "CreateSecret", "s3:PUT bucket", "s3:PUT tagging"]
SHARED_CREATES = ["CreateVpc", "ModifyVpcAttribute", "CreateInternetGateway", "AttachInternetGateway", "CreateSubnet",
                  "CreateRouteTable", "CreateRoute", "AssociateRouteTable", "CreateDBSubnetGroup", "CreateSecurityGroup",
                  "AuthorizeSecurityGroupIngress", "CreateSecret", "CreateDBInstance", "CreateBroker", "PutParameter",
                  "RunInstances"]


@pytest.fixture
def proxy(aws):
    """``proxy(rate=0.0, seed=SEED, on_request=None)``: a fault proxy in front of this test's emulator."""
    made = []

    def make(rate=0.0, seed=SEED, on_request=None):
        made.append(fault_proxy.FaultProxy(aws.url, seed=seed, rate=rate, hold=HOLD, on_request=on_request))
        return made[-1]
    yield make
    for item in made:
        print(item.summary())  # shown with the test's output when it fails: the seed to replay
        print("writes seen: %s" % ", ".join(item.actions(writes=True)))
        item.stop()


def run(path_or_plays, url, **extra):
    """A playbook run whose every AWS call goes to ``url`` (the proxy, or the emulator itself)."""
    extra_vars = dict(extra, aws_endpoint_url=url)
    return fusion_testlib.run_playbook(path_or_plays, url, extra_vars=extra_vars, env=FAULT_ENV)


def provision(url, orgs=ORGS):
    return run("provision.yml", url, org=",".join(orgs))


def shared(url):
    return run("shared.yml", url)


def changed(result):
    return sum(stats.get("changed", 0) for stats in result.stats.values())


def by_name(items):
    counts = {}
    for item in items:
        name = dict((t["Key"], t["Value"]) for t in item.get("Tags", [])).get("Name")
        counts[name] = counts.get(name, 0) + 1
    return counts


def org_estate(boto, orgs=ORGS):
    """What provision.yml made, read straight from the emulator."""
    iam, s3, sm = boto("iam"), boto("s3"), boto("secretsmanager")
    users = [u["UserName"] for u in iam.list_users()["Users"]]
    keys = dict((org, sorted(k["AccessKeyId"] for k in iam.list_access_keys(UserName="rms_" + org)["AccessKeyMetadata"]))
                for org in orgs if "rms_" + org in users)
    secrets = sorted(s["Name"] for s in sm.list_secrets()["SecretList"])
    stored_key = None
    if KEY_SECRET in secrets:
        stored_key = json.loads(sm.get_secret_value(SecretId=KEY_SECRET)["SecretString"])["AccessKeyId"]
    buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    pending = [user for user in users if any(t["Key"] == "fusion.pos:access-key-pending" for t in iam.list_user_tags(UserName=user)["Tags"])]
    return {"users": sorted(users), "keys": keys, "stored_key": stored_key, "secrets": secrets, "buckets": buckets, "pending": pending}


def assert_one_org_estate(estate, orgs=ORGS, why=""):
    assert estate["users"] == sorted("rms_" + org for org in orgs), why
    assert estate["buckets"] == sorted("fusion-rms-" + org for org in orgs), why
    assert estate["pending"] == [], why
    for org in orgs:
        if org == KEY_ORG:
            assert estate["keys"][org] == [estate["stored_key"]], "%s: keys %s, stored %s" % (why, estate["keys"][org], estate["stored_key"])
        else:
            assert estate["keys"][org] == [], why
    wanted = [s for s in ORG_SECRETS if any("/%s/" % org in s for org in orgs)]
    assert [s for s in estate["secrets"] if s not in SHARED_SECRETS] == sorted(wanted), why


def shared_estate(boto):
    """What shared.yml made, read straight from the emulator."""
    ec2, rds, mq, sm = boto("ec2"), boto("rds"), boto("mq"), boto("secretsmanager")
    live = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])
    return {
        "vpcs": by_name(ec2.describe_vpcs(Filters=[{"Name": "tag:ManagedBy", "Values": ["fusion.pos"]}])["Vpcs"]),
        "subnets": by_name(ec2.describe_subnets()["Subnets"]),
        "igws": by_name(ec2.describe_internet_gateways()["InternetGateways"]),
        "route_tables": by_name(t for t in ec2.describe_route_tables()["RouteTables"] if t.get("Tags")),
        "groups": sorted(g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"),
        "db_subnet_groups": [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]],
        "db_instances": [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]],
        "brokers": [b["BrokerName"] for b in mq.list_brokers()["BrokerSummaries"]],
        "instances": by_name(i for r in live["Reservations"] for i in r["Instances"]),
        "secrets": sorted(s["Name"] for s in sm.list_secrets()["SecretList"] if s["Name"] in SHARED_SECRETS),
    }


def assert_one_shared_estate(estate, why=""):
    assert estate["vpcs"] == {VPC: 1}, why
    assert all(estate["subnets"].get(name) == 1 for name in SUBNETS), (estate["subnets"], why)
    assert estate["igws"] == {"igw-POS-us-east-1": 1}, why
    assert all(count == 1 for count in estate["route_tables"].values()) and len(estate["route_tables"]) == 2, (estate["route_tables"], why)
    assert estate["groups"] == sorted(set(estate["groups"])) and len(estate["groups"]) == 3, (estate["groups"], why)
    assert estate["db_subnet_groups"] == ["db-subnets-pos-public-us-east-1"], why
    assert estate["db_instances"] == ["db-pos-01"] or estate["db_instances"] == ["db-POS-01"], why
    assert estate["brokers"] == ["mq-POS-01"], why
    assert estate["instances"] == {"POS01": 1}, why
    assert estate["secrets"] == sorted(SHARED_SECRETS), why


def assert_clean_rerun(aws, why=""):
    """A fault-free re-run of both playbooks, straight to the emulator: changed=0 and zero writes."""
    aws.reset_recording()
    for result in (provision(aws.url), shared(aws.url)):
        assert result.rc == 0, why + "\n" + result.output[-3000:]
        assert changed(result) == 0, why + " " + json.dumps(result.stats)
    assert aws.writes() == [], why


# ---- random faults ----------------------------------------------------------------------------

@pytest.mark.timeout(900)
def test_random_faults_converge_to_exactly_one_of_each(aws, boto, proxy):
    faulty = proxy(rate=RATE)
    first = provision(faulty.url)
    second = shared(faulty.url)
    why = faulty.summary()
    assert first.rc == 0, why + "\n" + first.output[-3000:]
    assert second.rc == 0, why + "\n" + second.output[-3000:]
    assert sum(faulty.injected.values()) >= 10, why
    assert_one_org_estate(org_estate(boto), why=why)
    assert_one_shared_estate(shared_estate(boto), why=why)
    assert_clean_rerun(aws, why)


# ---- lost answers to reads and writes ---------------------------------------------------------

READS = [
    ("ListAccessKeys", [{"name": "user", "fusion.pos.fusion_iam_user": {"org": KEY_ORG, "create_access_key": True, "environment": "dev"}}]),
    ("DescribeDBSubnetGroups", [{"name": "vpc", "fusion.pos.fusion_vpc": {"region": "us-east-1",
                                                                          "availability_zones": ["us-east-1a", "us-east-1b"]}}]),
]


@pytest.mark.parametrize("action,tasks,kind", [READS[0] + ("drop_before",), READS[1] + ("drop_after",)],
                         ids=["%s-%s" % (READS[0][0], "drop_before"), "%s-%s" % (READS[1][0], "drop_after")])
def test_a_dropped_connection_on_a_read_is_retried(aws, proxy, action, tasks, kind):
    faulty = proxy()
    faulty.target(action, kind)
    result = run(module_play(tasks), faulty.url)
    assert result.rc == 0, faulty.summary() + "\n" + result.output[-3000:]
    assert faulty.injected[kind] == 1


def lose_the_answer_to_every_create(faulty, creates, kind, play):
    """Run ``play(url)`` through ``faulty`` with ``kind`` injected on the first request of each create;
    assert the run succeeded and every fault was injected. Returns the proxy's summary (the seed)."""
    for action in creates:
        faulty.target(action, kind)
    result = play(faulty.url)
    why = faulty.summary()
    assert result.rc == 0, why + "\n" + result.output[-3000:]
    assert faulty.injected[kind] == len(creates), why
    return why


@pytest.mark.parametrize("kind", ["drop_after", "hold", "error500_after"])
def test_lost_answers_to_every_create_of_provision_leave_one_of_each(aws, boto, proxy, kind):
    why = lose_the_answer_to_every_create(proxy(), PROVISION_CREATES, kind, provision)
    assert_one_org_estate(org_estate(boto), why=why)


@pytest.mark.parametrize("kind", ["drop_after"])  # held answers: the random run and the targeted tests below
def test_lost_answers_to_every_create_of_shared_leave_one_of_each(aws, boto, proxy, kind):
    why = lose_the_answer_to_every_create(proxy(), SHARED_CREATES, kind, shared)
    assert_one_shared_estate(shared_estate(boto), why=why)


def test_a_held_create_access_key_answer_leaves_one_key_the_stored_one(aws, boto, proxy):
    faulty = proxy()
    faulty.target("CreateAccessKey", "hold")
    result = provision(faulty.url, orgs=[KEY_ORG])
    assert result.rc == 0, result.output[-3000:]
    assert faulty.injected["hold"] == 1
    assert_one_org_estate(org_estate(boto, [KEY_ORG]), [KEY_ORG])


@pytest.mark.parametrize("kind", ["drop_after", "hold"])
def test_a_lost_create_vpc_answer_leaves_one_vpc(aws, boto, proxy, kind):
    faulty = proxy()
    faulty.target("CreateVpc", kind)
    result = run(module_play(READS[1][1]), faulty.url)
    assert result.rc == 0, result.output[-3000:]
    assert shared_estate(boto)["vpcs"] == {VPC: 1}
    again = run(module_play(READS[1][1]), aws.url)
    assert again.rc == 0 and changed(again) == 0, again.output[-3000:]


WRITES = [
    ("CreateUser", [{"name": "user", "fusion.pos.fusion_iam_user": {"org": "xmsqa1"}}]),
    ("ModifyVpcAttribute", READS[1][1]),
    ("s3:PUT tagging", [{"name": "bucket", "fusion.pos.fusion_s3_bucket": {"org": "xmsqa1", "tags": {"Team": "pos"}}}]),
]


@pytest.mark.parametrize("action,tasks", WRITES, ids=[item[0] for item in WRITES])
def test_a_lost_answer_to_a_write_is_retried(aws, proxy, action, tasks):
    faulty = proxy()
    faulty.target(action, "drop_after")
    result = run(module_play(tasks), faulty.url)
    assert result.rc == 0, result.output[-3000:]
    assert faulty.injected["drop_after"] == 1
    aws.reset_recording()
    again = run(module_play(tasks), aws.url)
    assert again.rc == 0 and changed(again) == 0 and aws.writes() == [], again.output[-3000:]


def test_a_lost_answer_to_the_dns_record_delete_converges(aws, boto, proxy, hosted_zone, pos_host):
    """deprovision's DNS step: the DELETE went through but its answer was lost; the retry must not fail."""
    boto("route53").change_resource_record_sets(HostedZoneId=hosted_zone, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "xmsqa1.fusionPOS.com", "Type": "A", "TTL": 300,
                                                  "ResourceRecords": [{"Value": pos_host}]}}]})
    tasks = [{"name": "dns", "fusion.pos.fusion_dns_record": {"org": "xmsqa1", "hosted_zone": "fusionPOS.com", "state": "absent"}}]
    faulty = proxy()
    faulty.target("route53:POST /2013-04-01/hostedzone/%s/rrset/" % hosted_zone, "drop_after")
    result = run(module_play(tasks), faulty.url)
    assert result.rc == 0, result.output[-3000:]
    assert faulty.injected["drop_after"] == 1, faulty.summary()
    listed = boto("route53").list_resource_record_sets(HostedZoneId=hosted_zone)["ResourceRecordSets"]
    assert [item for item in listed if item["Type"] == "A"] == []
    aws.reset_recording()
    again = run(module_play(tasks), aws.url)
    assert again.rc == 0 and changed(again) == 0 and aws.writes() == [], again.output[-3000:]


# ---- copies an earlier version made: repaired, not a dead end ---------------------------------

def test_an_access_key_not_in_the_password_manager_is_deleted(aws, boto):
    assert provision(aws.url, orgs=[KEY_ORG]).rc == 0
    stored = org_estate(boto, [KEY_ORG])["stored_key"]
    boto("iam").create_access_key(UserName="rms_" + KEY_ORG)
    result = provision(aws.url, orgs=[KEY_ORG])
    assert result.rc == 0, result.output[-3000:]
    assert org_estate(boto, [KEY_ORG])["keys"][KEY_ORG] == [stored]


def test_a_never_used_key_of_an_unfinished_create_is_replaced(aws, boto):
    tags = [{"Key": "OrgId", "Value": KEY_ORG}, {"Key": "fusion.pos:access-key-pending", "Value": "x"}]
    boto("iam").create_user(UserName="rms_" + KEY_ORG, Tags=tags)
    orphan = boto("iam").create_access_key(UserName="rms_" + KEY_ORG)["AccessKey"]["AccessKeyId"]
    result = provision(aws.url, orgs=[KEY_ORG])
    assert result.rc == 0, result.output[-3000:]
    estate = org_estate(boto, [KEY_ORG])
    assert estate["keys"][KEY_ORG] == [estate["stored_key"]] and orphan not in estate["keys"][KEY_ORG]
    assert [t["Key"] for t in boto("iam").list_user_tags(UserName="rms_" + KEY_ORG)["Tags"]] == ["OrgId"]


def _extra_vpc(boto, managed=True):
    tags = [{"Key": "Name", "Value": VPC}] + ([{"Key": "ManagedBy", "Value": "fusion.pos"}] if managed else [])
    return boto("ec2").create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])["Vpc"]["VpcId"]


def test_an_empty_duplicate_vpc_made_by_fusion_pos_is_deleted(aws, boto):
    assert run(module_play(READS[1][1]), aws.url).rc == 0
    ec2 = boto("ec2")
    kept = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [VPC]}])["Vpcs"][0]["VpcId"]
    extra = _extra_vpc(boto)
    result = run(module_play(READS[1][1]), aws.url)
    assert result.rc == 0, result.output[-3000:]
    assert [v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [VPC]}])["Vpcs"]] == [kept]
    assert extra != kept


def test_a_duplicate_vpc_not_made_by_fusion_pos_is_refused_in_one_line(aws, boto):
    assert run(module_play(READS[1][1]), aws.url).rc == 0
    extra = _extra_vpc(boto, managed=False)
    result = run(module_play(READS[1][1]), aws.url)
    assert result.rc != 0
    msg = result.result("vpc")["msg"]
    assert "2 VPCs carry Name tag %s" % VPC in msg and extra in msg and "not made by fusion.pos" in msg and "\n" not in msg


# ---- interrupted runs -------------------------------------------------------------------------

def run_killed(path, url, extra_vars, kill_at):
    """Start ansible-playbook through a proxy; kill its process group when ``kill_at(request)`` says so."""
    started = {}
    killed = threading.Event()

    def on_request(request):
        if not killed.is_set() and "proc" in started and kill_at(request):
            killed.set()
            os.killpg(started["proc"].pid, signal.SIGKILL)

    watcher = fault_proxy.FaultProxy(url, on_request=on_request)
    try:
        env = fusion_testlib.aws_env(watcher.url, FAULT_ENV)
        env["ANSIBLE_CONFIG"] = str(REPO / "ansible.cfg")
        cmd = [str(fusion_testlib.VENV_BIN / "ansible-playbook"), path, "-e", json.dumps(dict(extra_vars, aws_endpoint_url=watcher.url))]
        started["proc"] = subprocess.Popen(cmd, cwd=str(REPO), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           start_new_session=True)
        started["proc"].wait(timeout=600)
    finally:
        watcher.stop()
    return killed.is_set(), watcher


def nth_write(count):
    seen = []

    def kill_at(request):
        if request.is_write:
            seen.append(request)
        return len(seen) == count
    return kill_at


def at_action(action):
    return lambda request: request.action == action


PROVISION_KILLS = [("write-4", nth_write(4)),
                   ("CreateAccessKey", at_action("CreateAccessKey")), ("CreateSecret", at_action("CreateSecret"))]


@pytest.mark.parametrize("kill_at", [k[1] for k in PROVISION_KILLS], ids=[k[0] for k in PROVISION_KILLS])
def test_provision_killed_midway_converges_on_the_next_run(aws, boto, kill_at):
    killed, watcher = run_killed("provision.yml", aws.url, {"org": ",".join(ORGS)}, kill_at)
    assert killed, watcher.summary()
    result = provision(aws.url)
    assert result.rc == 0, result.output[-3000:]
    assert_one_org_estate(org_estate(boto))


SHARED_KILLS = [("write-3", nth_write(3)), ("CreateDBInstance", at_action("CreateDBInstance")),
                ("RunInstances", at_action("RunInstances"))]


@pytest.mark.parametrize("kill_at", [k[1] for k in SHARED_KILLS], ids=[k[0] for k in SHARED_KILLS])
def test_shared_killed_midway_converges_on_the_next_run(aws, boto, kill_at):
    killed, watcher = run_killed("shared.yml", aws.url, {}, kill_at)
    assert killed, watcher.summary()
    result = shared(aws.url)
    assert result.rc == 0, result.output[-3000:]
    assert_one_shared_estate(shared_estate(boto))
