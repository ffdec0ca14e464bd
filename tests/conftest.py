"""Shared pytest fixtures: the AWS emulator (one per test process) and helpers around it."""

import pathlib
import sys

import pytest

TESTS = pathlib.Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS / "lib"))
sys.path.insert(0, str(REPO / ".deps"))  # ansible_collections.fusion.pos -> this checkout

import fusion_testlib  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """A moto server in its own process for this test process (xdist workers get one each)."""
    emu = fusion_testlib.Emulator(tmp_path_factory.mktemp("emulator"))
    yield emu
    emu.stop()


@pytest.fixture
def aws(emulator):
    """The emulator, emptied and recording from the start of this test."""
    emulator.reset()
    return emulator


@pytest.fixture
def boto(aws):
    """``boto(service, account=None)``: a boto3 client on the emulator, for read-back and setup."""
    def make(service, account=None, region="us-east-1"):
        return fusion_testlib.boto3_client(aws.url, service, account, region)
    return make


@pytest.fixture
def pos_host(boto):
    """POS01 as shared.yml leaves it: one live EC2 instance tagged Name=POS01, PosVersion=24.2.1; its public IPv4 address."""
    ec2 = boto("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    made = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "POS01"}, {"Key": "PosVersion", "Value": "24.2.1"}]}])
    instance_id = made["Instances"][0]["InstanceId"]
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["PublicIpAddress"]


@pytest.fixture
def pos_database(boto):
    """db-POS-01 (SQL Server Express) as shared.yml leaves it; its endpoint address."""
    rds = boto("rds")
    rds.create_db_instance(DBInstanceIdentifier="db-POS-01", Engine="sqlserver-ex", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="Master-Pass-123", AllocatedStorage=20)
    return rds.describe_db_instances(DBInstanceIdentifier="db-POS-01")["DBInstances"][0]["Endpoint"]["Address"]


@pytest.fixture
def hosted_zone(boto, pos_host):
    """The public Route 53 hosted zone fusionPOS.com (POS01 made first); its ID."""
    return boto("route53").create_hosted_zone(Name="fusionPOS.com", CallerReference="test")["HostedZone"]["Id"].split("/")[-1]


@pytest.fixture
def provision(playbook, aws):
    """``provision(org, extra_vars=None, **options)``: provision.yml on the sandbox inventory, against this emulator."""
    def run(org, extra_vars=None, **kwargs):
        variables = {"org": org, "aws_endpoint_url": aws.url}
        variables.update(extra_vars or {})
        kwargs.setdefault("inventory", REPO / "inventories" / "sandbox")
        return playbook("provision.yml", extra_vars=variables, **kwargs)
    return run


@pytest.fixture
def playbook(aws):
    """``playbook(plays_or_path, **options)``: a real ansible-playbook run against the emulator."""
    def run(plays, **kwargs):
        return fusion_testlib.run_playbook(plays, aws.url, **kwargs)
    return run


@pytest.fixture(scope="session")
def rabbitmq_server(tmp_path_factory):
    """A real RabbitMQ node for this test process (plain process on loopback, free ports), stopped at the end."""
    import rabbitmq_testlib  # pylint: disable=import-outside-toplevel

    why = rabbitmq_testlib.available()
    if why:
        pytest.skip(why)
    server = rabbitmq_testlib.RabbitMQServer(tmp_path_factory.mktemp("rabbitmq"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def rabbitmq(rabbitmq_server):
    """The RabbitMQ node, back to only vhost ``/`` and its admin user, behind a request-counting proxy.

    ``rabbitmq.proxy.url`` is the management URL to give the module; ``rabbitmq.proxy.writes()`` the
    PUT/DELETE/POST requests that reached the broker since the last ``proxy.reset()``.
    """
    import rabbitmq_testlib  # pylint: disable=import-outside-toplevel

    rabbitmq_server.clean()
    proxy = rabbitmq_testlib.CountingProxy(rabbitmq_server.management_url)
    rabbitmq_server.proxy = proxy
    yield rabbitmq_server
    proxy.stop()
