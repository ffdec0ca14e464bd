"""An AWX-style job, built the way AWX / Automation Controller builds one, run by ansible-runner.

AWX gives ansible-runner a private data directory holding:
- ``project/``: a checkout of the project (here: the files git would commit, without .venv/.deps),
- ``inventory/hosts``: an executable script printing the inventory as ``ansible-inventory --list
  --export`` gave it at inventory sync,
- ``env/extravars`` (the survey's answers), ``env/envvars`` (credentials and settings),
and runs ``ansible-playbook`` in ``project/`` with ``--check`` for check jobs and ``--limit``.
``ANSIBLE_COLLECTIONS_PATH`` points at the job's installed requirements only (empty here), so
fusion.pos must resolve from the project itself.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import yaml

from fusion_testlib import REPO, TEST_ACCESS_KEY, TEST_SECRET_KEY, VENV_BIN


def project_files():
    """The project as git would commit it now (tracked and new, not ignored), relative paths."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=str(REPO),
                         capture_output=True, check=True).stdout.decode()
    return sorted(set(name for name in out.split("\0") if name))


def copy_project(dest):
    """A clean copy of the project (symlinks kept as symlinks, like a git checkout)."""
    for name in project_files():
        src, dst = REPO / name, dest / name
        if not os.path.lexists(str(src)):
            continue  # deleted in the work tree, not yet committed
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(str(src)), str(dst))
        else:
            shutil.copy2(str(src), str(dst))
    return dest


def exported_inventory(source):
    """``ansible-inventory --list --export`` of ``source`` (what AWX stores at inventory sync)."""
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith("ANSIBLE_"))
    env["ANSIBLE_CONFIG"] = str(REPO / "ansible.cfg")
    out = subprocess.run([str(VENV_BIN / "ansible-inventory"), "-i", str(source), "--list", "--export"],
                         cwd=str(REPO), env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def write_script_inventory(path, data):
    """AWX's job inventory: an executable script that prints the stored inventory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!%s\nimport json\nimport sys\nDATA = json.loads(%r)\n"
                    "print(json.dumps({} if '--host' in sys.argv else DATA))\n" % (sys.executable, json.dumps(data)))
    path.chmod(0o755)


class Job:
    """One AWX-style job: its private data directory, run, events and artifacts."""

    def __init__(self, pdd, runner):
        self.pdd = pdd
        self.runner = runner

    @property
    def rc(self):
        return self.runner.rc

    @property
    def status(self):
        return self.runner.status

    @property
    def events(self):
        return list(self.runner.events)

    @property
    def stdout(self):
        return self.runner.stdout.read()

    def host_results(self):
        """``{host: {"ok": n, "changed": n, "failed": n}}`` counted from the job events."""
        counts = {}
        for event in self.events:
            data = event.get("event_data", {})
            host = data.get("host")
            if not host:
                continue
            entry = counts.setdefault(host, {"ok": 0, "changed": 0, "failed": 0})
            if event["event"] == "runner_on_ok":
                entry["ok"] += 1
                entry["changed"] += 1 if data.get("res", {}).get("changed") else 0
            elif event["event"] == "runner_on_failed" and not data.get("ignore_errors"):
                entry["failed"] += 1
        return counts

    def task_results(self, host, task):
        """The results of ``task`` (its name, role prefix ignored) for ``host``, from the events."""
        return [event["event_data"].get("res", {}) for event in self.events
                if event["event"] in ("runner_on_ok", "runner_on_failed", "runner_on_skipped")
                and event["event_data"].get("host") == host
                and event["event_data"].get("task", "").split(" : ")[-1] == task]

    def artifact_texts(self):
        """``{path: text}`` of every file ansible-runner left in the artifacts directory."""
        texts = {}
        for path in sorted((self.pdd / "artifacts").rglob("*")):
            if path.is_file():
                texts[str(path)] = path.read_text(errors="replace")
        return texts


def run_job(tmp_path, playbook, inventory_source, emulator_url, extravars=None, check=False, limit=None,
            diff=False, envvars=None):
    """Build an AWX-style private data directory in ``tmp_path`` and run ``playbook`` in it."""
    import ansible_runner  # pylint: disable=import-outside-toplevel

    number = 1
    while (tmp_path / ("job-%d" % number)).exists():
        number += 1
    pdd = tmp_path / ("job-%d" % number)  # every AWX job gets its own private data directory
    copy_project(pdd / "project")
    data = inventory_source if isinstance(inventory_source, dict) else exported_inventory(inventory_source)
    write_script_inventory(pdd / "inventory" / "hosts", data)
    (pdd / "requirements_collections").mkdir(exist_ok=True)
    (pdd / "env").mkdir(exist_ok=True)
    env = {
        "AWS_ACCESS_KEY_ID": TEST_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": TEST_SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "FUSION_SANDBOX_URL": emulator_url,
        "FUSION_POS_AWS_RETRY_BASE_DELAY": "0.05",
        "PATH": "%s:%s" % (VENV_BIN, os.environ.get("PATH", "")),
        # what AWX sets: the job's installed requirements, no user or system collections
        "ANSIBLE_COLLECTIONS_PATH": str(pdd / "requirements_collections"),
        "ANSIBLE_ROLES_PATH": str(pdd / "requirements_roles"),
        "ANSIBLE_HOME": str(pdd / "ansible_home"),
        "ANSIBLE_NOCOLOR": "1",
    }
    env.update(envvars or {})
    (pdd / "env" / "envvars").write_text(yaml.safe_dump(env))
    (pdd / "env" / "extravars").write_text(yaml.safe_dump(extravars or {}))
    cmdline = " ".join(part for part in ("--check" if check else "", "--diff" if diff else "") if part)
    runner = ansible_runner.run(private_data_dir=str(pdd), playbook=playbook, inventory=str(pdd / "inventory" / "hosts"),
                                limit=limit, cmdline=cmdline or None, quiet=True, json_mode=False)
    return Job(pdd, runner)


def secret_values(boto):
    """Every secret value stored in the emulator's Secrets Manager (and each JSON field of it)."""
    client = boto("secretsmanager")
    values = set()
    for item in client.list_secrets(IncludePlannedDeletion=True)["SecretList"]:
        try:
            text = client.get_secret_value(SecretId=item["ARN"])["SecretString"]
        except client.exceptions.InvalidRequestException:
            continue  # scheduled for deletion: no value to read
        values.add(text)
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            values.update(str(value) for value in parsed.values() if len(str(value)) >= 8)
    return values


PROJECT = pathlib.Path(REPO)
