"""module_utils/_sts.py: the account guards as a pure function, the caller identity call."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.fusion.pos.plugins.module_utils import _sts
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._naming import NamingError

PROD = "111111111111"
QA = "222222222222"


def identity(account, resource="user/provisioner", partition="aws"):
    return {"account_id": account, "arn": "arn:%s:iam::%s:%s" % (partition, account, resource),
            "partition": partition, "user_id": "AIDA"}


@pytest.mark.parametrize("caller, environments, declared", [
    (identity(PROD), ["production"], PROD),
    (identity(PROD), ["production", "staging"], None),
    (identity(QA), ["qa", "dev", "demo"], QA),
    (identity(QA, "assumed-role/Provisioner/session"), ["qa"], ""),
    (identity(QA), [], QA),
])
def test_allowed_callers_pass(caller, environments, declared):
    assert _sts.check_account(caller, environments, PROD, declared) is caller


@pytest.mark.parametrize("caller, environments, declared, message", [
    (identity(PROD, "root"), ["production"], PROD, "refusing to run as the root identity of account 111111111111"),
    (identity(QA, "root"), ["qa"], QA, "root identity"),
    (identity(QA), ["qa"], PROD, "is in account 222222222222 but the inventory declares account 111111111111"),
    (identity(QA), ["staging"], None, "environment staging lives only in the POS Production account"),
    (identity(QA), ["qa", "production"], None, "environment production lives only in the POS Production account"),
    (identity(PROD), ["demo"], None, "environment demo never lives in the POS Production account"),
    (identity(PROD), ["production", "dev"], PROD, "environment dev never lives"),
])
def test_refusals_name_the_rule(caller, environments, declared, message):
    with pytest.raises(FusionModuleError, match=message):
        _sts.check_account(caller, environments, PROD, declared)


@pytest.mark.parametrize("environments, production, declared", [
    (["prod"], PROD, None), (["qa"], "1234", None), (["qa"], PROD, "12345678901x"),
])
def test_bad_guard_inputs_are_naming_errors(environments, production, declared):
    with pytest.raises(NamingError):
        _sts.check_account(identity(QA), environments, production, declared)


@pytest.mark.parametrize("arn, root", [
    ("arn:aws:iam::123456789012:root", True),
    ("arn:aws-cn:iam::123456789012:root", True),
    ("arn:aws:iam::123456789012:user/root", False),
    ("arn:aws:sts::123456789012:assumed-role/root/session", False),
])
def test_root_arn_is_recognised(arn, root):
    assert _sts.is_root_arn(arn) is root


def test_an_unknown_caller_arn_is_refused():
    with pytest.raises(FusionModuleError, match="is not an ARN"):
        _sts.parse_arn("not-an-arn")


@mock_aws
def test_caller_identity_gives_account_arn_and_partition():
    answer = _sts.caller_identity(boto3.client("sts", region_name="us-east-1"))
    assert answer["account_id"] == "123456789012"
    assert answer["partition"] == "aws"
    assert answer["arn"].startswith("arn:aws:")
