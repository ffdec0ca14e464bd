"""provision.yml's RabbitMQ step against a real RabbitMQ (the broker's management URL pointed at it).

The broker mq-POS-01 exists in the emulator's Amazon MQ with its admin secret (the local node's admin);
the org's own password is the one provision.yml's secrets step generates.
"""

import json

import pytest

from fusion_testlib import REPO
from rabbitmq_testlib import ADMIN_PASSWORD, ADMIN_USER, amqp_open

pytestmark = [pytest.mark.rabbitmq, pytest.mark.emulator, pytest.mark.slow]

SANDBOX = REPO / "inventories" / "sandbox"


@pytest.fixture
def broker(boto, rabbitmq):
    boto("mq").create_broker(
        BrokerName="mq-POS-01", DeploymentMode="SINGLE_INSTANCE", EngineType="RABBITMQ", EngineVersion="3.13",
        HostInstanceType="mq.t3.micro", PubliclyAccessible=True, AutoMinorVersionUpgrade=True,
        Users=[{"Username": "admin", "Password": "not-the-local-one-1234"}])
    boto("secretsmanager").create_secret(Name="fusion-pos/qa/mq-POS-01/admin",
                                         SecretString=json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD}))
    return rabbitmq


@pytest.fixture
def provision(playbook, aws, broker):
    def run(org, **kwargs):
        extra = {"org": org, "aws_endpoint_url": aws.url, "fusion_rabbitmq_available": True,
                 "fusion_broker_management_urls": {"mq-POS-01": broker.proxy.url}}
        return playbook("provision.yml", inventory=SANDBOX, extra_vars=extra, **kwargs)
    return run


def org_password(boto, org):
    return boto("secretsmanager").get_secret_value(SecretId="fusion-pos/qa/%s/rabbitmq" % org)["SecretString"]


def test_provision_makes_each_orgs_vhosts_user_and_permissions(provision, broker):
    result = provision("xmsqa1,xmsqa2")
    assert result.rc == 0, result.output[-3000:]
    assert result.org_step("rabbitmq", "xmsqa1")["changed"] and result.org_step("rabbitmq", "xmsqa2")["changed"]
    assert sorted(item["name"] for item in broker.api("GET", "/api/vhosts")) == [
        "/", "xmsqa1", "xmsqa1_corp", "xmsqa1_store1", "xmsqa2", "xmsqa2_corp", "xmsqa2_store1", "xmsqa2_store2"]
    permissions = broker.api("GET", "/api/users/rms_xmsqa1/permissions")
    assert sorted(item["vhost"] for item in permissions) == ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1"]


def test_the_org_user_reaches_its_own_vhost_and_not_another_orgs(provision, broker, boto):
    assert provision("xmsqa1,xmsqa2").rc == 0
    password = org_password(boto, "xmsqa1")
    assert amqp_open(broker.amqp_port, "rms_xmsqa1", password, "xmsqa1_store1") == "ok"
    assert amqp_open(broker.amqp_port, "rms_xmsqa1", password, "xmsqa2") != "ok"


def test_a_second_provision_run_sends_no_write_to_the_broker(provision, broker):
    assert provision("xmsqa1").rc == 0
    broker.proxy.reset()
    again = provision("xmsqa1")
    assert again.rc == 0 and again.changed("xmsqa1") == 0
    assert broker.proxy.writes() == []


def test_a_dry_run_on_drift_reports_what_the_real_run_then_changes(provision, broker):
    assert provision("xmsqa1").rc == 0
    broker.api("DELETE", "/api/vhosts/xmsqa1_corp")
    broker.proxy.reset()
    dry = provision("xmsqa1", check=True, diff=True)
    assert dry.rc == 0 and broker.proxy.writes() == []
    planned = dry.org_step("rabbitmq", "xmsqa1")
    real = provision("xmsqa1", diff=True).org_step("rabbitmq", "xmsqa1")
    assert planned["changed"] is True and planned["changes"] == real["changes"]
    assert planned["diff"] == real["diff"]
