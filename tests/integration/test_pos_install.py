"""pos_install.yml and the role pos_install without a Windows host: syntax, argument specs, appsettings.json.

No Windows host can run here (docs/TESTING.md): the package, the service and the writes over WinRM are
not exercised. What is: the playbook parses against the real inventories, the role's argument specs
refuse bad input, and appsettings.json rendered on the controller from the role's own template and
defaults equals the expected file, with the Seq API key read from the password manager and never shown.
"""

import json
import subprocess

import pytest
import yaml

from fusion_testlib import REPO, VENV_BIN, aws_env

ROLE = REPO / "roles" / "pos_install"
EXPECTED = REPO / "tests" / "integration" / "expected" / "appsettings.json"
SEQ_API_KEY = "seq-Api-Key-0123456789-test"


@pytest.mark.parametrize("inventory", ["qa", "production"])
def test_pos_install_playbook_passes_the_syntax_check(inventory, aws):
    proc = subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", str(REPO / "inventories" / inventory), "pos_install.yml",
                           "--syntax-check"], cwd=str(REPO), env=aws_env(aws.url), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "hosts.yml"
    path.write_text(json.dumps({"pos_hosts": {"hosts": {"POS01": {
        "ansible_connection": "local", "ansible_python_interpreter": str(VENV_BIN / "python"),
        "fusion_environment": "qa", "pos_install_dir": "C:\\FusionPOS\\Server", "fusion_seq_url": "https://logs.example.test",
        "pos_host": {"region": "us-east-1", "availability_zone": "us-east-1a", "rds_instance": "db-POS-01",
                     "broker": "mq-POS-01", "pos_version": "24.2.1"}}}}}))
    return path


@pytest.mark.parametrize("role_vars, message", [
    ({"pos_host": None}, "pos_host"),
    ({"fusion_environment": "sandbox"}, "sandbox"),
    ({"pos_install_monitor_interval_seconds": "often"}, "pos_install_monitor_interval_seconds"),
])
def test_the_role_argument_specs_refuse_bad_input_before_any_task(playbook, inventory, role_vars, message):
    plays = [{"name": "install", "hosts": "POS01", "gather_facts": False,
              "roles": [dict({"role": "fusion.pos.pos_install"}, **role_vars)]}]
    result = playbook(plays, inventory=inventory)
    assert result.rc != 0
    validation = result.result("fusion.pos.pos_install : Validating arguments against arg spec 'main' - POS Server on a Windows POS host, at its "
                               "pinned version, with its Monitor, settings and default tenant", "POS01")
    assert validation["failed"] is True and message in validation["msg"]


def test_appsettings_json_renders_the_expected_settings_with_the_key_from_the_password_manager(playbook, inventory, boto, tmp_path):
    boto("secretsmanager").create_secret(Name="fusion-pos/qa/POS01/seq-api-key", SecretString=SEQ_API_KEY)
    rendered = tmp_path / "appsettings.json"
    plays = [{"name": "render", "hosts": "POS01", "gather_facts": False, "tasks": [
        {"name": "role defaults", "ansible.builtin.include_vars": {"file": str(ROLE / "defaults" / "main.yml")}},
        {"name": "render", "no_log": True,
         "ansible.builtin.template": {"src": str(ROLE / "templates" / "appsettings.json.j2"), "dest": str(rendered)}}]}]
    result = playbook(plays, inventory=inventory, verbosity=3, json_output=False)
    assert result.rc == 0, result.output
    assert SEQ_API_KEY not in result.output
    settings = json.loads(rendered.read_text())
    assert settings == json.loads(EXPECTED.read_text().replace("@SEQ_API_KEY@", SEQ_API_KEY))
    assert list(settings) == ["SeqUrl", "SeqApiKey", "MonitorBaseUrl", "MonitorTenantsFolder", "MonitorIntervalSeconds"]


def test_the_role_renders_appsettings_without_logging_and_installs_by_product_code():
    tasks = dict((task["name"], task) for task in yaml.safe_load((ROLE / "tasks" / "main.yml").read_text()))
    settings = [task for task in tasks.values() if "ansible.windows.win_template" in task]
    assert len(settings) == 1 and settings[0]["no_log"] is True
    package = [task for task in tasks.values() if "ansible.windows.win_package" in task][0]["ansible.windows.win_package"]
    assert "product_id" in package
    service = [task for task in tasks.values() if "ansible.windows.win_service" in task][0]["ansible.windows.win_service"]
    assert (service["start_mode"], service["state"]) == ("auto", "started")
