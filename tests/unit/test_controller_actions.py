"""The controller-side action plugins: arguments through their spec, same result in check mode, no connection."""

import pathlib
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.fusion.pos.plugins.action import fusion_inventory_check, fusion_org_result, fusion_shared_declaration
from ansible_collections.fusion.pos.plugins.plugin_utils import _controller, _org_summary
from ansible_collections.fusion.pos.plugins.plugin_utils._org_results import entry_of, module_of

REPO = pathlib.Path(__file__).resolve().parents[2]
DECLARATION = {
    "environment": "qa",
    "regions": [{"region": "us-east-1", "availability_zones": ["us-east-1a", "us-east-1b"]}],
    "rds_instances": [{"name": "db-POS-01", "region": "us-east-1", "availability_zone": "us-east-1a", "edition": "web"}],
    "brokers": [{"name": "mq-POS-01", "region": "us-east-1"}],
    "operators": [],
    "pos_hosts": {"POS01": {"region": "us-east-1", "availability_zone": "us-east-1a", "rds_instance": "db-POS-01",
                            "broker": "mq-POS-01", "pos_version": "24.2.1"}},
}
SANDBOX_GROUPS = {"all": ["xmsqa1", "xmsqa2", "xmsdev1"], "orgs": ["xmsqa1", "xmsqa2", "xmsdev1"]}


def run_action(plugin, args, check_mode=False, task_vars=None):
    task = mock.MagicMock(args=args, check_mode=check_mode, async_val=0, diff=False)
    task.get_name.return_value = "test"
    action = plugin.ActionModule(task, connection=mock.MagicMock(), play_context=mock.MagicMock(),
                                 loader=None, templar=None, shared_loader_obj=None)
    return action.run(task_vars=task_vars or {})


@pytest.mark.parametrize("plugin", [fusion_inventory_check, fusion_shared_declaration], ids=["inventory", "shared"])
def test_the_action_needs_no_connection_copies_no_file_and_supports_check_mode(plugin):
    cls = plugin.ActionModule
    assert (cls._requires_connection, cls.TRANSFERS_FILES, cls._supports_check_mode) == (False, False, True)


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])
def test_the_inventory_check_returns_the_orgs_of_the_run_in_both_modes(check_mode):
    result = run_action(fusion_inventory_check, {"path": str(REPO / "inventories" / "sandbox"), "org": "xmsqa1",
                                                 "groups": SANDBOX_GROUPS}, check_mode)
    assert not result.get("failed"), result
    assert result["run_orgs"] == ["xmsqa1"]
    assert {"orgs", "inventories", "run_orgs"} <= set(result) and result["changed"] is False


def test_the_inventory_check_fails_with_every_error_and_one_message():
    result = run_action(fusion_inventory_check, {"path": str(REPO / "inventories"), "org": "xmsqa9,XMS",
                                                 "groups": SANDBOX_GROUPS})
    assert result["failed"] is True and len(result["errors"]) == 2
    assert result["msg"] == "inventory check failed: " + " | ".join(result["errors"])


def test_the_inventory_check_without_org_resolves_nothing():
    result = run_action(fusion_inventory_check, {"path": str(REPO / "inventories")})
    assert not result.get("failed") and result["run_orgs"] == []


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])
def test_the_shared_declaration_returns_the_plan_and_what_it_covers_in_both_modes(check_mode):
    result = run_action(fusion_shared_declaration, dict(DECLARATION, region="us-east-1"), check_mode)
    assert not result.get("failed"), result
    assert result["plan"]["scope"]["pos_hosts"] == ["POS01"]
    assert result["msg"].startswith("narrowed by -e region=us-east-1: regions us-east-1;")


@pytest.mark.parametrize("changes, expected", [
    ({"regions": [{"region": "us-east-1"}]}, "shared declaration refused: missing required arguments: availability_zones found in regions"),
    ({"regions": [{"region": "zz-nowhere-1", "availability_zones": ["zz-nowhere-1a", "zz-nowhere-1b"]}]},
     "regions[zz-nowhere-1]: unknown AWS region 'zz-nowhere-1'"),
    ({"region": "eu-west-1"}, "shared.yml -e region refused: region 'eu-west-1' is not declared in this inventory"),
], ids=["breaks-the-spec", "unknown-region", "undeclared-scope"])
def test_the_shared_declaration_refuses_in_one_line(changes, expected):
    result = run_action(fusion_shared_declaration, dict(DECLARATION, **changes))
    assert result["failed"] is True
    assert expected in result["msg"] and "\n" not in result["msg"]
    assert "plan" not in result


# ---- fusion_org_result: an org's entry read from the registered steps by name ----------------------

STEP = {"changed": False, "results": {"xmsqa1": {"changed": True, "changes": ["user"]}, "xmsqa2": {"changed": False}}}
TENANT_LOOP = {"changed": False, "results": [{"org_tenant_host": "POS01", "results": {"xmsqa2": {"changed": True}}},
                                             {"org_tenant_host": "POS02", "results": {"xmsqa1": {"changed": False}}}]}


@pytest.mark.parametrize("registered, org, expected", [
    (STEP, "xmsqa1", {"changed": True, "changes": ["user"]}),
    (STEP, "xmsdev1", None),
    (TENANT_LOOP, "xmsqa1", {"changed": False}),
    (TENANT_LOOP, "xmsdev1", None),
    ({"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}, "xmsqa1", None),
    (None, "xmsqa1", None),
], ids=["step", "step-without-the-org", "loop", "loop-without-the-org", "skipped-step", "undefined"])
def test_the_orgs_entry_is_found_in_every_shape_a_step_registers(registered, org, expected):
    assert entry_of(registered, org) == expected


def test_registered_steps_are_read_by_name_and_reported_like_steps():
    task_vars = {"inventory_hostname": "xmsqa1", "iam_step": STEP, "tenant_step": TENANT_LOOP,
                 "failed_step": {"results": {"xmsqa1": {"failed": True, "msg": "bucket fusion-rms-xmsqa1: refused"}}}}
    args = {"registered": {"IAM user": "iam_step", "tenant": "tenant_step", "RabbitMQ": "never_ran_step"}}
    by_name = run_action(fusion_org_result, args, task_vars=task_vars)
    by_value = run_action(fusion_org_result, {"steps": {"IAM user": STEP["results"]["xmsqa1"], "tenant": {"changed": False},
                                                        "RabbitMQ": None}}, task_vars=task_vars)
    assert by_name == by_value
    assert by_name["changed"] is True and by_name["steps"]["IAM user"] == {"changed": True, "changes": ["user"]}
    failed = run_action(fusion_org_result, {"registered": {"S3 bucket": "failed_step"}}, task_vars=task_vars)
    assert failed["failed"] is True and failed["msg"] == "S3 bucket: bucket fusion-rms-xmsqa1: refused"


@pytest.mark.parametrize("step, expected_changed", [(STEP, True), (TENANT_LOOP, False)], ids=["step", "loop"])
def test_a_whole_registered_step_or_loop_reports_the_orgs_own_entry(step, expected_changed):
    result = run_action(fusion_org_result, {"step": step}, task_vars={"inventory_hostname": "xmsqa1"})
    assert result["changed"] is expected_changed and not result.get("skipped")


# ---- fusion_org_result: the org's summary built from what the steps registered ---------------------

PLAN_ENTRY = {"org": "xmsqa1", "environment": "qa", "site_title": "XMS QA 1"}
CALLER = {"account_id": "123456789012"}
IAM_STEP = {"module": "fusion_iam_user", "results": {"xmsqa1": {"changed": True, "changes": ["user"], "user_name": "rms_xmsqa1"}}}
BUCKET_STEP = {"module": "fusion_s3_bucket", "results": {"xmsqa1": {"changed": False, "changes": [], "bucket": "fusion-rms-xmsqa1"}}}
TENANT_STEP = {"results": [{"module": "fusion_tenant", "results": {"xmsqa1": {"changed": False, "tenant": "xmsqa1",
                                                                              "host_name": "xmsqa1.fusionPOS.com",
                                                                              "file": "C:/t.json", "pos_host": "POS01",
                                                                              "pos_version": "24.2.1"}}}]}


@pytest.mark.parametrize("registered, expected", [
    (IAM_STEP, "fusion_iam_user"),
    (TENANT_STEP, "fusion_tenant"),
    ({"changed": False, "skipped": True}, None),
    (None, None),
], ids=["step", "loop", "skipped", "undefined"])
def test_a_registered_step_says_which_module_it_ran(registered, expected):
    assert module_of(registered) == expected


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])
def test_the_summary_is_built_from_the_registered_steps_like_the_summaries_filter(check_mode):
    task_vars = {"inventory_hostname": "xmsqa1", "iam": IAM_STEP, "bucket": BUCKET_STEP, "tenant": TENANT_STEP,
                 "run_plan": {"xmsqa1": PLAN_ENTRY, "other": {}}, "caller": CALLER}
    args = {"registered": {"IAM user": "iam", "S3 bucket and policy": "bucket", "tenant": "tenant", "DNS record": "dns"},
            "summary_of": {"plan": "run_plan", "caller": "caller"}}
    result = run_action(fusion_org_result, args, check_mode=check_mode, task_vars=task_vars)
    expected = _org_summary.summaries(["xmsqa1"], {"xmsqa1": PLAN_ENTRY}, CALLER,
                                      {"iam": IAM_STEP, "bucket": BUCKET_STEP, "tenant": TENANT_STEP}, check_mode)["xmsqa1"]
    assert result["msg"] == expected
    assert "IAM user: rms_xmsqa1" in expected and "DNS: not provisioned in this run" in expected
    assert ("CHECK MODE" in expected[0]) is check_mode


def test_a_failed_org_shows_its_failure_not_its_summary():
    task_vars = {"inventory_hostname": "xmsqa1", "run_plan": {"xmsqa1": PLAN_ENTRY},
                 "iam": {"module": "fusion_iam_user", "results": {"xmsqa1": {"failed": True, "msg": "user rms_xmsqa1: denied"}}}}
    result = run_action(fusion_org_result, {"registered": {"IAM user": "iam"}, "summary_of": {"plan": "run_plan"}},
                        task_vars=task_vars)
    assert result["failed"] is True and result["msg"] == "IAM user: user rms_xmsqa1: denied"


@pytest.mark.parametrize("args, message", [
    ({"steps": {}, "summary_of": {"plan": "run_plan"}}, "registered"),
    ({"registered": {}, "summary": ["x"], "summary_of": {"plan": "run_plan"}}, "mutually exclusive"),
    ({"registered": {}, "summary_of": {"plan": "no_such_plan"}}, "variable no_such_plan has no entry for org xmsqa1"),
    ({"registered": {}, "summary_of": {"plan": "other_plan"}}, "variable other_plan has no entry for org xmsqa1"),
], ids=["summary-of-needs-registered", "summary-or-summary-of", "plan-not-defined", "org-not-in-plan"])
def test_summary_of_is_refused_where_it_cannot_apply(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run_action(fusion_org_result, args, task_vars={"inventory_hostname": "xmsqa1", "other_plan": {"xmsqa2": {}}})


class TaggedStr(str):
    """Stands in for ansible-core's tagged strings (a str subclass carrying more)."""


def action_with_args(args):
    task = mock.MagicMock(args=args)
    action = mock.MagicMock(_task=task, _load_name="fusion.pos.example")
    return action


ARGS = _controller.Arguments({"name": {"type": "str", "required": True}, "tags": {"type": "dict", "default": {}}},
                             mutually_exclusive=[("name", "tags")])


def test_validated_args_are_plain_data_with_the_specs_defaults():
    _outcome, args = _controller.validated_args(action_with_args({"name": TaggedStr("a")}), ARGS)
    assert args == {"name": "a", "tags": {}} and args["name"].__class__ is str


def test_the_validator_is_built_once_and_reused_unchanged():
    validator = ARGS.validator
    for value in ("a", "b"):
        _controller.validated_args(action_with_args({"name": value}), ARGS)
    assert ARGS.validator is validator and "name" in validator.argument_spec


@pytest.mark.parametrize("args, message", [
    ({"name": "a", "colour": "red"}, "Unsupported parameters for (fusion.pos.example) module: colour"),
    ({}, "missing required arguments: name"),
    ({"name": "a", "tags": {"k": "v"}}, "mutually exclusive: name|tags"),
], ids=["unsupported", "missing", "exclusive"])
def test_bad_arguments_are_refused_in_one_line_like_ansible_does(args, message):
    with pytest.raises(AnsibleActionFail, match=message.replace("(", "\\(").replace(")", "\\)").replace("|", "\\|")):
        _controller.validated_args(action_with_args(args), ARGS)
