"""fusion.pos.fusion_s3_bucket: real ansible-playbook runs against the emulator, read back with boto3."""

import pytest
import yaml
from botocore.exceptions import ClientError

import fusion_testlib
from fusion_testlib import module_play

from ansible_collections.fusion.pos.plugins.module_utils import _naming

ORG = "acme"
CONVENTION = "fusion-rms-acme"
PAB = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}


def bucket_task(**options):
    options.setdefault("org", ORG)
    return {"name": "bucket", "fusion.pos.fusion_s3_bucket": options, "register": "out", "ignore_errors": True}


def run_bucket(playbook, check=False, diff=False, **options):
    """One module run; the task's result dict."""
    run = playbook(module_play([bucket_task(**options)]), check=check, diff=diff)
    assert run.data, run.output
    return run.result("bucket")


def read_bucket(s3, bucket):
    """Every setting the module manages, read back with boto3 (None/False when missing)."""
    def read(call, pick, missing):
        try:
            return pick(call())
        except ClientError as exc:
            if exc.response["Error"]["Code"] in missing:
                return None
            raise
    return dict(
        tags=read(lambda: s3.get_bucket_tagging(Bucket=bucket),
                  lambda r: dict((t["Key"], t["Value"]) for t in r["TagSet"]), ("NoSuchTagSet",)),
        public_access_block=read(lambda: s3.get_public_access_block(Bucket=bucket),
                                 lambda r: r["PublicAccessBlockConfiguration"], ("NoSuchPublicAccessBlockConfiguration",)),
        object_ownership=read(lambda: s3.get_bucket_ownership_controls(Bucket=bucket),
                              lambda r: r["OwnershipControls"]["Rules"][0]["ObjectOwnership"], ("OwnershipControlsNotFoundError",)),
        pub_folder=read(lambda: s3.head_object(Bucket=bucket, Key="pub/"), lambda r: r["ContentLength"] == 0, ("404",)),
    )


def conforming(org=ORG, **extra_tags):
    return dict(tags=dict(extra_tags, OrgId=org), public_access_block=PAB, object_ownership="BucketOwnerEnforced", pub_folder=True)


def our_buckets(s3):
    return sorted(item["Name"] for item in s3.list_buckets()["Buckets"])


@pytest.fixture
def s3(boto):
    return boto("s3")


@pytest.fixture
def made_bucket(s3, aws):
    """The org's bucket exactly as the specification wants it, made with boto3; recorder reset."""
    s3.create_bucket(Bucket=CONVENTION, ObjectOwnership="BucketOwnerEnforced")
    s3.put_bucket_tagging(Bucket=CONVENTION, Tagging={"TagSet": [{"Key": "OrgId", "Value": ORG}]})
    s3.put_public_access_block(Bucket=CONVENTION, PublicAccessBlockConfiguration=PAB)
    s3.put_object(Bucket=CONVENTION, Key="pub/", Body=b"")
    aws.reset_recording()
    return CONVENTION


# --- present -----------------------------------------------------------------------------------

def test_create_from_empty_account_sets_every_setting(playbook, s3, aws):
    result = run_bucket(playbook, tags={"Environment": "qa"})
    assert result["changed"] is True and result["created"] is True and result["fallback"] is False
    assert result["bucket"] == CONVENTION == result["convention_name"]
    assert result["bucket_arn"] == "arn:aws:s3:::" + CONVENTION
    assert result["tags"] == {"OrgId": ORG, "Environment": "qa"}
    assert result["public_access_block"] == PAB and result["object_ownership"] == "BucketOwnerEnforced"
    # ListBuckets only: CreateBucket is sent without asking HeadBucket first, nothing just written is read back
    assert [call.method for call in aws.calls() if not call.is_write] == ["GET"]
    assert read_bucket(s3, CONVENTION) == conforming(Environment="qa")


def test_dry_run_on_empty_account_reports_the_change_of_the_real_run_without_writing(playbook, s3, aws):
    dry = run_bucket(playbook, check=True)
    assert aws.writes() == [] and our_buckets(s3) == []
    real = run_bucket(playbook)
    assert dry["changed"] is real["changed"] is True
    for key in ("bucket", "created", "fallback", "tags", "public_access_block", "object_ownership"):
        assert dry[key] == real[key], key


@pytest.mark.parametrize("check", [False, True], ids=["real", "dry"])
def test_second_run_changes_nothing_and_writes_nothing(playbook, aws, check):
    assert run_bucket(playbook, tags={"Environment": "qa"})["changed"] is True
    aws.reset_recording()
    result = run_bucket(playbook, check=check, tags={"Environment": "qa"})
    assert result["changed"] is False and result["created"] is False
    assert aws.writes() == []
    assert len(aws.calls()) == 5  # ListBuckets, tags, public access block, ownership, pub/


DRIFT = {
    "public-access-block": lambda s3: s3.put_public_access_block(
        Bucket=CONVENTION, PublicAccessBlockConfiguration=dict(PAB, BlockPublicAcls=False, BlockPublicPolicy=True)),
    "tag-removed": lambda s3: s3.put_bucket_tagging(
        Bucket=CONVENTION, Tagging={"TagSet": [{"Key": "Team", "Value": "pos"}]}),
    "pub-folder-deleted": lambda s3: s3.delete_object(Bucket=CONVENTION, Key="pub/"),
    "ownership-changed": lambda s3: s3.put_bucket_ownership_controls(
        Bucket=CONVENTION, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}),
}


@pytest.mark.parametrize("drift", sorted(DRIFT))
def test_drift_is_repaired(playbook, s3, aws, made_bucket, drift):
    DRIFT[drift](s3)
    aws.reset_recording()
    result = run_bucket(playbook)
    assert result["changed"] is True and result["created"] is False
    assert len(aws.writes()) == 1
    expected = conforming(Team="pos") if drift == "tag-removed" else conforming()
    assert read_bucket(s3, made_bucket) == expected


@pytest.mark.parametrize("drift", sorted(DRIFT))
def test_dry_run_reports_drift_without_writing(playbook, s3, aws, made_bucket, drift):
    DRIFT[drift](s3)
    aws.reset_recording()
    result = run_bucket(playbook, check=True)
    assert result["changed"] is True
    assert aws.writes() == []


def test_untagged_bucket_of_the_convention_name_is_adopted(playbook, s3, aws):
    s3.create_bucket(Bucket=CONVENTION)
    aws.reset_recording()
    result = run_bucket(playbook)
    assert result["changed"] is True and result["created"] is False and result["bucket"] == CONVENTION
    assert read_bucket(s3, CONVENTION) == conforming()
    assert our_buckets(s3) == [CONVENTION]


@pytest.mark.parametrize("purge_tags, expected", [
    (False, {"OrgId": ORG, "Team": "pos", "Environment": "qa"}),
    (True, {"OrgId": ORG, "Environment": "qa"}),
], ids=["others-kept", "purged"])
def test_tags_of_others_are_kept_unless_purge_tags(playbook, s3, made_bucket, purge_tags, expected):
    s3.put_bucket_tagging(Bucket=made_bucket, Tagging={"TagSet": [{"Key": "OrgId", "Value": ORG}, {"Key": "Team", "Value": "pos"}]})
    result = run_bucket(playbook, tags={"Environment": "qa"}, purge_tags=purge_tags)
    assert result["changed"] is True and result["tags"] == expected
    assert read_bucket(s3, made_bucket)["tags"] == expected


def test_name_option_overrides_the_convention_name(playbook, s3):
    result = run_bucket(playbook, name="acme-special-bucket")
    assert result["bucket"] == "acme-special-bucket" and result["fallback"] is False
    assert result["convention_name"] == CONVENTION
    assert our_buckets(s3) == ["acme-special-bucket"]
    assert read_bucket(s3, "acme-special-bucket") == conforming()


def test_diff_shows_before_and_after_of_each_setting(playbook, s3, made_bucket):
    s3.delete_object(Bucket=made_bucket, Key="pub/")
    result = run_bucket(playbook, diff=True, tags={"Environment": "qa"})
    assert result["diff"]["before"] == {
        "bucket": CONVENTION, "tags": {"OrgId": ORG}, "public_access_block": PAB,
        "object_ownership": "BucketOwnerEnforced", "pub_folder": None}
    assert result["diff"]["after"] == {
        "bucket": CONVENTION, "tags": {"OrgId": ORG, "Environment": "qa"}, "public_access_block": PAB,
        "object_ownership": "BucketOwnerEnforced", "pub_folder": "pub/"}


# --- the convention name taken ----------------------------------------------------------------

@pytest.fixture
def foreign_convention_bucket(boto, aws):
    """Another AWS account owns the global name fusion-rms-acme; recorder reset."""
    other = boto("s3", account=fusion_testlib.OTHER_ACCOUNT_ID)
    other.create_bucket(Bucket=CONVENTION)
    aws.reset_recording()
    return other


def test_name_owned_by_another_account_gets_the_first_fallback_name(playbook, s3, foreign_convention_bucket):
    result = run_bucket(playbook)
    fallback = _naming.bucket_fallback_names(ORG)[0]
    assert result["changed"] is True and result["created"] is True
    assert result["fallback"] is True and result["bucket"] == fallback and result["convention_name"] == CONVENTION
    assert our_buckets(s3) == [fallback]
    assert read_bucket(s3, fallback) == conforming()


def test_rerun_finds_the_fallback_bucket_again_without_writing(playbook, s3, aws, foreign_convention_bucket):
    first = run_bucket(playbook)
    aws.reset_recording()
    second = run_bucket(playbook)
    assert second["changed"] is False and second["fallback"] is True and second["bucket"] == first["bucket"]
    assert aws.writes() == []
    assert our_buckets(s3) == [first["bucket"]]


def test_dry_run_reports_the_fallback_name_it_would_create(playbook, s3, aws, foreign_convention_bucket):
    result = run_bucket(playbook, check=True)
    assert result["changed"] is True and result["fallback"] is True
    assert result["bucket"] == _naming.bucket_fallback_names(ORG)[0]
    assert aws.writes() == [] and our_buckets(s3) == []


@pytest.mark.parametrize("state", ["present", "absent"])
def test_bucket_of_another_org_in_our_account_is_refused_untouched(playbook, s3, aws, state):
    s3.create_bucket(Bucket=CONVENTION)
    s3.put_bucket_tagging(Bucket=CONVENTION, Tagging={"TagSet": [{"Key": "OrgId", "Value": "globex"}]})
    aws.reset_recording()
    result = run_bucket(playbook, state=state, force=True)
    assert result["failed"] is True
    assert "OrgId=globex" in result["msg"] and "refusing" in result["msg"] and "\n" not in result["msg"]
    assert aws.writes() == []
    assert read_bucket(s3, CONVENTION)["tags"] == {"OrgId": "globex"}


# --- absent ------------------------------------------------------------------------------------

def test_absent_refuses_a_bucket_holding_objects_without_force(playbook, s3, aws, made_bucket):
    s3.put_object(Bucket=made_bucket, Key="pub/menu.json", Body=b"{}")
    aws.reset_recording()
    result = run_bucket(playbook, state="absent")
    assert result["failed"] is True and "force" in result["msg"] and "pub/menu.json" in result["msg"]
    assert aws.writes() == []
    assert our_buckets(s3) == [made_bucket]


def test_absent_with_force_deletes_every_object_version_and_the_bucket(playbook, s3, made_bucket):
    s3.put_bucket_versioning(Bucket=made_bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"1", b"2"):
        s3.put_object(Bucket=made_bucket, Key="data/x", Body=body)
    s3.delete_object(Bucket=made_bucket, Key="data/x")  # leaves a delete marker
    result = run_bucket(playbook, state="absent", force=True, diff=True)
    assert result["changed"] is True and result["deleted"] is True and result["bucket"] == made_bucket
    assert result["diff"]["before"]["bucket"] == {"name": made_bucket, "object_versions": 4}  # pub/, 2 versions, 1 delete marker
    assert our_buckets(s3) == []


def test_absent_deletes_a_bucket_holding_only_the_pub_marker(playbook, s3, made_bucket):
    result = run_bucket(playbook, state="absent")
    assert result["changed"] is True and result["deleted"] is True
    assert our_buckets(s3) == []


def test_absent_dry_run_reports_the_deletion_without_writing(playbook, s3, aws, made_bucket):
    result = run_bucket(playbook, state="absent", check=True)
    assert result["changed"] is True and result["deleted"] is True
    assert aws.writes() == [] and our_buckets(s3) == [made_bucket]


@pytest.mark.parametrize("check", [False, True], ids=["real", "dry"])
def test_absent_on_a_missing_bucket_is_no_change(playbook, aws, check):
    result = run_bucket(playbook, state="absent", check=check)
    assert result["changed"] is False and result["deleted"] is False and result["bucket"] is None
    assert aws.writes() == []


# --- validation before any AWS call ------------------------------------------------------------

BAD_ORGS = {
    "empty": "",
    "upper-case": "Acme",
    "underscore": "ac_me",
    "hyphen": "ac-me",
    "dot": "ac.me",
    "space": "ac me",
    "leading-digit": "1acme",
    "41-chars": "a" * 41,
    "jinja": "{{ x }}",
    "shell": ";rm",
    "path": "../x",
}


class _Unsafe(str):
    """A playbook string Ansible must not template (dumped as ``!unsafe``)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value), style="'"))


@pytest.fixture(scope="module")
def bad_org_results(emulator, tmp_path_factory):
    """One playbook run over the whole table (a loop); the calls that reached the emulator."""
    emulator.reset()
    path = tmp_path_factory.mktemp("bad-org") / "play.yml"
    task = {"name": "bucket", "fusion.pos.fusion_s3_bucket": {"org": "{{ item }}"}, "ignore_errors": True,
            "loop": [_Unsafe(value) if "{" in value else value for value in BAD_ORGS.values()]}
    path.write_text(yaml.dump(module_play([task]), Dumper=_Dumper, sort_keys=False))
    run = fusion_testlib.run_playbook(path, emulator.url)
    assert run.data, run.output
    items = dict((item["item"], item) for item in run.result("bucket")["results"])
    return items, emulator.calls()


@pytest.mark.parametrize("case", sorted(BAD_ORGS))
def test_bad_org_fails_quoting_the_rule_before_any_aws_call(bad_org_results, case):
    items, calls = bad_org_results
    item = items[BAD_ORGS[case]]
    assert item["failed"] is True
    assert _naming.ORG_ID_RULE in item["msg"] and "\n" not in item["msg"]
    assert calls == []


def test_org_tag_with_another_value_is_rejected_before_any_aws_call(playbook, aws):
    result = run_bucket(playbook, tags={"OrgId": "globex"})
    assert result["failed"] is True and "OrgId" in result["msg"]
    assert aws.calls() == []


# --- policy_account_id: bucket and the convention's policy in one run ------------------------------

def convention_statements(bucket=CONVENTION):
    return _naming.org_bucket_policy_statements(bucket, fusion_testlib.ACCOUNT_ID, ORG)


def read_policy_statements(s3, bucket=CONVENTION):
    import json  # pylint: disable=import-outside-toplevel
    return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]


def test_policy_account_id_creates_bucket_and_convention_policy_in_one_run(playbook, s3):
    result = run_bucket(playbook, policy_account_id=fusion_testlib.ACCOUNT_ID)
    assert result["changed"] is True and result["created"] is True
    assert read_bucket(s3, CONVENTION) == conforming()
    assert read_policy_statements(s3) == convention_statements()
    assert sorted(item["Sid"] for item in result["policy"]["Statement"]) == sorted(item["Sid"] for item in convention_statements())


def test_policy_account_id_dry_run_on_empty_account_reports_change_without_any_write(playbook, s3, aws):
    result = run_bucket(playbook, check=True, diff=True, policy_account_id=fusion_testlib.ACCOUNT_ID)
    assert result["changed"] is True and "failed" not in result
    assert result["diff"]["before"]["policy"] is None
    assert len(result["diff"]["after"]["policy"]["Statement"]) == 3
    assert aws.writes() == []
    assert our_buckets(s3) == []


def test_policy_account_id_second_run_and_dry_run_write_nothing(playbook, aws):
    run_bucket(playbook, policy_account_id=fusion_testlib.ACCOUNT_ID)
    for check in (False, True):
        aws.reset_recording()
        result = run_bucket(playbook, check=check, policy_account_id=fusion_testlib.ACCOUNT_ID)
        assert result["changed"] is False
        assert aws.writes() == []


def test_policy_account_id_keeps_statements_others_added(playbook, s3, made_bucket, aws):
    import json  # pylint: disable=import-outside-toplevel
    theirs = {"Sid": "TheirAudit", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/audit"},
              "Action": "s3:GetBucketLocation", "Resource": "arn:aws:s3:::" + made_bucket}
    s3.put_bucket_policy(Bucket=made_bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [theirs]}))
    aws.reset_recording()
    result = run_bucket(playbook, policy_account_id=fusion_testlib.ACCOUNT_ID)
    assert result["changed"] is True
    assert [call.action or call.method for call in aws.writes()] == ["PUT"]
    assert sorted(item["Sid"] for item in read_policy_statements(s3)) == sorted(
        ["TheirAudit"] + [item["Sid"] for item in convention_statements()])


@pytest.mark.parametrize("options, message", [
    ({"policy_account_id": "12345"}, "exactly 12 digits"),
    ({"policy_account_id": fusion_testlib.ACCOUNT_ID, "state": "absent"}, "state=present only"),
])
def test_policy_account_id_bad_input_fails_before_any_call(playbook, aws, options, message):
    result = run_bucket(playbook, **options)
    assert result["failed"] is True and message in result["msg"]
    assert aws.calls() == []
