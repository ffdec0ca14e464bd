"""tools/sandbox on another port (FUSION_SANDBOX_PORT): the sandbox inventory follows the emulator it started.

Also the inventory check's side of it: a sandbox's aws_endpoint_url may be the environment lookup
that follows FUSION_SANDBOX_URL, checked through its default URL.
"""

import os
import re
import shutil
import socket
import subprocess

import boto3
import pytest
import yaml

from fusion_testlib import REPO

SANDBOX = REPO / "tools" / "sandbox"
CHECK = REPO / "tools" / "check-inventories"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(name="sandbox", scope="module")
def fixture_sandbox():
    """``sandbox(*command)`` runs tools/sandbox with FUSION_SANDBOX_PORT set to a free port; that
    emulator is stopped at the end and its state directory is removed (and .emulator/ when nothing
    else is left in it: another test - the README's main job, on the default port - may be using it
    at the same time in another test process)."""
    port = free_port()
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(("AWS_", "ANSIBLE_", "FUSION_SANDBOX")))
    env["FUSION_SANDBOX_PORT"] = str(port)
    env["FUSION_SANDBOX_MINIMAL"] = "1"   # the port is what is tested: no shared.yml, no RabbitMQ

    def run(*command):
        return subprocess.run([str(SANDBOX)] + list(command), cwd=str(REPO), env=env, capture_output=True, text=True,
                              timeout=600, check=False)

    run.port = port
    yield run
    run("stop")
    shutil.rmtree(REPO / ".emulator" / str(port), ignore_errors=True)
    try:
        (REPO / ".emulator").rmdir()   # only when empty: never another sandbox's state
    except OSError:
        pass


def test_sandbox_inventory_endpoint_is_the_emulator_on_the_chosen_port(sandbox):
    result = sandbox("ansible", "xmsqa1", "-m", "ansible.builtin.debug", "-a", "var=aws_endpoint_url")
    assert result.returncode == 0, result.stdout + result.stderr
    endpoints = re.findall(r'aws_endpoint_url"?: "?(\S+?)"?$', result.stdout, re.M)
    assert endpoints == ["http://127.0.0.1:%d" % sandbox.port], result.stdout


def test_sandbox_keeps_the_emulator_state_of_another_port_in_its_own_directory(sandbox):
    result = sandbox("true")
    assert result.returncode == 0, result.stdout + result.stderr
    state = REPO / ".emulator" / str(sandbox.port)
    assert (state / "url").read_text().strip() == "http://127.0.0.1:%d" % sandbox.port
    assert (state / "pid").exists()


def test_provision_run_on_another_port_writes_to_that_emulator(sandbox):
    result = sandbox("ansible-playbook", "provision.yml", "-e", "org=xmsqa1")
    assert result.returncode == 0, result.stdout + result.stderr
    s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:%d" % sandbox.port, region_name="us-east-1",
                      aws_access_key_id="AKIAFUSIONSANDBOX000", aws_secret_access_key="fusion-sandbox-not-a-secret")
    assert "fusion-rms-xmsqa1" in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


def test_sandbox_stop_with_the_port_stops_that_emulator(sandbox):
    assert sandbox("true").returncode == 0 and port_is_open(sandbox.port)
    result = sandbox("stop")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (REPO / ".emulator" / str(sandbox.port) / "pid").exists()
    assert not port_is_open(sandbox.port)


@pytest.mark.parametrize("port", ["abc", "4566; rm -rf /", "123456"])
def test_sandbox_refuses_a_port_that_is_not_a_number(port):
    env = dict(os.environ, FUSION_SANDBOX_PORT=port)
    result = subprocess.run([str(SANDBOX), "true"], cwd=str(REPO), env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "FUSION_SANDBOX_PORT must be a port number" in result.stderr


ENV_LOOKUP = "{{ lookup('ansible.builtin.env', 'FUSION_SANDBOX_URL', default='%s') }}"


@pytest.fixture(name="inventories")
def fixture_inventories(tmp_path):
    root = tmp_path / "inventories"
    shutil.copytree(REPO / "inventories", root)
    return root


def set_endpoint(root, env, value):
    path = root / env / "group_vars" / "all" / "environment.yml"
    data = yaml.safe_load(path.read_text())
    data["aws_endpoint_url"] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize("env, value, message", [
    ("sandbox", ENV_LOOKUP % "localhost:4566", "aws_endpoint_url must be empty (AWS itself) or an http(s) URL, got 'localhost:4566'"),
    ("sandbox", ENV_LOOKUP % "", "a sandbox inventory (fusion_sandbox: true) needs aws_endpoint_url"),
    ("qa", ENV_LOOKUP % "http://127.0.0.1:4566", "qa: aws_endpoint_url is set but the inventory is not a sandbox"),
    ("sandbox", "{{ lookup('ansible.builtin.pipe', 'echo http://127.0.0.1:4566') }}", "aws_endpoint_url must be empty (AWS itself) or an http(s) URL"),
], ids=["default not a URL", "empty default", "lookup in a real environment", "another lookup"])
def test_inventory_check_refuses_a_bad_endpoint_lookup(inventories, env, value, message):
    set_endpoint(inventories, env, value)
    result = subprocess.run([str(CHECK), str(inventories)], capture_output=True, text=True, check=False)
    assert result.returncode == 1 and message in result.stdout + result.stderr, result.stdout + result.stderr


def test_inventory_check_accepts_the_sandbox_endpoint_lookup():
    text = (REPO / "inventories" / "sandbox" / "group_vars" / "all" / "environment.yml").read_text()
    assert 'aws_endpoint_url: "%s"' % (ENV_LOOKUP % "http://127.0.0.1:4566") in text
    result = subprocess.run([str(CHECK), str(REPO / "inventories")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
