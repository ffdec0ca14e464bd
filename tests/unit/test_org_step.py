"""plugin_utils/_org_step.py: one resource for many orgs in one process (moto in-process, no emulator)."""

import boto3
import pytest
from moto import mock_aws

import fusion_testlib
from ansible_collections.fusion.pos.plugins.module_utils import _iam_user
from ansible_collections.fusion.pos.plugins.module_utils._aws import ClientFactory
from ansible_collections.fusion.pos.plugins.plugin_utils import _org_step

ORGS = ["orga", "orgb", "orgc"]


@pytest.fixture
def account(monkeypatch):
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFUSIONTESTKEY000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-real")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield boto3.client("iam", region_name="us-east-1")


def users(iam):
    return sorted(user["UserName"] for user in iam.list_users()["Users"])


def test_every_org_gets_its_own_result_in_the_order_given(account):
    results = _org_step.run_step("fusion_iam_user", dict((org, {"org": org}) for org in ORGS))
    assert list(results) == ORGS
    assert [results[org]["user_name"] for org in ORGS] == ["rms_orga", "rms_orgb", "rms_orgc"]
    assert all(results[org]["changed"] for org in ORGS)
    assert users(account) == ["rms_orga", "rms_orgb", "rms_orgc"]


def test_check_mode_reports_the_changes_and_creates_nothing(account):
    results = _org_step.run_step("fusion_iam_user", {"orga": {"org": "orga"}}, check_mode=True)
    assert results["orga"]["changed"] is True
    assert users(account) == []


def test_diff_is_returned_per_org_only_when_asked(account):
    plain = _org_step.run_step("fusion_iam_user", {"orga": {"org": "orga"}}, check_mode=True)
    with_diff = _org_step.run_step("fusion_iam_user", {"orga": {"org": "orga"}}, check_mode=True, diff=True)
    assert "diff" not in plain["orga"]
    assert with_diff["orga"]["diff"]["before"]["user"] is False and with_diff["orga"]["diff"]["after"]["user"] is True


def test_second_step_changes_nothing(account):
    _org_step.run_step("fusion_iam_user", dict((org, {"org": org}) for org in ORGS))
    again = _org_step.run_step("fusion_iam_user", dict((org, {"org": org}) for org in ORGS))
    assert [again[org]["changed"] for org in ORGS] == [False, False, False]


@pytest.mark.parametrize("params, message", [
    ({"org": "Bad_Org"}, "invalid org ID 'Bad_Org'"),
    ({"org": "orgb", "state": "gone"}, "value of state must be one of: present, absent"),
    ({"org": "orgb", "create_access_key": True}, "create_access_key is True but all of the following are missing: environment"),
    ({"org": "orgb", "colour": "red"}, "Unsupported parameters"),
], ids=["naming-rule", "choices", "required-if", "unknown-option"])
def test_an_org_with_bad_parameters_fails_alone_and_the_others_go_on(account, params, message):
    results = _org_step.run_step("fusion_iam_user", {"orga": {"org": "orga"}, "orgb": params})
    assert results["orgb"]["failed"] is True and message in results["orgb"]["msg"]
    assert results["orga"]["changed"] is True and not results["orga"].get("failed")
    assert users(account) == ["rms_orga"]


def test_an_unexpected_exception_fails_that_org_with_one_line(account, monkeypatch):
    fusion_testlib.break_iam_user_work_for(monkeypatch, "orgb")
    results = _org_step.run_step("fusion_iam_user", {"orga": {"org": "orga"}, "orgb": {"org": "orgb"}})
    assert results["orgb"] == {"failed": True, "changed": False,
                               "msg": "fusion_iam_user: internal error (please report it): KeyError: 'boom'"}
    assert results["orga"]["changed"] is True


def test_one_client_per_service_for_all_orgs(account):
    clients = ClientFactory()
    _org_step.run_step("fusion_iam_user", dict(("org%d" % index, {"org": "org%d" % index}) for index in range(12)),
                       clients=clients)
    assert clients.created == 1


@pytest.mark.parametrize("name", ["fusion_vpc", "amazon.aws.iam_user", "fusion.pos.nothing"])
def test_a_module_that_is_not_a_step_is_refused(name):
    with pytest.raises(_org_step.StepError, match="cannot run as an org step"):
        _org_step.resource_of(name)


@pytest.mark.parametrize("name", ["fusion_iam_user", "fusion.pos.fusion_iam_user"])
def test_a_step_module_is_found_with_or_without_the_collection_prefix(name):
    assert _org_step.resource_of(name) is _iam_user.RESOURCE


def test_one_validator_serves_every_org_and_each_gets_its_own_default_objects():
    resource = _org_step.resource_of("fusion_s3_bucket")
    validator = _org_step.validator_of(resource)
    first, second = (_org_step.validate_params(resource, validator, {"org": org, "region": "us-east-1"})[0]
                     for org in ("xmsqa1", "xmsqa2"))
    assert (first["org"], second["org"]) == ("xmsqa1", "xmsqa2")
    assert first["tags"] == second["tags"] == {} and first["tags"] is not second["tags"]
