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
