"""fusion.pos.fusion_bucket_policy: real ansible-playbook runs against the emulator, read back with boto3."""

import json

import pytest
from botocore.exceptions import ClientError

import fusion_testlib
from fusion_testlib import ACCOUNT_ID, module_play

from ansible_collections.fusion.pos.plugins.module_utils import _naming, _policy

ORG = "acme"
BUCKET = "fusion-rms-acme"
USER_ARN = "arn:aws:iam::%s:user/rms_%s" % (ACCOUNT_ID, ORG)
CONVENTION = _naming.org_bucket_policy_statements(BUCKET, ACCOUNT_ID, ORG)
OTHERS = {"Sid": "AuditorRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/auditor" % ACCOUNT_ID},
          "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % BUCKET}
PUBLIC_READ = CONVENTION[0]


def policy_task(**options):
    options.setdefault("bucket", BUCKET)
    return {"name": "policy", "fusion.pos.fusion_bucket_policy": options, "ignore_errors": True}


def run_policy(playbook, check=False, diff=False, **options):
    run = playbook(module_play([policy_task(**options)]), check=check, diff=diff)
    assert run.data, run.output
    return run.result("policy")


def read_policy(s3):
    try:
        return json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchBucketPolicy":
            return None
        raise


def statements_by_sid(policy):
    return dict((item["Sid"], _policy.normalize_statement(item)) for item in policy["Statement"])


@pytest.fixture
def s3(boto, aws):
    """The org's bucket (no policy yet); recorder reset."""
    client = boto("s3")
    client.create_bucket(Bucket=BUCKET)
    aws.reset_recording()
    return client


@pytest.fixture
def with_policy(s3, aws):
    """``with_policy(statements, **keys)``: put this policy with boto3; recorder reset."""
    def put(statements, **keys):
        document = dict({"Version": "2012-10-17"}, **keys)
        document["Statement"] = statements
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(document))
        aws.reset_recording()
        return document
    return put


# --- making statements exist -------------------------------------------------------------------

def test_convention_statements_from_the_filter_are_added_to_a_bucket_without_policy(playbook, s3):
    run = playbook(module_play([
        {"name": "who", "amazon.aws.aws_caller_info": {}, "register": "caller"},
        {"name": "policy", "fusion.pos.fusion_bucket_policy": {
            "bucket": BUCKET,
            "statements": "{{ '%s' | fusion.pos.org_bucket_policy_statements(caller.account, '%s') }}" % (BUCKET, ORG)}},
    ]))
    assert run.rc == 0, run.output
    result = run.result("policy")
    assert result["changed"] is True
    assert result["sids_added"] == ["FusionOrgUserList", "FusionOrgUserObjects", "FusionPublicReadPub"]
    assert result["sids_updated"] == [] and result["sids_removed"] == []
    written = read_policy(s3)
    assert written["Version"] == "2012-10-17"
    assert written["Statement"] == CONVENTION
    assert result["policy"] == _policy.normalize_policy(written)


@pytest.mark.parametrize("check", [False, True], ids=["real", "dry"])
def test_second_run_changes_nothing_and_writes_nothing(playbook, s3, aws, check):
    assert run_policy(playbook, statements=CONVENTION)["changed"] is True
    aws.reset_recording()
    result = run_policy(playbook, check=check, statements=CONVENTION)
    assert result["changed"] is False and result["sids_added"] == result["sids_updated"] == []
    assert aws.writes() == [] and len(aws.calls()) == 1


def _reordered(statements):
    return [dict(item, Action=sorted(item["Action"], reverse=True)) if isinstance(item["Action"], list) else item
            for item in reversed(statements)]


EQUIVALENT = {
    # what is in AWS, what the task gives
    "reordered-statements-and-actions": (CONVENTION, _reordered(CONVENTION)),
    "scalar-vs-one-element-list": (CONVENTION, [dict(item, Action=[item["Action"]], Resource=[item["Resource"]])
                                                if isinstance(item["Action"], str) else item for item in CONVENTION]),
    "star-vs-aws-star": ([PUBLIC_READ], [dict(PUBLIC_READ, Principal={"AWS": "*"})]),
    "aws-star-vs-star": ([dict(PUBLIC_READ, Principal={"AWS": "*"})], [PUBLIC_READ]),
    "account-id-vs-root-arn": ([dict(OTHERS, Principal={"AWS": ACCOUNT_ID})],
                               [dict(OTHERS, Principal={"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID})]),
    "root-arn-vs-account-id": ([dict(OTHERS, Principal={"AWS": ["arn:aws:iam::%s:root" % ACCOUNT_ID]})],
                               [dict(OTHERS, Principal={"AWS": ACCOUNT_ID})]),
}


@pytest.mark.parametrize("case", sorted(EQUIVALENT))
def test_equivalent_policy_is_no_change_and_no_write(playbook, s3, aws, with_policy, case):
    in_aws, given = EQUIVALENT[case]
    with_policy(in_aws)
    result = run_policy(playbook, statements=given)
    assert result["changed"] is False
    assert aws.writes() == []


def test_new_sid_is_added_and_statements_of_others_are_kept(playbook, s3, with_policy):
    with_policy([OTHERS])
    result = run_policy(playbook, statements=CONVENTION)
    assert result["changed"] is True and len(result["sids_added"]) == 3 and result["sids_removed"] == []
    assert read_policy(s3)["Statement"] == [OTHERS] + CONVENTION


def test_changed_statement_of_a_sid_is_updated_in_place(playbook, s3, with_policy):
    with_policy([OTHERS, dict(PUBLIC_READ, Resource="arn:aws:s3:::%s/*" % BUCKET)])
    result = run_policy(playbook, statements=[PUBLIC_READ])
    assert result["changed"] is True
    assert result["sids_updated"] == ["FusionPublicReadPub"] and result["sids_added"] == []
    assert read_policy(s3)["Statement"] == [OTHERS, PUBLIC_READ]


def test_state_absent_removes_the_statements_of_the_sids_given(playbook, s3, with_policy):
    with_policy([OTHERS] + CONVENTION)
    result = run_policy(playbook, state="absent", statements=[{"Sid": "FusionPublicReadPub"}, {"Sid": "FusionOrgUserList"}])
    assert result["changed"] is True
    assert result["sids_removed"] == ["FusionOrgUserList", "FusionPublicReadPub"]
    assert read_policy(s3)["Statement"] == [OTHERS, CONVENTION[1]]


def test_purge_removes_statements_not_given(playbook, s3, with_policy):
    with_policy([OTHERS, {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::" + BUCKET}]
                + CONVENTION[:1])
    result = run_policy(playbook, purge=True, statements=CONVENTION)
    assert result["changed"] is True
    assert result["sids_removed"] == ["AuditorRead"]  # the statement without a Sid goes too, unnamed
    assert read_policy(s3)["Statement"] == CONVENTION


@pytest.mark.parametrize("options", [
    dict(state="absent", statements=[{"Sid": "FusionPublicReadPub"}]),
    dict(purge=True, statements=[]),
], ids=["last-sid-removed", "purged-to-nothing"])
def test_emptied_policy_is_deleted_not_written_empty(playbook, s3, aws, with_policy, options):
    with_policy([PUBLIC_READ])
    result = run_policy(playbook, **options)
    assert result["changed"] is True and result["policy"] is None
    assert [(call.method, call.path) for call in aws.writes()] == [("DELETE", "/%s?policy" % BUCKET)]
    assert read_policy(s3) is None


def test_existing_version_and_id_are_kept(playbook, s3, with_policy):
    with_policy([OTHERS], Version="2008-10-17", Id="LegacyPolicy")
    run_policy(playbook, statements=[PUBLIC_READ])
    written = read_policy(s3)
    assert written["Version"] == "2008-10-17" and written["Id"] == "LegacyPolicy"


def test_absent_statement_that_is_not_there_is_no_change(playbook, s3, aws, with_policy):
    with_policy([OTHERS])
    result = run_policy(playbook, state="absent", statements=[{"Sid": "FusionPublicReadPub"}])
    assert result["changed"] is False and aws.writes() == []


# --- check mode and diff -----------------------------------------------------------------------

def test_dry_run_reports_the_change_of_the_real_run_without_writing(playbook, s3, aws, with_policy):
    with_policy([OTHERS, dict(PUBLIC_READ, Action="s3:*")])
    dry = run_policy(playbook, check=True, statements=CONVENTION)
    assert aws.writes() == []
    real = run_policy(playbook, statements=CONVENTION)
    assert dry["changed"] is real["changed"] is True
    for key in ("policy", "sids_added", "sids_updated", "sids_removed"):
        assert dry[key] == real[key], key


def test_diff_shows_the_normalised_policy_before_and_after(playbook, s3, with_policy):
    before = with_policy([dict(PUBLIC_READ, Principal={"AWS": "*"})])
    result = run_policy(playbook, diff=True, statements=[dict(PUBLIC_READ, Action=["s3:GetObject", "s3:GetObjectVersion"])])
    assert json.loads(result["diff"]["before"]) == _policy.normalize_policy(before)
    assert json.loads(result["diff"]["after"])["Statement"] == [{
        "Sid": "FusionPublicReadPub", "Effect": "Allow", "Principal": {"AWS": ["*"]},
        "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": ["arn:aws:s3:::%s/pub/*" % BUCKET]}]


def test_diff_is_printed_as_normalised_json(aws, s3):
    run = fusion_testlib.run_playbook(module_play([policy_task(statements=[PUBLIC_READ])]), aws.url,
                                      diff=True, json_output=False)
    assert run.rc == 0, run.output
    assert '+    "Statement": [' in run.stdout and '+                "AWS": [' in run.stdout


def test_dry_run_of_bucket_and_policy_on_an_empty_account_reports_changes_without_writing(playbook, aws):
    run = playbook(module_play([
        {"name": "who", "amazon.aws.aws_caller_info": {}, "register": "caller"},
        {"name": "bucket", "fusion.pos.fusion_s3_bucket": {"org": ORG}, "register": "org_bucket"},
        {"name": "policy", "fusion.pos.fusion_bucket_policy": {
            "bucket": "{{ org_bucket.bucket }}",
            "statements": "{{ org_bucket.bucket | fusion.pos.org_bucket_policy_statements(caller.account, '%s') }}" % ORG}},
    ]), check=True, diff=True)
    assert run.rc == 0, run.output
    result = run.result("policy")
    assert result["changed"] is True and result["diff"]["before"] is None
    assert result["sids_added"] == ["FusionOrgUserList", "FusionOrgUserObjects", "FusionPublicReadPub"]
    assert aws.writes() == []


def test_real_run_on_a_missing_bucket_fails_with_one_line(playbook, aws):
    result = run_policy(playbook, statements=[PUBLIC_READ])
    assert result["failed"] is True
    assert result["msg"].startswith("bucket %s:" % BUCKET) and "does not exist" in result["msg"]
    assert "\n" not in result["msg"] and "Traceback" not in result.get("module_stderr", "")
    assert aws.writes() == []


# --- validation before any AWS call ------------------------------------------------------------

BAD_STATEMENTS = {
    "duplicate-sid": ([PUBLIC_READ, dict(PUBLIC_READ, Action="s3:ListBucket")], "duplicate Sid 'FusionPublicReadPub'"),
    "missing-sid": ([dict((k, v) for k, v in PUBLIC_READ.items() if k != "Sid")], "has no Sid"),
    "empty-sid": ([dict(PUBLIC_READ, Sid="")], "has no Sid"),
    "no-effect": ([dict((k, v) for k, v in PUBLIC_READ.items() if k != "Effect")], "Effect must be Allow or Deny"),
    "bad-principal": ([dict(PUBLIC_READ, Principal="somebody")], "a principal must be"),
    "no-principal": ([dict((k, v) for k, v in PUBLIC_READ.items() if k != "Principal")], "needs Principal or NotPrincipal"),
}


@pytest.fixture(scope="module")
def bad_statement_results(emulator):
    """One playbook run over the whole table (a loop); the calls that reached the emulator."""
    emulator.reset()
    task = policy_task(statements="{{ item.statements }}")
    task["loop"] = [{"case": case, "statements": statements} for case, (statements, _msg) in sorted(BAD_STATEMENTS.items())]
    run = fusion_testlib.run_playbook(module_play([task]), emulator.url)
    assert run.data, run.output
    items = dict((item["item"]["case"], item) for item in run.result("policy")["results"])
    return items, emulator.calls()


@pytest.mark.parametrize("case", sorted(BAD_STATEMENTS))
def test_invalid_statements_are_rejected_before_any_aws_call(bad_statement_results, case):
    items, calls = bad_statement_results
    assert items[case]["failed"] is True
    assert BAD_STATEMENTS[case][1] in items[case]["msg"] and "\n" not in items[case]["msg"]
    assert calls == []
