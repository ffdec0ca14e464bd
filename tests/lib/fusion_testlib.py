"""Test support for fusion.pos: the emulator under test, its request recorder, ansible runs.

Nothing here stands in for AWS: every call goes to the moto server that the fixtures start, and
``Emulator.calls()`` reads back what really reached it.
"""

import base64
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
VENV_BIN = pathlib.Path(sys.executable).parent
sys.path.insert(0, str(REPO / "tools"))
import emulator as emulator_tool  # noqa: E402  pylint: disable=wrong-import-position

ACCOUNT_ID = "123456789012"
OTHER_ACCOUNT_ID = "111122223333"
TEST_ACCESS_KEY = "AKIAFUSIONTESTKEY000"
TEST_SECRET_KEY = "fusion-test-secret-key-not-real"
READ_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Check", "Batch Get")


# provision.yml's org steps (run once for all orgs) and its one per-org result task
# The org steps: their task names (the single-step roles) and their modules (provision.yml's
# org_resources runs five of them in one task and returns each under steps.<module>).
STEP_TASKS = {
    "iam": "IAM users of the orgs",
    "bucket": "S3 buckets and bucket policies of the orgs",
    "secrets": "Generated secrets of the orgs",
    "database": "Databases and logins of the orgs",
    "rabbitmq": "RabbitMQ vhosts, users and permissions of the orgs",
    "dns": "DNS records of the orgs' tenants",
}
STEP_MODULES = {"iam": "fusion_iam_user", "bucket": "fusion_s3_bucket", "secrets": "fusion_secret",
                "database": "fusion_mssql_database", "rabbitmq": "fusion_rabbitmq_org", "dns": "fusion_dns_record"}
ORG_RESULT_TASK = "Result of the org"


class Call:
    """One request the emulator received."""

    def __init__(self, service, action, method, path):
        self.service = service
        self.action = action
        self.method = method
        self.path = path

    @property
    def is_write(self):
        if self.action:
            return not self.action.startswith(READ_PREFIXES)
        return self.method not in ("GET", "HEAD")

    def __repr__(self):
        return "<%s %s %s %s%s>" % (self.service, self.action or self.method, self.path,
                                    "write" if self.is_write else "read", "")


def parse_recorded(entry):
    headers = dict((key.lower(), value) for key, value in entry.get("headers", {}).items())
    auth = headers.get("authorization", "")
    match = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    service = match.group(1) if match else "unknown"
    url = urllib.parse.urlparse(entry["url"])
    action = None
    target = headers.get("x-amz-target")
    if target:
        action = target.split(".")[-1]
    else:
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        params = urllib.parse.parse_qs(url.query)
        if "Action" not in params and body and "=" in body:
            params.update(urllib.parse.parse_qs(body))
        if "Action" in params:
            action = params["Action"][0]
    return Call(service, action, entry["method"], url.path + ("?" + url.query if url.query else ""))


class Emulator:
    """A moto server in its own process, with its own recorder file."""

    def __init__(self, state_dir, extra_env=None):
        self.state_dir = pathlib.Path(state_dir)
        self.proc, self.url = emulator_tool.start(self.state_dir, 0, extra_env)

    def _post(self, path):
        req = urllib.request.Request(self.url + path, data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()

    def reset(self):
        self._post("/moto-api/reset")
        self.reset_recording()

    def reset_recording(self):
        self._post("/moto-api/recorder/reset-recording")
        self._post("/moto-api/recorder/start-recording")

    def calls(self):
        with urllib.request.urlopen(self.url + "/moto-api/recorder/download-recording", timeout=30) as resp:
            text = resp.read().decode("utf-8")
        return [parse_recorded(json.loads(line)) for line in text.splitlines() if line.strip()]

    def writes(self):
        return [call for call in self.calls() if call.is_write]

    def stop(self):
        emulator_tool.stop(self.state_dir)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def aws_env(url, extra=None):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith(("AWS_", "ANSIBLE_")):
            del env[key]
    env.update({
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": TEST_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": TEST_SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "FUSION_POS_AWS_RETRY_BASE_DELAY": "0.05",
        "PATH": "%s:%s" % (VENV_BIN, env.get("PATH", "")),
    })
    env.update(extra or {})
    return env


def boto3_client(url, service, account=None, region="us-east-1"):
    import boto3  # pylint: disable=import-outside-toplevel

    client = boto3.client(service, endpoint_url=url, region_name=region,
                          aws_access_key_id=TEST_ACCESS_KEY, aws_secret_access_key=TEST_SECRET_KEY)
    if account:
        def add_account(request, **_kwargs):
            request.headers["x-moto-account-id"] = account
        client.meta.events.register("before-sign.*.*", add_account)
    return client


class PlaybookResult:
    def __init__(self, proc, data):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.data = data

    @property
    def output(self):
        return self.stdout + self.stderr

    def task_results(self, host="localhost"):
        """``[(task name, result dict)]`` for ``host`` in run order (json callback runs only)."""
        results = []
        for play in (self.data or {}).get("plays", []):
            for task in play.get("tasks", []):
                if host in task.get("hosts", {}):
                    results.append((task["task"]["name"], task["hosts"][host]))
        return results

    def result(self, name, host="localhost"):
        matches = [res for task, res in self.task_results(host) if task == name]
        assert matches, "no task named %r in %s" % (name, [task for task, _result in self.task_results(host)])
        return matches[-1]

    def org_step(self, step, org):
        """``org``'s full result of one org step (``STEP_TASKS``) of provision.yml: the step task runs once
        for all orgs and holds every org's result under ``results`` (a task of several steps: under
        ``steps.<module>.results``)."""
        found = None
        for play in (self.data or {}).get("plays", []):
            for task in play.get("tasks", []):
                for result in task.get("hosts", {}).values():
                    step_of_task = (result.get("steps") or {}).get(STEP_MODULES[step])
                    if step_of_task is None and STEP_TASKS[step] in task["task"]["name"]:
                        step_of_task = result
                    if org in ((step_of_task or {}).get("results") or {}):
                        found = step_of_task["results"][org]
        assert found is not None, "no %s step result for %s" % (step, org)
        return found

    def org_result(self, org):
        """The result of provision.yml's "Result of the org" task for ``org`` (status of every step, summary)."""
        return self.result(ORG_RESULT_TASK, org)

    @property
    def stats(self):
        return (self.data or {}).get("stats", {})

    def changed(self, host="localhost"):
        return self.stats.get(host, {}).get("changed", 0)

    def failed(self, host="localhost"):
        return self.stats.get(host, {}).get("failures", 0)


def run_playbook(playbook, url, extra_vars=None, check=False, diff=False, verbosity=0,
                 inventory=None, limit=None, json_output=True, env=None, cwd=REPO, timeout=900):
    """Run ansible-playbook for real; ``playbook`` is a path or a list of plays (written to a file)."""
    cleanup = None
    if not isinstance(playbook, (str, pathlib.Path)):
        handle = tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False, dir=str(REPO / "tests" / "output")
                                             if (REPO / "tests" / "output").is_dir() else None)
        yaml.safe_dump(playbook, handle, sort_keys=False)
        handle.close()
        playbook = cleanup = handle.name
    cmd = [str(VENV_BIN / "ansible-playbook"), str(playbook)]
    if inventory:
        cmd += ["-i", str(inventory)]
    if limit:
        cmd += ["--limit", limit]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    run_env = aws_env(url, env)
    run_env["ANSIBLE_CONFIG"] = str(REPO / "ansible.cfg")
    if json_output:
        run_env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    try:
        proc = subprocess.run(cmd, cwd=str(cwd), env=run_env, capture_output=True, text=True,
                              timeout=timeout, check=False)
    finally:
        if cleanup:
            os.unlink(cleanup)
    data = None
    if json_output:
        start = proc.stdout.find("{")
        try:
            data = json.loads(proc.stdout[start:]) if start >= 0 else None
        except ValueError:
            data = None
    return PlaybookResult(proc, data)


def module_play(tasks, gather_facts=False):
    """One localhost play around ``tasks``."""
    return [{"name": "test", "hosts": "localhost", "gather_facts": gather_facts, "tasks": tasks}]


def break_iam_user_work_for(monkeypatch, org):
    """The IAM user resource raises an unexpected error for ``org`` only (the others run for real):
    for tests of what an org step does with one org's bug."""
    from ansible_collections.fusion.pos.plugins.module_utils import _iam_user  # pylint: disable=import-outside-toplevel
    real = _iam_user.RESOURCE.work

    def work(ctx):
        if ctx.params["org"] == org:
            raise KeyError("boom")
        return real(ctx)

    monkeypatch.setattr(_iam_user.RESOURCE, "work", work)
