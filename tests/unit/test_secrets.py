"""module_utils/_secrets.py: generation, the never-rotate rule and the pluggable store."""

import json
import string

import boto3
import pytest
from moto import mock_aws

from ansible_collections.fusion.pos.plugins.module_utils import _secrets
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError


class MemoryStore:
    """Another store behind the same interface: what a second backend needs to provide."""

    def __init__(self):
        self.values = {}
        self.tags = {}
        self.writes = 0

    def describe(self, path):
        if path not in self.values:
            return None
        return _secrets.SecretInfo(path, "mem:" + path, "v1", self.tags[path])

    def get(self, path):
        return self.values.get(path)

    def create(self, path, value, tags=None, description=None):
        assert path not in self.values
        self.values[path], self.tags[path] = value, dict(tags or {})
        self.writes += 1
        return self.describe(path)

    def tag(self, path, tags):
        self.tags[path].update(tags)
        self.writes += 1


@pytest.mark.parametrize("length", [12, 32, 64])
def test_generated_password_has_every_class_and_no_excluded_character(length):
    value = _secrets.generate_password(length)
    assert len(value) == length
    assert not set(value) & set(_secrets.DEFAULT_EXCLUDE)
    for klass in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        assert set(value) & set(klass)


def test_generated_passwords_differ():
    assert len({_secrets.generate_password() for _index in range(50)}) == 50


@pytest.mark.parametrize("length, exclude, message", [
    (11, "", "at least 12 characters"),
    (32, string.ascii_letters + string.digits, "fewer than three of the classes"),
])
def test_impossible_passwords_are_refused(length, exclude, message):
    with pytest.raises(FusionModuleError, match=message):
        _secrets.generate_password(length, exclude)


def test_missing_secret_is_created_once_and_never_rotated():
    store = MemoryStore()
    changed, before, after, info = _secrets.ensure_secret(store, "p", {"OrgId": "a"}, lambda: "v1", False)
    assert (changed, before, after["exists"], info.name) == (True, {"exists": False}, True, "p")
    changed, _before, _after, _info = _secrets.ensure_secret(store, "p", {"OrgId": "a"}, lambda: "v2", False)
    assert changed is False and store.values["p"] == "v1" and store.writes == 1


def test_check_mode_never_writes_and_never_generates():
    store = MemoryStore()

    def generate():
        raise AssertionError("generated in check mode")

    changed, _before, _after, info = _secrets.ensure_secret(store, "p", {}, generate, True)
    assert (changed, info, store.writes) == (True, None, 0)


def test_missing_tags_are_added_without_touching_the_value():
    store = MemoryStore()
    store.create("p", "kept", {"Team": "pos"})
    changed, before, after, _info = _secrets.ensure_secret(store, "p", {"OrgId": "a"}, lambda: "new", False)
    assert changed and before["tags"] == {"Team": "pos"} and after["tags"] == {"Team": "pos", "OrgId": "a"}
    assert store.values["p"] == "kept"


def test_unknown_backend_is_refused():
    with pytest.raises(FusionModuleError, match="unknown password-manager backend 'vault'"):
        _secrets.store(None, "vault")


@mock_aws
def test_aws_backend_round_trip():
    store = _secrets.AWSSecretsManagerStore(None, sm_client=boto3.client("secretsmanager", region_name="us-east-1"))
    assert store.describe("fusion-pos/qa/a/db-login") is None and store.get("fusion-pos/qa/a/db-login") is None
    info = store.create("fusion-pos/qa/a/db-login", "s3cret-Value-1", {"OrgId": "a"})
    assert info.arn.startswith("arn:aws:secretsmanager:") and info.version_id
    described = store.describe("fusion-pos/qa/a/db-login")
    assert described.tags == {"OrgId": "a"} and described.version_id == info.version_id
    assert "s3cret" not in repr(described.as_dict())
    assert store.get("fusion-pos/qa/a/db-login") == "s3cret-Value-1"


# ---- credentials of a service user (RDS master, broker admin) --------------------------------

def test_missing_credentials_are_created_once_as_json_and_the_new_password_is_handed_back():
    store = MemoryStore()
    changed, before, after, info, password = _secrets.ensure_credentials(store, "p", "admin", {"Team": "pos"}, False)
    assert (changed, before, after["exists"], info.name) == (True, {"exists": False}, True, "p")
    assert json.loads(store.values["p"]) == {"username": "admin", "password": password}
    assert len(password) == _secrets.DEFAULT_LENGTH and not set(password) & set(_secrets.DEFAULT_EXCLUDE)


def test_existing_credentials_are_never_rotated_and_no_password_is_handed_back():
    store = MemoryStore()
    store.create("p", _secrets.credentials_value("admin", "kept-Value-1234"), {"Team": "pos"})
    changed, _before, _after, _info, password = _secrets.ensure_credentials(store, "p", "admin", {"Team": "pos"}, False)
    assert (changed, password, store.writes) == (False, None, 1)
    assert _secrets.read_credentials(store, "p") == {"username": "admin", "password": "kept-Value-1234"}


def test_credentials_in_check_mode_are_neither_generated_nor_written():
    store = MemoryStore()
    changed, _before, _after, info, password = _secrets.ensure_credentials(store, "p", "admin", {}, True)
    assert (changed, info, password, store.writes) == (True, None, None, 0)


@pytest.mark.parametrize("stored, expected", [
    (None, None),
    ('{"password": "pw-Value-1", "username": "admin"}', {"username": "admin", "password": "pw-Value-1"}),
    ("bare-Value-1", {"username": None, "password": "bare-Value-1"}),
    ('{"user": "admin"}', {"username": None, "password": '{"user": "admin"}'}),
], ids=["missing", "json", "bare-password", "json-without-password"])
def test_read_credentials_takes_json_or_a_bare_password(stored, expected):
    store = MemoryStore()
    if stored is not None:
        store.create("p", stored)
    assert _secrets.read_credentials(store, "p") == expected


def test_credentials_scheduled_for_deletion_are_refused():
    store = MemoryStore()
    store.create("p", "old")
    store.describe = lambda path: _secrets.SecretInfo(path, deleted=True)
    with pytest.raises(FusionModuleError, match="scheduled for deletion"):
        _secrets.ensure_credentials(store, "p", "admin", {}, False)


class _Module:
    def __init__(self, params):
        self.params = params


def test_a_module_store_follows_the_password_manager_options():
    assert set(_secrets.PASSWORD_MANAGER_ARGS) == {"secret_backend", "secret_kms_key_id"}
    with pytest.raises(FusionModuleError, match="unknown password-manager backend 'vault'"):
        _secrets.module_store(_Module({"secret_backend": "vault", "secret_kms_key_id": None}))


# ---- scheduled deletion (state: absent) ---------------------------------------------------------

class DeletingStore(MemoryStore):
    """MemoryStore with the fifth method of the interface: ``delete(path, recovery_window_days)``."""

    def __init__(self):
        super().__init__()
        self.scheduled = {}

    def describe(self, path):
        info = super().describe(path)
        if info is not None:
            info.deleted = path in self.scheduled
        return info

    def delete(self, path, recovery_window_days):
        self.scheduled[path] = recovery_window_days
        self.writes += 1


@pytest.mark.parametrize("exists, scheduled, check_mode, changed, writes", [
    (True, False, False, True, 1),
    (True, False, True, True, 0),
    (True, True, False, False, 0),
    (False, False, False, False, 0),
], ids=["scheduled-now", "check-mode-writes-nothing", "already-scheduled", "missing"])
def test_absent_schedules_the_deletion_once_with_its_recovery_window(exists, scheduled, check_mode, changed, writes):
    store = DeletingStore()
    if exists:
        store.create("p", "kept-Value-1234")
        store.writes = 0
    if scheduled:
        store.scheduled["p"] = 7
    outcome = _secrets.ensure_secret_absent(store, "p", 9, check_mode)
    assert (outcome[0], store.writes) == (changed, writes)
    if changed and not check_mode:
        assert store.scheduled == {"p": 9} and outcome[2]["recovery_window_days"] == 9


@pytest.mark.parametrize("days", [0, 6, 31, True, "7"])
def test_a_recovery_window_outside_7_to_30_days_is_refused(days):
    with pytest.raises(FusionModuleError, match="recovery_window_days must be 7 to 30 days"):
        _secrets.ensure_secret_absent(DeletingStore(), "p", days, False)


@mock_aws
def test_aws_backend_schedules_a_deletion_that_can_be_restored():
    client = boto3.client("secretsmanager", region_name="us-east-1")
    store = _secrets.AWSSecretsManagerStore(None, sm_client=client)
    store.create("fusion-pos/qa/a/db-login", "s3cret-Value-1", {"OrgId": "a"})
    assert _secrets.ensure_secret_absent(store, "fusion-pos/qa/a/db-login", 7, False)[0] is True
    assert store.describe("fusion-pos/qa/a/db-login").deleted is True
    assert _secrets.ensure_secret_absent(store, "fusion-pos/qa/a/db-login", 7, False)[0] is False
    client.restore_secret(SecretId="fusion-pos/qa/a/db-login")
    assert store.get("fusion-pos/qa/a/db-login") == "s3cret-Value-1"
