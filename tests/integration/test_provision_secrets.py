"""Generated secrets never show: not in a -vvvv run's output, not in any file the run leaves.

The values are read back from the emulator's Secrets Manager and searched for everywhere the run
could have put them: its whole output, every file of the repository (without .venv/.deps/.git),
the test's tmp directory, every file written under the system tmp directory and ~/.ansible during
the run. The emulator's own state directory is left out: it stands in for AWS, which holds the values.
"""

import json
import os
import pathlib
import tempfile
import time

import pytest

from fusion_testlib import REPO

SKIP_DIRS = {".venv", ".deps", ".git", "__pycache__", ".pytest_cache"}


def secret_values(sm):
    values = []
    for page in sm.get_paginator("list_secrets").paginate():
        for item in page["SecretList"]:
            text = sm.get_secret_value(SecretId=item["ARN"])["SecretString"]
            if item["Name"].endswith("/iam-access-key"):
                text = json.loads(text)["SecretAccessKey"]
            values.append((item["Name"], text))
    return values


def files_under(root, since=None, exclude=()):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if name not in SKIP_DIRS
                       and not any(str(pathlib.Path(dirpath, name)).startswith(str(ex)) for ex in exclude)]
        for name in filenames:
            path = pathlib.Path(dirpath, name)
            try:
                info = path.lstat()
            except OSError:
                continue
            if not path.is_file() or path.is_symlink() or info.st_size > 20 * 1024 * 1024:
                continue
            if since is None or info.st_mtime >= since:
                yield path


def leaks(paths, values):
    found = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for name, value in values:
            if value.encode() in data:
                found.append((str(path), name))
    return found


@pytest.fixture
def verbose_run(playbook, aws, tmp_path):
    start = time.time() - 1
    result = playbook("provision.yml", inventory=REPO / "inventories" / "sandbox", verbosity=4, json_output=False,
                      extra_vars={"org": "xmsqa1,xmsdev1", "aws_endpoint_url": aws.url})
    assert result.rc == 0, result.output[-3000:]
    return start, result


def test_vvvv_run_creates_the_secrets(verbose_run, boto):
    names = [name for name, _value in secret_values(boto("secretsmanager"))]
    assert sorted(names) == ["fusion-pos/dev/xmsdev1/db-login", "fusion-pos/dev/xmsdev1/iam-access-key",
                             "fusion-pos/dev/xmsdev1/rabbitmq", "fusion-pos/qa/xmsqa1/db-login",
                             "fusion-pos/qa/xmsqa1/rabbitmq"]


def test_no_secret_value_in_the_vvvv_output(verbose_run, boto):
    _start, result = verbose_run
    assert "setting up inventory plugins" in result.output  # really -vvvv (a display.vvvv() line of ansible-core)
    values = secret_values(boto("secretsmanager"))
    assert [name for name, value in values if value in result.output] == []


def test_no_secret_value_in_any_file_left_behind(verbose_run, boto, aws, tmp_path):
    start, _result = verbose_run
    values = secret_values(boto("secretsmanager"))
    emulator_state = pathlib.Path(aws.state_dir).resolve()
    paths = list(files_under(REPO))
    paths += list(files_under(tmp_path))
    paths += list(files_under(tempfile.gettempdir(), since=start, exclude=[emulator_state]))
    paths += list(files_under(pathlib.Path.home() / ".ansible", since=start))
    assert paths, "nothing searched"
    assert leaks(paths, values) == []
