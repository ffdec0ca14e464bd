"""fusion.pos.fusion_secret and the fusion.pos.secret lookup against the emulator."""

import pytest

from fusion_testlib import module_play

PATH = "fusion-pos/qa/xmsqa1/db-login"


@pytest.fixture
def secret(playbook):
    """``secret(check=False, diff=False, **options)``: one fusion_secret task and its run."""
    def run(check=False, diff=False, expect_failure=False, **options):
        options.setdefault("environment", "qa")
        options.setdefault("owner", "xmsqa1")
        if "purposes" not in options:
            options.setdefault("purpose", "db-login")
        result = playbook(module_play([{"name": "secret", "fusion.pos.fusion_secret": options,
                                        "register": "secret"}]), check=check, diff=diff)
        assert result.rc == 0 or expect_failure, result.output
        return result
    return run


@pytest.fixture
def sm(boto):
    return boto("secretsmanager")


def value(sm, path=PATH):
    return sm.get_secret_value(SecretId=path)["SecretString"]


def test_creates_a_generated_secret_tagged_with_the_org(secret, sm):
    run = secret()
    result = run.result("secret")
    assert (result["changed"], result["created"], result["secret"]["name"]) == (True, True, PATH)
    assert result["secret"]["arn"].startswith("arn:aws:secretsmanager:")
    stored = value(sm)
    assert len(stored) == 32 and stored not in run.output
    assert {"Key": "OrgId", "Value": "xmsqa1"} in sm.describe_secret(SecretId=PATH)["Tags"]


def test_existing_secret_is_never_rotated(secret, sm, aws):
    secret()
    before = value(sm)
    aws.reset_recording()
    result = secret(length=40).result("secret")
    assert (result["changed"], result["created"]) == (False, False)
    assert value(sm) == before
    assert aws.writes() == []


def test_check_mode_reports_the_creation_without_writing(secret, aws):
    result = secret(check=True, diff=True).result("secret")
    assert (result["changed"], result["secret"]["arn"]) == (True, None)
    assert result["diff"]["before"] == {PATH: {"exists": False}}
    assert aws.writes() == []


def test_missing_tag_is_added_without_touching_the_value(secret, sm):
    sm.create_secret(Name=PATH, SecretString="kept-as-it-is")
    result = secret().result("secret")
    assert (result["changed"], result["created"]) == (True, False)
    assert value(sm) == "kept-as-it-is"
    assert {"Key": "OrgId", "Value": "xmsqa1"} in sm.describe_secret(SecretId=PATH)["Tags"]


def test_several_purposes_in_one_run(secret, sm):
    result = secret(purposes=["db-login", "rabbitmq"]).result("secret")
    assert [item["name"] for item in result["secrets"]] == [PATH, "fusion-pos/qa/xmsqa1/rabbitmq"]
    assert value(sm, "fusion-pos/qa/xmsqa1/rabbitmq") != value(sm)


def test_shared_resource_secret_has_no_org_tag(secret, sm):
    secret(environment="production", owner="db-POS-01", purpose="master")
    assert sm.describe_secret(SecretId="fusion-pos/production/db-POS-01/master").get("Tags", []) == []


def test_generated_value_respects_length_and_exclusions(secret, sm):
    secret(length=64, exclude_characters="abcdefghijklmnopqrstuvwxyz")
    stored = value(sm)
    assert len(stored) == 64 and not any(char.islower() for char in stored)


def test_secret_scheduled_for_deletion_is_refused(secret, sm, aws):
    sm.create_secret(Name=PATH, SecretString="x")
    sm.delete_secret(SecretId=PATH, RecoveryWindowInDays=7)
    aws.reset_recording()
    result = secret(expect_failure=True)
    assert result.rc != 0 and "secret %s is scheduled for deletion" % PATH in result.output
    assert aws.writes() == []


@pytest.mark.parametrize("options, message", [
    ({"owner": "XMSQA1"}, "invalid secret owner 'XMSQA1'"),
    ({"purpose": "DB login"}, "invalid secret purpose 'DB login'"),
    ({"environment": "prod"}, "value of environment must be one of"),
    ({"length": 8}, "a generated secret needs at least 12 characters"),
    ({"exclude_characters": "abcdefghijklmnopqrstuvwxyz0123456789"}, "leave fewer than three of the classes"),
])
def test_bad_options_fail_before_any_aws_call(secret, aws, options, message):
    result = secret(expect_failure=True, **options)
    assert result.rc != 0 and message in result.output
    assert aws.calls() == []


def test_lookup_reads_the_value_back_for_a_no_log_task(secret, playbook, sm, aws):
    secret()
    result = playbook(module_play([
        {"name": "read", "no_log": True, "ansible.builtin.set_fact": {
            "db_password": "{{ lookup('fusion.pos.secret', '%s', endpoint_url='%s') }}" % (PATH, aws.url)}},
        {"name": "length", "ansible.builtin.debug": {"msg": "{{ db_password | length }}"}},
    ]))
    assert result.rc == 0, result.output
    assert result.result("length")["msg"] == 32
    assert value(sm) not in result.output


def test_lookup_of_a_missing_secret_fails_clearly(playbook, aws):
    result = playbook(module_play([{"name": "read", "ansible.builtin.debug": {
        "msg": "{{ lookup('fusion.pos.secret', 'fusion-pos/qa/nosuch/db-login') | length }}"}}]))
    assert result.rc != 0
    assert "secret fusion-pos/qa/nosuch/db-login does not exist in the password manager" in result.output
