"""awx/controller.yml, awx/configure.yml and execution-environment.yml, checked offline.

Every object of awx/controller.yml is checked key by key against the DOCUMENTATION of the awx.awx
module that applies it (the collection in .deps, the version tools/bootstrap installs), the
configure playbook passes exactly those keys, the surveys ask what the playbooks read, and the
execution environment lists exactly what the plugins import.
"""

import ast
import pathlib
import re
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
AWX_MODULES = REPO / ".deps" / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
AUTH_OPTIONS = {"controller_host", "controller_username", "controller_password", "controller_oauthtoken",
                "validate_certs", "request_timeout", "controller_config_file"}
OBJECTS = {
    "awx_organizations": "organization",
    "awx_execution_environments": "execution_environment",
    "awx_projects": "project",
    "awx_inventories": "inventory",
    "awx_inventory_sources": "inventory_source",
    "awx_job_templates": "job_template",
    "awx_schedules": "schedule",
}
SURVEY_KEYS = {"question_name", "question_description", "variable", "type", "required", "default", "choices",
               "min", "max", "new_question"}
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
# What each playbook reads from a survey (and nothing else may be asked).
PLAYBOOK_VARIABLES = {"provision.yml": {"org"}, "shared.yml": {"region"},
                      "deprovision.yml": {"org", "confirm", "drop_database", "force"}}
TYPES = {"str": str, "bool": bool, "int": int, "list": list, "dict": dict}


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def module_options(module):
    """``{option: spec}`` of an awx.awx module, from its DOCUMENTATION, plus the auth fragment's."""
    source = (AWX_MODULES / ("%s.py" % module)).read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            doc = yaml.safe_load(node.value.value)
            break
    else:
        raise AssertionError("no DOCUMENTATION in %s" % module)
    assert "awx.awx.auth" in doc.get("extends_documentation_fragment", [])
    options = dict(doc["options"])
    for name in AUTH_OPTIONS:
        options.setdefault(name, {"type": "str"})
    return options


@pytest.fixture(scope="module")
def controller():
    if not AWX_MODULES.is_dir():
        pytest.skip("awx.awx is not in .deps (run tools/bootstrap)")
    return load(REPO / "awx" / "controller.yml")


def objects(controller):
    for variable, module in OBJECTS.items():
        for obj in controller[variable]:
            yield pytest.param(variable, module, obj, id="%s:%s" % (module, obj["name"]))


def test_every_object_list_is_applied_by_configure(controller):
    assert set(key for key in controller if key.startswith("awx_")) == set(OBJECTS)


def test_every_key_of_every_object_is_an_option_of_its_module_with_a_fitting_value(controller):
    problems = []
    for variable, module in OBJECTS.items():
        options = module_options(module)
        for obj in controller[variable]:
            for key, value in obj.items():
                spec = options.get(key)
                if spec is None:
                    problems.append("%s %s: %s is not an option of awx.awx.%s" % (variable, obj["name"], key, module))
                    continue
                wanted = TYPES.get(spec.get("type", "str"))
                if wanted and not isinstance(value, wanted):
                    problems.append("%s %s: %s should be a %s" % (variable, obj["name"], key, spec.get("type", "str")))
                if spec.get("choices") and value not in spec["choices"]:
                    problems.append("%s %s: %s=%r not in %s" % (variable, obj["name"], key, value, spec["choices"]))
            missing = [key for key, spec in options.items() if spec.get("required") and key not in obj]
            if missing:
                problems.append("%s %s: lacks required %s" % (variable, obj["name"], ", ".join(missing)))
    assert problems == []


def configure_tasks():
    plays = load(REPO / "awx" / "configure.yml")
    assert len(plays) == 1 and plays[0]["vars_files"] == ["controller.yml"]
    return plays[0]["tasks"]


def test_configure_passes_every_key_of_the_objects_and_only_options_of_the_module(controller):
    tasks = configure_tasks()
    assert [task["loop"] for task in tasks] == ["{{ %s }}" % variable for variable in OBJECTS]
    for task, (variable, module) in zip(tasks, OBJECTS.items()):
        args = task["awx.awx.%s" % module]
        assert set(args) <= set(module_options(module))
        keys = set(key for obj in controller[variable] for key in obj)
        assert set(args) - {"state"} == keys, module
        for key in keys:
            assert re.match(r"^\{\{ item\.%s( \| default\(omit\))? \}\}$" % key, args[key]), (module, key)


def test_references_between_objects_name_declared_objects_and_existing_files(controller):
    names = dict((variable, set(obj["name"] for obj in controller[variable])) for variable in OBJECTS)
    for source in controller["awx_inventory_sources"]:
        assert source["inventory"] in names["awx_inventories"] and source["source_project"] in names["awx_projects"]
        assert (REPO / source["source_path"] / "group_vars" / "all").is_dir()
    for template in controller["awx_job_templates"]:
        assert template["project"] in names["awx_projects"] and template["inventory"] in names["awx_inventories"]
        assert (REPO / template["playbook"]).is_file()
    for schedule in controller["awx_schedules"]:
        assert schedule["unified_job_template"] in names["awx_job_templates"]
    for project in controller["awx_projects"]:
        assert project["default_environment"] in names["awx_execution_environments"]


@pytest.mark.parametrize("kind, playbook, job_type", [
    ("provision", "provision.yml", "run"), ("provision", "provision.yml", "check"),
    ("shared", "shared.yml", "run"), ("deprovision", "deprovision.yml", "run"), ("drift", "provision.yml", "check"),
])
def test_each_environment_gets_the_templates_the_operators_need(controller, kind, playbook, job_type):
    found = [t for t in controller["awx_job_templates"]
             if t["name"].startswith("fusion-pos %s " % kind) and t["playbook"] == playbook and t["job_type"] == job_type]
    assert found
    if job_type == "check":
        assert all(t["diff_mode"] for t in found)


def test_deprovision_exists_only_for_the_non_production_inventory(controller):
    inventories = [t["inventory"] for t in controller["awx_job_templates"] if t["playbook"] == "deprovision.yml"]
    assert inventories == ["fusion-pos-qa"]


def test_surveys_ask_exactly_what_their_playbook_reads_in_awx_survey_format(controller):
    for template in controller["awx_job_templates"]:
        if not template.get("survey_enabled"):
            assert "survey_spec" not in template
            continue
        survey = template["survey_spec"]
        assert set(survey) == {"name", "description", "spec"}
        for question in survey["spec"]:
            assert set(question) <= SURVEY_KEYS and question["type"] in SURVEY_TYPES, question
            if question["type"] == "multiplechoice":
                assert question["default"] in question["choices"]
        assert set(q["variable"] for q in survey["spec"]) == PLAYBOOK_VARIABLES[template["playbook"]], template["name"]


def test_the_drift_checks_are_scheduled_and_ask_for_every_org(controller):
    drift = [t for t in controller["awx_job_templates"] if t["name"].startswith("fusion-pos drift ")]
    assert all(t["extra_vars"] == {"org": "orgs"} for t in drift)
    assert sorted(s["unified_job_template"] for s in controller["awx_schedules"]) == sorted(t["name"] for t in drift)
    assert all("RRULE:FREQ=" in s["rrule"] for s in controller["awx_schedules"])


# ---- the execution environment -----------------------------------------------------------------

# import name -> the requirement that brings it (yaml comes with ansible-core, botocore with boto3)
IMPORT_REQUIREMENT = {"boto3": "boto3", "botocore": "boto3", "pytds": "python-tds", "yaml": "ansible-core"}
# needed at run time without an import of ours: python-tds's TLS goes through pyOpenSSL (docs/sqlserver.md)
RUNTIME_ONLY = {"pyOpenSSL"}


def third_party_imports():
    names = set()
    for path in (REPO / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    ours = {"ansible", "ansible_collections", "__future__"}
    return set(name for name in names if name not in sys.stdlib_module_names) - ours


def requirement_name(line):
    return re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0]


def pins(path):
    return dict((requirement_name(line), line) for line in (REPO / path).read_text().splitlines()
                if line.strip() and not line.startswith("#"))


def test_the_execution_environment_lists_exactly_what_the_plugins_import():
    ee = load(REPO / "execution-environment.yml")
    assert ee["version"] == 3
    python = set(requirement_name(line) for line in ee["dependencies"]["python"])
    imports = third_party_imports()
    assert imports <= set(IMPORT_REQUIREMENT), "a new import needs a line in execution-environment.yml"
    assert python == set(IMPORT_REQUIREMENT[name] for name in imports) - {"ansible-core"} | RUNTIME_ONLY


def test_the_execution_environment_pins_what_the_tests_run_with():
    ee = load(REPO / "execution-environment.yml")
    dev = pins("requirements-dev.txt")
    for line in ee["dependencies"]["python"]:
        assert dev[requirement_name(line)] == line
    assert ee["dependencies"]["ansible_core"]["package_pip"] == dev["ansible-core"]
    assert ee["dependencies"]["ansible_runner"]["package_pip"] == dev["ansible-runner"]


def used_collections():
    """Collections named by FQCN in the playbooks and roles, other than ansible.builtin and fusion.pos."""
    found = set()
    paths = list(REPO.glob("*.yml")) + list((REPO / "roles").rglob("*.yml"))
    for path in paths:
        if path.name in ("galaxy.yml", "requirements.yml", "execution-environment.yml"):
            continue
        for match in re.finditer(r"^\s*-?\s*([a-z_]+)\.([a-z_]+)\.[a-z_]+:", path.read_text(), re.M):
            found.add("%s.%s" % match.groups())
    return found - {"ansible.builtin", "fusion.pos"}


def test_the_execution_environment_holds_exactly_the_collections_the_playbooks_use():
    ee = load(REPO / "execution-environment.yml")
    listed = set(item["name"] if isinstance(item, dict) else item for item in ee["dependencies"]["galaxy"]["collections"])
    assert listed == used_collections()
