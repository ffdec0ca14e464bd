"""The tenant list logic of fusion_tenant (plugin_utils/_tenant.py), without a host."""

import json
from collections import OrderedDict

import pytest

from ansible_collections.fusion.pos.plugins.plugin_utils import _org_summary, _tenant

PASSWORD = "Pa55-word-XYZ"


def conn(password=PASSWORD):
    return _tenant.connection_string("db.example", 1433, "POS_xmsqa1", "POS_xmsqa1_user", password)


def test_the_connection_string_names_database_login_server_and_password():
    assert conn() == "Server=db.example,1433;Database=POS_xmsqa1;User ID=POS_xmsqa1_user;Password=%s;Encrypt=True" % PASSWORD


@pytest.mark.parametrize("password, shown", [("plain", "plain"), ("a;b", '"a;b"'), ('a"b;', '"a""b;"'), (" x", '" x"')])
def test_passwords_that_break_a_connection_string_are_quoted(password, shown):
    assert "Password=%s;" % shown in conn(password)


@pytest.mark.parametrize("password", ["plain", "a;b", 'a"b;', "x'y"])
def test_the_mask_hides_any_password_and_tells_a_different_one(password):
    assert _tenant.mask_connection(conn(password), password).count("********") == 1
    assert password not in _tenant.mask_connection(conn(password), password).split("Password=")[1]
    assert "******** (differs)" in _tenant.mask_connection(conn(password), "another")


def test_merge_keeps_other_tenants_and_unmanaged_settings():
    document = OrderedDict([("other", {"RecipeName": "X"}), ("xmsqa1", {"State": "Running", "RecipeName": "old"})])
    new, before, after = _tenant.merge(document, "xmsqa1", _tenant.tenant_entry("xmsqa1.fusionPOS.com", conn()))
    assert new["other"] == {"RecipeName": "X"} and document["xmsqa1"]["RecipeName"] == "old"
    assert before == {"State": "Running", "RecipeName": "old"}
    assert after["State"] == "Running" and after["RecipeName"] == "POS_Tenant" and after["TablePrefix"] == ""


def test_remove_takes_out_only_the_named_tenant_and_leaves_the_document_alone():
    document = OrderedDict([("other", {"RecipeName": "X"}), ("xmsqa1", {"State": "Running"})])
    new, before = _tenant.remove(document, "xmsqa1")
    assert new == {"other": {"RecipeName": "X"}} and before == {"State": "Running"}
    assert list(document) == ["other", "xmsqa1"]


def test_remove_of_a_tenant_not_listed_is_no_change():
    document = OrderedDict([("other", {"RecipeName": "X"})])
    assert _tenant.remove(document, "xmsqa1") == (document, None)


def test_a_new_tenant_starts_uninitialized():
    _new, before, after = _tenant.merge(OrderedDict(), "xmsqa1", _tenant.tenant_entry("h", conn()))
    assert before is None and after["State"] == "Uninitialized"


def test_the_rendered_text_carries_tokens_not_passwords_and_the_host_puts_them_back():
    document = OrderedDict([("other", {"ConnectionString": conn("Other-Secret")}), ("xmsqa1", {"ConnectionString": conn('q"uote;')})])
    text, secrets = _tenant.render(document)
    assert "Other-Secret" not in text and "uote" not in text
    for secret_token, value in secrets.items():
        text = text.replace(secret_token, value)
    assert json.loads(text) == document


@pytest.mark.parametrize("text, expected", [(None, {}), ("", {}), ("\ufeff{\"a\": {}}", {"a": {}})])
def test_the_file_is_read_with_or_without_bom_and_absent_is_empty(text, expected):
    assert _tenant.parse_document(text) == expected


@pytest.mark.parametrize("text", ["[1]", "{\"a\": 1}", "not json"])
def test_a_file_that_is_not_a_tenant_list_is_refused(text):
    with pytest.raises(_tenant.TenantFileError):
        _tenant.parse_document(text)


def test_the_summary_prints_the_tenant_line():
    tenant = {"tenant": "xmsqa1", "host_name": "xmsqa1.fusionPOS.com", "file": "C:\\App_Data\\tenants.json", "pos_host": "POS01",
              "pos_version": "24.2.1", "changed": True}
    lines = _org_summary.org_lines("xmsqa1", {}, {}, {}, {}, {}, False, tenant=tenant)
    assert "tenant: xmsqa1 (host name xmsqa1.fusionPOS.com) in C:\\App_Data\\tenants.json on POS01, POS 24.2.1" in lines
    assert any("tenant xmsqa1 on POS01" in line for line in lines if line.startswith("changed:"))
