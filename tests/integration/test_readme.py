"""The two commands at the top of the README stay true (the newcomer's first contact)."""

import os
import re
import subprocess

import pytest

from fusion_testlib import REPO


def top_commands():
    """The command lines of the README's first ```bash block, comments stripped."""
    block = re.search(r"```bash\n(.*?)```", (REPO / "README.md").read_text(), re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]


def recap(output):
    """``{host: changed count}`` from the PLAY RECAP of a default-callback run."""
    return dict((host, int(changed)) for host, changed in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", output, re.M))


@pytest.fixture
def sandbox_env():
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(("AWS_", "ANSIBLE_")))
    started_here = not (REPO / ".emulator" / "pid").exists()
    yield env
    if started_here:
        subprocess.run(["tools/sandbox", "stop"], cwd=str(REPO), env=env, capture_output=True, check=False)


def test_readme_starts_with_the_main_job_and_the_test_command():
    assert top_commands() == ["tools/sandbox ansible-playbook provision.yml -e org=xmsqa1", "tools/test"]
    assert "exec tools/test" in (REPO / ".ci" / "run").read_text()


def test_readme_main_job_provisions_xmsqa1_and_a_second_run_changes_nothing(sandbox_env):
    command = top_commands()[0]
    first = subprocess.run(["bash", "-c", command], cwd=str(REPO), env=sandbox_env, capture_output=True, text=True,
                           timeout=900, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "MANUAL CHECKLIST for xmsqa1" in first.stdout
    assert "S3 bucket: fusion-rms-xmsqa1" in first.stdout and "IAM user: rms_xmsqa1" in first.stdout
    second = subprocess.run(["bash", "-c", command], cwd=str(REPO), env=sandbox_env, capture_output=True, text=True,
                            timeout=900, check=False)
    assert second.returncode == 0, second.stdout + second.stderr
    counts = recap(second.stdout)
    assert "xmsqa1" in counts and set(counts.values()) == {0}, second.stdout[-3000:]
    assert "changed: nothing" in second.stdout
