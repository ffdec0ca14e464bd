"""fusion_rabbitmq_org against a real RabbitMQ 3.10 (management API behind a counting proxy) and the moto emulator.

The broker exists in the emulator's Amazon MQ, its admin and the org's secrets in its Secrets Manager, and the
SSM management-url parameter points at the counting proxy in front of the local RabbitMQ.
"""

import json

import pytest

import fusion_testlib
import rabbitmq_testlib
from rabbitmq_testlib import ADMIN_PASSWORD, ADMIN_USER, amqp_open, free_port

pytestmark = [pytest.mark.rabbitmq, pytest.mark.emulator, pytest.mark.slow]

ORG = "xmsqa1"
USER = "rms_xmsqa1"
BROKER = "mq-POS-01"
ORG_PASSWORD = "Org-Pass-w0rd-For-xmsqa1-9d8c7b6a"
PARAMETER = "/fusion-pos/qa/mq-POS-01/management-url"
ADMIN_SECRET = "fusion-pos/qa/mq-POS-01/admin"
ORG_SECRET = "fusion-pos/qa/xmsqa1/rabbitmq"
FULL = {"configure": ".*", "write": ".*", "read": ".*"}
TASK = "RabbitMQ of the org"


@pytest.fixture
def estate(boto, rabbitmq):
    """Broker mq-POS-01 in Amazon MQ, its admin secret, the org's secret, the URL parameter -> the proxy."""
    boto("mq").create_broker(
        BrokerName=BROKER, DeploymentMode="SINGLE_INSTANCE", EngineType="RABBITMQ", EngineVersion="3.13",
        HostInstanceType="mq.t3.micro", PubliclyAccessible=True, AutoMinorVersionUpgrade=True,
        Users=[{"Username": "admin", "Password": "not-the-local-one-1234"}])
    sm = boto("secretsmanager")
    sm.create_secret(Name=ADMIN_SECRET, SecretString=json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD}))
    sm.create_secret(Name=ORG_SECRET, SecretString=ORG_PASSWORD)
    boto("ssm").put_parameter(Name=PARAMETER, Value=rabbitmq.proxy.url + "/", Type="String")
    return rabbitmq


def org_task(**options):
    args = dict(org=ORG, environment="qa", broker=BROKER, sites=["store1"])
    args.update(options)
    return {"name": TASK, "fusion.pos.fusion_rabbitmq_org": args}


def run(playbook, task=None, **kwargs):
    return playbook(fusion_testlib.module_play([task or org_task()]), **kwargs)


def vhosts(server):
    return sorted(item["name"] for item in server.api("GET", "/api/vhosts"))


def user_permissions(server, user=USER):
    return dict((item["vhost"], dict((key, item[key]) for key in FULL)) for item in server.api("GET", "/api/users/%s/permissions" % user))


def ok(result):
    assert result.rc == 0, result.output[-3000:]
    return result.result(TASK)


def test_first_run_dry_run_then_real_run_then_no_write(playbook, estate):
    server = estate
    server.api("PUT", "/api/vhosts/xmsqa2")
    dry = ok(run(playbook, check=True, diff=True))
    assert server.proxy.writes() == []
    assert vhosts(server) == ["/", "xmsqa2"]
    assert dry["changed"] and dry["changes"] == ["vhosts", "user", "permissions"]

    real = ok(run(playbook, diff=True))
    assert real["diff"] == dry["diff"]
    assert real["changes"] == dry["changes"]
    assert vhosts(server) == ["/", "xmsqa1", "xmsqa1_corp", "xmsqa1_store1", "xmsqa2"]
    user = server.api("GET", "/api/users/" + USER)
    assert user["tags"] in ([], "")
    assert user_permissions(server) == {"xmsqa1": FULL, "xmsqa1_corp": FULL, "xmsqa1_store1": FULL}
    assert real["password_secret"] == ORG_SECRET and real["user"] == USER

    # the org user really gets its own vhosts, and only those
    for vhost in ("xmsqa1", "xmsqa1_corp", "xmsqa1_store1"):
        assert amqp_open(server.amqp_port, USER, ORG_PASSWORD, vhost) == "ok"
    for vhost in ("xmsqa2", "/"):
        assert amqp_open(server.amqp_port, USER, ORG_PASSWORD, vhost).startswith("530 NOT_ALLOWED")

    server.proxy.reset()
    again = ok(run(playbook, diff=True))
    assert again["changed"] is False and again["changes"] == []
    assert server.proxy.writes() == []


def test_drift_dry_run_reports_exactly_what_the_real_run_changes(playbook, estate):
    server = estate
    ok(run(playbook))
    server.api("PUT", "/api/vhosts/xmsqa2")
    server.api("DELETE", "/api/vhosts/xmsqa1_store1")
    server.api("PUT", "/api/users/" + USER, {"password": "changed-outside-fusion", "tags": "management"})
    server.api("PUT", "/api/permissions/xmsqa2/" + USER, FULL)
    server.api("PUT", "/api/permissions/xmsqa1/" + USER, {"configure": "", "write": ".*", "read": ".*"})

    server.proxy.reset()
    dry = ok(run(playbook, check=True, diff=True))
    assert server.proxy.writes() == []
    assert dry["changes"] == ["vhosts", "user", "permissions"]
    assert dry["diff"]["before"]["user"] == {"exists": True, "tags": ["management"], "password": "differs from the password manager"}
    assert sorted(dry["diff"]["before"]["permissions"]) == ["xmsqa1", "xmsqa1_corp", "xmsqa2"]

    real = ok(run(playbook, diff=True))
    assert real["diff"] == dry["diff"]
    writes = sorted(server.proxy.writes())
    assert writes == sorted([
        ("PUT", "/api/vhosts/xmsqa1_store1"),
        ("PUT", "/api/users/rms_xmsqa1"),
        ("PUT", "/api/permissions/xmsqa1/rms_xmsqa1"),
        ("PUT", "/api/permissions/xmsqa1_store1/rms_xmsqa1"),
        ("DELETE", "/api/permissions/xmsqa2/rms_xmsqa1"),
    ])
    assert user_permissions(server) == {"xmsqa1": FULL, "xmsqa1_corp": FULL, "xmsqa1_store1": FULL}
    assert server.api("GET", "/api/users/" + USER)["tags"] in ([], "")
    assert amqp_open(server.amqp_port, USER, ORG_PASSWORD, "xmsqa1_store1") == "ok"

    server.proxy.reset()
    assert ok(run(playbook))["changed"] is False
    assert server.proxy.writes() == []


def test_tags_changed_outside_are_removed_without_touching_the_password(playbook, estate):
    server = estate
    ok(run(playbook))
    user = server.api("GET", "/api/users/" + USER)
    body = {"password_hash": user["password_hash"], "hashing_algorithm": user["hashing_algorithm"], "tags": "monitoring"}
    server.api("PUT", "/api/users/" + USER, body)
    server.proxy.reset()
    result = ok(run(playbook, diff=True))
    assert result["changes"] == ["user"]
    assert result["diff"]["before"]["user"]["password"] == "matches the password manager"
    assert server.api("GET", "/api/users/" + USER)["password_hash"] == user["password_hash"]


def test_a_removed_site_keeps_its_vhost_unless_pruned_and_prune_removes_only_what_it_said(playbook, estate):
    server = estate
    ok(run(playbook, org_task(sites=["store1", "store2"])))
    others = ["xmsqa10_store2", "xmsqa2_store2", "xmsqa1_x-AWS-OWNED-DO-NOT-DELETE", "xmsqa1_Legacy"]
    for name in others:
        server.api("PUT", "/api/vhosts/" + name)

    kept = ok(run(playbook, org_task(sites=["store1"])))
    assert kept["retained_vhosts"] == ["xmsqa1_store2"] and kept["pruned_vhosts"] == []
    assert "xmsqa1_store2" in vhosts(server)
    assert "xmsqa1_store2" in user_permissions(server)

    server.proxy.reset()
    dry = ok(run(playbook, org_task(sites=["store1"], prune=True), check=True, diff=True))
    assert server.proxy.writes() == []
    assert dry["pruned_vhosts"] == ["xmsqa1_store2"] and dry["changes"] == ["vhosts"]
    assert set(dry["diff"]["before"]["vhosts"]) - set(dry["diff"]["after"]["vhosts"]) == {"xmsqa1_store2"}

    before = vhosts(server)
    real = ok(run(playbook, org_task(sites=["store1"], prune=True), diff=True))
    assert real["diff"] == dry["diff"]
    assert sorted(set(before) - set(vhosts(server))) == ["xmsqa1_store2"]
    assert server.proxy.writes() == [("DELETE", "/api/vhosts/xmsqa1_store2")]
    for name in others + ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1"]:
        assert name in vhosts(server)


def bad_admin_secret(boto, _server):
    boto("secretsmanager").put_secret_value(SecretId=ADMIN_SECRET, SecretString=json.dumps(
        {"username": ADMIN_USER, "password": "wrong-admin-password-77"}))


def unreachable(boto, _server):
    boto("ssm").put_parameter(Name=PARAMETER, Value="http://127.0.0.1:%d" % free_port(), Type="String", Overwrite=True)


def no_org_secret(boto, _server):
    boto("secretsmanager").delete_secret(SecretId=ORG_SECRET, ForceDeleteWithoutRecovery=True)


def no_parameter(boto, _server):
    boto("ssm").delete_parameter(Name=PARAMETER)


@pytest.mark.parametrize("setup, options, message", [
    (None, {"broker": "mq-POS-02"}, "broker mq-POS-02 does not exist in Amazon MQ (region us-east-1): the shared brokers are made by shared.yml"),
    (unreachable, {}, "broker mq-POS-01: cannot reach the management API at http://127.0.0.1:"),
    (bad_admin_secret, {}, "broker mq-POS-01: the management API at %s refused the admin credentials of user fusion-test-admin "
                           "(from secret fusion-pos/qa/mq-POS-01/admin) (HTTP 401)"),
    (None, {"sites": ["store1", "Store-2"]}, "invalid site ID 'Store-2'"),
    (None, {"broker": "mq-pos-1"}, "invalid broker name 'mq-pos-1'"),
    (no_org_secret, {}, "its RabbitMQ password secret fusion-pos/qa/xmsqa1/rabbitmq does not exist in the password manager: "
                        "provision.yml's secrets step"),
    (no_parameter, {}, "no management URL recorded in SSM parameter /fusion-pos/qa/mq-POS-01/management-url"),
    (None, {"state": "absent", "environment": "production"}, "state=absent is refused in environment production"),
], ids=["unknown-broker", "unreachable", "wrong-admin-password", "bad-site", "bad-broker-name", "no-org-secret",
        "no-url-parameter", "absent-in-production"])
def test_bad_inputs_fail_with_one_clear_line_and_change_nothing(playbook, boto, estate, setup, options, message):
    server = estate
    if setup is not None:
        setup(boto, server)
    before = vhosts(server)
    server.proxy.reset()
    result = run(playbook, org_task(**options))
    assert result.rc != 0
    task = result.result(TASK)
    assert task.get("failed") is True
    assert message.replace("%s", server.proxy.url) in task["msg"], task["msg"]
    assert "\n" not in task["msg"] and "Traceback" not in task["msg"]
    assert server.proxy.writes() == []
    assert vhosts(server) == before
    assert ADMIN_PASSWORD not in result.output and ORG_PASSWORD not in result.output


def test_no_password_in_a_vvvv_run(playbook, boto, estate):
    server = estate
    ok(run(playbook))
    server.api("PUT", "/api/users/" + USER, {"password": "changed-outside-fusion", "tags": ""})
    result = run(playbook, diff=True, verbosity=4, json_output=False)
    assert result.rc == 0, result.output[-3000:]
    assert "changed=1" in result.output
    bad_admin_secret(boto, server)
    failed = run(playbook, diff=True, verbosity=4, json_output=False)
    assert failed.rc != 0
    for output in (result.output, failed.output):
        for secret in (ADMIN_PASSWORD, ORG_PASSWORD, "wrong-admin-password-77"):
            assert secret not in output


def test_absent_removes_the_orgs_vhosts_and_user_only(playbook, estate):
    server = estate
    ok(run(playbook))
    server.api("PUT", "/api/vhosts/xmsqa2")
    server.api("PUT", "/api/vhosts/xmsqa1_x-AWS-OWNED-DO-NOT-DELETE")
    dry = ok(run(playbook, org_task(state="absent"), check=True))
    assert dry["pruned_vhosts"] == ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1"]
    real = ok(run(playbook, org_task(state="absent")))
    assert real["changes"] == ["vhosts", "user"]
    assert vhosts(server) == ["/", "xmsqa1_x-AWS-OWNED-DO-NOT-DELETE", "xmsqa2"]
    assert [user["name"] for user in server.api("GET", "/api/users")] == [ADMIN_USER]
    assert ok(run(playbook, org_task(state="absent")))["changed"] is False


def test_role_takes_the_broker_sites_and_url_override_from_the_inventory(playbook, boto, estate, tmp_path):
    """The step role with the run's plan (org_plan filter): broker, sites and the URL override come from the inventory."""
    server = estate
    boto("ssm").delete_parameter(Name=PARAMETER)   # the override map must be what is used
    inventory = tmp_path / "inventory"
    (inventory / "group_vars" / "all").mkdir(parents=True)
    (inventory / "group_vars" / "all" / "environment.yml").write_text(json.dumps({
        "fusion_environment": "qa", "fusion_region": "us-east-1", "fusion_default_broker": BROKER,
        "fusion_broker_environment": "qa", "fusion_broker_management_urls": {BROKER: server.proxy.url},
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
    }))
    (inventory / "xmsqa1.yml").write_text(json.dumps({"orgs": {"hosts": {ORG: {
        "org_site_title": "XMS QA 1", "org_sites": ["store1", "store7"]}}}}))
    play = [{"name": "Org RabbitMQ", "hosts": ORG, "gather_facts": False, "tasks": [
        {"name": "Plan", "ansible.builtin.set_fact": {"plan": "{{ hostvars | fusion.pos.org_plan(ansible_play_hosts) }}"},
         "run_once": True},
        {"name": "Step", "ansible.builtin.import_role": {"name": "fusion.pos.org_rabbitmq"}, "run_once": True,
         "vars": {"org_rabbitmq_orgs": "{{ ansible_play_hosts }}", "org_rabbitmq_plan": "{{ plan }}"}},
        {"name": TASK, "fusion.pos.fusion_org_result": {"result": "{{ org_rabbitmq_step.results[inventory_hostname] }}"}}]}]
    result = playbook(play, inventory=inventory)
    assert result.rc == 0, result.output[-3000:]
    assert result.result(TASK, host=ORG)["vhosts"] == ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1", "xmsqa1_store7"]
    assert sorted(user_permissions(server)) == ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1", "xmsqa1_store7"]
    server.proxy.reset()
    again = playbook(play, inventory=inventory)
    assert again.changed(ORG) == 0 and server.proxy.writes() == []


def test_the_test_server_is_a_real_rabbitmq(rabbitmq):
    assert rabbitmq.api("GET", "/api/overview")["rabbitmq_version"].startswith("3.")
    assert rabbitmq_testlib.amqp_open(rabbitmq.amqp_port, ADMIN_USER, ADMIN_PASSWORD, "/") == "ok"
