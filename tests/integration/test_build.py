"""`ansible-galaxy collection build` ships what a user needs and none of the development state.

The build runs after the development directories exist (a sandbox run leaves .emulator/, pytest
.pytest_cache/, ansible-lint .ansible/, ...): the ones missing are created for the test, each with
a file inside, and removed again afterwards.
"""

import json
import shutil
import subprocess
import tarfile

import pytest

from fusion_testlib import REPO

# Directories that development leaves in the checkout (relative to the collection root).
DEVELOPMENT_STATE = [
    ".emulator",
    ".pytest_cache",
    ".ansible",
    ".cache",
    ".build",
    "tests/output",
    "bench/results",
    "plugins/modules/__pycache__",
    "extensions/molecule/default/.molecule",
]

# Nothing at or below these paths may be in the tarball.
NOT_SHIPPED = [
    ".venv", ".deps", ".build", ".cache", ".git", ".ci", ".emulator", ".pytest_cache", ".ansible",
    "tests", "tools", "bench", "extensions", "changelogs/.plugin-cache.yaml",
    ".gitignore", ".ansible-lint", "pytest.ini", "requirements-dev.txt",
]

SHIPPED = [
    "plugins/", "plugins/modules/fusion_s3_bucket.py", "roles/", "roles/org_s3/tasks/main.yml",
    "meta/runtime.yml", "README.md", "LICENSE", "docs/", "docs/specification.md", "CHANGELOG.md",
    "changelogs/changelog.yaml", "provision.yml", "shared.yml", "inventories/qa/xmsqa1.yml",
]


@pytest.fixture(name="development_state", scope="module")
def fixture_development_state():
    """Every directory of DEVELOPMENT_STATE exists with a file in it; the ones made here go again."""
    created = []
    for relative in DEVELOPMENT_STATE:
        path = REPO / relative
        if not path.exists():
            path.mkdir(parents=True)
            (path / "state.txt").write_text("left behind by development\n")
            created.append(path)
    yield DEVELOPMENT_STATE
    for path in reversed(created):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(name="tarball", scope="module")
def fixture_tarball(development_state, tmp_path_factory):
    """The collection tarball built from this checkout while the development state is there."""
    assert all((REPO / relative).is_dir() for relative in development_state)
    output = tmp_path_factory.mktemp("build")
    result = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-galaxy"), "collection", "build", "--output-path", str(output)],
                            cwd=str(REPO), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr
    (built,) = output.glob("fusion-pos-*.tar.gz")
    with tarfile.open(built) as archive:
        yield archive


@pytest.fixture(name="members", scope="module")
def fixture_members(tarball):
    return [member.name + ("/" if member.isdir() else "") for member in tarball.getmembers()]


@pytest.mark.parametrize("path", NOT_SHIPPED)
def test_tarball_leaves_out_development_artefact(members, path):
    found = [name for name in members if name.rstrip("/") == path or name.startswith(path + "/")]
    assert not found, "%s shipped: %s" % (path, found[:5])


def test_tarball_holds_no_bytecode(members):
    assert not [name for name in members if "__pycache__" in name.split("/") or name.endswith(".pyc")]


@pytest.mark.parametrize("path", SHIPPED)
def test_tarball_ships_what_a_user_needs(members, path):
    assert path in members


def test_tarball_license_is_the_full_gpl_3(tarball):
    text = tarball.extractfile("LICENSE").read().decode("utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text and "END OF TERMS AND CONDITIONS" in text


def test_manifest_declares_the_license_and_no_placeholder_url(tarball):
    info = json.load(tarball.extractfile("MANIFEST.json"))["collection_info"]
    assert info["license"] == ["GPL-3.0-or-later"]
    urls = [info[key] for key in ("repository", "documentation", "homepage", "issues") if info.get(key)]
    assert not [url for url in urls if "example." in url or ".invalid" in url]
