"""``ansible-doc`` renders every module and plugin of the collection, with examples and return values."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


def plugin_names(kind, suffix=".py"):
    return sorted("fusion.pos." + path.stem for path in (REPO / "plugins" / kind).glob("*" + suffix)
                  if not path.stem.startswith("_") and path.stem != "__init__")


def ansible_doc(kind, names):
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_COLLECTIONS_PATH=str(REPO / ".deps"))
    proc = subprocess.run([str(BIN / "ansible-doc"), "--json", "-t", kind] + names, cwd=str(REPO), env=env,
                          capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def module_docs():
    return ansible_doc("module", plugin_names("modules"))


@pytest.mark.parametrize("name", plugin_names("modules"))
def test_module_has_documentation_examples_and_return(module_docs, name):
    doc = module_docs[name]
    assert doc["doc"]["short_description"] and doc["doc"]["description"]
    assert doc["examples"].strip()
    assert doc["return"] is not None


@pytest.mark.parametrize("name", plugin_names("modules"))
def test_module_documents_check_mode_and_diff_support(module_docs, name):
    attributes = module_docs[name]["doc"].get("attributes", {})
    assert attributes["check_mode"]["support"] == "full"
    assert attributes["diff_mode"]["support"] in ("full", "none")


def test_every_filter_is_documented():
    names = plugin_names("filter", ".yml")
    docs = ansible_doc("filter", names)
    assert sorted(docs) == names and all(docs[name]["doc"]["short_description"] for name in names)


def test_lookup_is_documented():
    docs = ansible_doc("lookup", plugin_names("lookup"))
    assert all(item["doc"]["short_description"] for item in docs.values())
