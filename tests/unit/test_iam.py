"""module_utils/_iam_user.py handlers against moto in-process: (changed, before, after), no writes in check mode."""

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.fusion.pos.plugins.module_utils import _iam
from ansible_collections.fusion.pos.plugins.module_utils import _iam_user

USER = "rms_a"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


class RecordingStore:
    def __init__(self, fail=False):
        self.created = {}
        self.fail = fail

    def describe(self, path):
        return None if path not in self.created else path

    def create(self, path, value, tags=None, description=None):
        if self.fail:
            raise RuntimeError("store is down")
        self.created[path] = value
        return path


@pytest.fixture
def iam():
    with mock_aws():
        client = boto3.client("iam", region_name="us-east-1")
        client.create_user(UserName=USER, Tags=[{"Key": "OrgId", "Value": "a"}, {"Key": "Team", "Value": "x"}])
        yield client


def test_user_creation_in_check_mode_writes_nothing(iam):
    assert _iam_user.ensure_user(iam, "rms_b", {"OrgId": "b"}, True) == (True, False, True, None)
    assert _iam.get_user(iam, "rms_b") is None


@pytest.mark.parametrize("purge, wanted", [(False, {"OrgId": "a", "Team": "x", "Cost": "1"}),
                                           (True, {"OrgId": "a", "Cost": "1"})])
def test_tags_are_merged_or_purged(iam, purge, wanted):
    changed, before, after = _iam_user.ensure_tags(iam, USER, {"OrgId": "a", "Cost": "1"}, purge, False)
    assert (changed, before, after) == (True, {"OrgId": "a", "Team": "x"}, wanted)
    assert _iam.list_user_tags(iam, USER) == wanted


def test_login_profile_is_removed_except_in_check_mode(iam):
    iam.create_login_profile(UserName=USER, Password="Passw0rd-long!")
    assert _iam_user.ensure_no_login_profile(iam, USER, True) == (True, True, False)
    assert _iam.has_login_profile(iam, USER)
    assert _iam_user.ensure_no_login_profile(iam, USER, False) == (True, True, False)
    assert not _iam.has_login_profile(iam, USER)


def test_policies_are_removed(iam):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=USER, PolicyArn=arn)
    iam.put_user_policy(UserName=USER, PolicyName="inline", PolicyDocument=POLICY)
    assert _iam_user.ensure_no_attached_policies(iam, USER, False) == (True, [arn], [])
    assert _iam_user.ensure_no_inline_policies(iam, USER, False) == (True, ["inline"], [])
    assert _iam.list_attached_policies(iam, USER) == [] and _iam.list_inline_policies(iam, USER) == []


def test_access_key_goes_into_the_store_only(iam):
    store = RecordingStore()
    changed, before, after, info = _iam_user.ensure_access_key(iam, USER, store, "path", {}, False)
    assert (changed, before, after, info) == (True, {"access_keys": 0}, {"access_keys": 1}, "path")
    stored = json.loads(store.created["path"])
    assert _iam.list_access_keys(iam, USER) == [stored["AccessKeyId"]]


def test_access_key_is_taken_back_when_the_store_fails(iam):
    with pytest.raises(RuntimeError):
        _iam_user.ensure_access_key(iam, USER, RecordingStore(fail=True), "path", {}, False)
    assert _iam.list_access_keys(iam, USER) == []


def test_remove_user_deletes_what_blocks_deletion(iam):
    iam.create_login_profile(UserName=USER, Password="Passw0rd-long!")
    iam.put_user_policy(UserName=USER, PolicyName="inline", PolicyDocument=POLICY)
    iam.create_access_key(UserName=USER)
    assert _iam_user.remove_user(iam, USER, False) == (True, True, False)
    assert _iam.get_user(iam, USER) is None
