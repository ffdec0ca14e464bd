"""Packaging metadata says what is true: the ansible-core tested, the collections the content runs."""

import pathlib
import re

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]

# What a user of the collection runs (tests, molecule scenarios and the benchmark are not shipped).
RUNTIME_CONTENT = ["roles", "provision.yml", "shared.yml", "pos_install.yml", "inventories", "plugins"]

# In YAML: a task's module by FQCN, a lookup, a filter or test, a play's collections: entry.
_COLLECTION_USES = [
    re.compile(r"^\s*-?\s*([a-z0-9_]+\.[a-z0-9_]+)\.[a-z0-9_]+:\s*$", re.M),
    re.compile(r"\blookup\(\s*['\"]([a-z0-9_]+\.[a-z0-9_]+)\.[a-z0-9_]+"),
    re.compile(r"\|\s*([a-z0-9_]+\.[a-z0-9_]+)\.[a-z0-9_]+"),
    re.compile(r"^\s*-\s*([a-z0-9_]+\.[a-z0-9_]+)\s*$", re.M),
]
# In Python (the EXAMPLES of a module are the user's playbook, not ours): an import.
_PYTHON_IMPORT = re.compile(r"^\s*(?:from|import)\s+ansible_collections\.([a-z0-9_]+\.[a-z0-9_]+)\.", re.M)


@pytest.fixture(name="galaxy", scope="module")
def fixture_galaxy():
    return yaml.safe_load((REPO / "galaxy.yml").read_text())


def runtime_files():
    for entry in RUNTIME_CONTENT:
        path = REPO / entry
        for candidate in ([path] if path.is_file() else sorted(path.rglob("*"))):
            if candidate.suffix in (".yml", ".yaml", ".py") and "__pycache__" not in candidate.parts:
                yield candidate


def collections_used():
    used = set()
    for path in runtime_files():
        text = path.read_text()
        for pattern in [_PYTHON_IMPORT] if path.suffix == ".py" else _COLLECTION_USES:
            used.update(pattern.findall(text))
    return used - {"ansible.builtin", "ansible.legacy", "fusion.pos"}


def test_requires_ansible_is_the_ansible_core_that_is_tested():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    pinned = re.search(r"^ansible-core==(\d+)\.(\d+)\.", (REPO / "requirements-dev.txt").read_text(), re.M).groups()
    assert runtime["requires_ansible"] == ">=%s.%s.0" % pinned == ">=2.19.0"


def test_runtime_content_is_scanned():
    assert any(path.name == "main.yml" and "org_s3" in path.parts for path in runtime_files())


def test_dependencies_are_the_collections_the_runtime_content_uses(galaxy):
    assert set(galaxy.get("dependencies") or {}) == collections_used()


@pytest.mark.parametrize("pattern, text, collection", [
    (_COLLECTION_USES[0], "- name: X\n  amazon.aws.route53:\n    zone: z\n", "amazon.aws"),
    (_COLLECTION_USES[1], "{{ lookup('community.general.random_string') }}", "community.general"),
    (_COLLECTION_USES[2], "{{ y | ansible.utils.ipaddr }}", "ansible.utils"),
    (_COLLECTION_USES[3], "  collections:\n    - community.rabbitmq\n", "community.rabbitmq"),
    (_PYTHON_IMPORT, "from ansible_collections.amazon.aws.plugins.module_utils import botocore\n", "amazon.aws"),
], ids=["module", "lookup", "filter", "collections keyword", "python import"])
def test_collection_use_is_recognised(pattern, text, collection):
    assert pattern.findall(text) == [collection]


@pytest.mark.parametrize("key", ["repository", "documentation", "homepage", "issues"])
def test_galaxy_metadata_names_no_placeholder_url(galaxy, key):
    url = galaxy.get(key) or ""
    assert "example." not in url and ".invalid" not in url


def test_license_file_is_shipped_for_the_declared_license(galaxy):
    assert galaxy["license"] == ["GPL-3.0-or-later"]
    assert "GNU GENERAL PUBLIC LICENSE" in (REPO / "LICENSE").read_text()
