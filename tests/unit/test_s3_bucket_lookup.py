"""What the emulator cannot show: real AWS answers to HeadBucket/CreateBucket, through botocore's Stubber."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.fusion.pos.plugins.module_utils import _aws, _naming, _s3, _s3_bucket
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError

ORG = "acme"


@pytest.fixture
def s3():
    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="AKIAFUSIONTESTKEY000",
                          aws_secret_access_key="not-real")
    with Stubber(client) as stubber:
        client.stubber = stubber
        yield client
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def no_backoff_wait(monkeypatch):
    monkeypatch.setattr(_aws, "RETRY_BASE_DELAY", 0.0)


def spec(**params):
    params.setdefault("org", ORG)
    return _s3_bucket.BucketSpec(params)


@pytest.mark.parametrize("status, code, free", [
    (404, "404", True),
    (403, "403", False),
    (301, "301", False),
    (400, "400", False),
], ids=["not-found-is-free", "forbidden-is-taken", "other-region-is-taken", "bad-request-is-taken"])
def test_head_bucket_answer_decides_whether_the_name_is_free(s3, status, code, free):
    s3.stubber.add_client_error("head_bucket", service_error_code=code, http_status_code=status,
                                expected_params={"Bucket": "fusion-rms-acme"})
    assert _s3.bucket_name_is_free(s3, "fusion-rms-acme") is free


def test_head_bucket_that_answers_200_is_taken(s3):
    s3.stubber.add_response("head_bucket", {}, {"Bucket": "fusion-rms-acme"})
    assert _s3.bucket_name_is_free(s3, "fusion-rms-acme") is False


def test_a_real_run_creates_without_asking_head_bucket_and_moves_on_when_another_account_has_the_name(s3):
    first, second = _naming.bucket_fallback_names(ORG)[:2]
    s3.stubber.add_client_error("create_bucket", service_error_code="BucketAlreadyExists", http_status_code=409,
                                expected_params={"Bucket": "fusion-rms-acme", "ObjectOwnership": "BucketOwnerEnforced"})
    s3.stubber.add_client_error("create_bucket", service_error_code="BucketAlreadyExists", http_status_code=409,
                                expected_params={"Bucket": first, "ObjectOwnership": "BucketOwnerEnforced"})
    s3.stubber.add_response("create_bucket", {}, {"Bucket": second, "ObjectOwnership": "BucketOwnerEnforced"})
    assert _s3_bucket.handle_existence(s3, spec(), None, check_mode=False) == (True, None, second)


def test_check_mode_asks_head_bucket_which_name_a_real_run_would_get_and_writes_nothing(s3):
    s3.stubber.add_client_error("head_bucket", service_error_code="403", http_status_code=403,
                                expected_params={"Bucket": "fusion-rms-acme"})
    s3.stubber.add_client_error("head_bucket", service_error_code="404", http_status_code=404,
                                expected_params={"Bucket": _naming.bucket_fallback_names(ORG)[0]})
    assert _s3_bucket.handle_existence(s3, spec(), None, check_mode=True) == (
        True, None, _naming.bucket_fallback_names(ORG)[0])


@pytest.mark.parametrize("check_mode", [False, True], ids=["real-run", "check-mode"])
def test_every_candidate_taken_fails_with_one_line(s3, check_mode):
    for _name in range(1 + _naming.FALLBACK_CANDIDATES):
        if check_mode:
            s3.stubber.add_client_error("head_bucket", service_error_code="403", http_status_code=403)
        else:
            s3.stubber.add_client_error("create_bucket", service_error_code="BucketAlreadyExists", http_status_code=409)
    with pytest.raises(FusionModuleError, match="all 5 fallback names belong to other AWS accounts"):
        _s3_bucket.handle_existence(s3, spec(), None, check_mode=check_mode)


def test_follow_up_write_retries_no_such_bucket_after_create(s3):
    s3.stubber.add_client_error("put_bucket_tagging", service_error_code="NoSuchBucket", http_status_code=404)
    s3.stubber.add_response("put_bucket_tagging", {})
    _s3.put_bucket_tags(s3, "fusion-rms-acme", {"OrgId": ORG})


@pytest.mark.parametrize("tags, message", [
    ({"OrgId": "globex"}, "is set from org"),
    ({"orgid": ORG}, "is set from org"),
    ({"aws:owner": "x"}, "not starting with 'aws:'"),
    ({"k" * 129: "x"}, "1 to 128 characters"),
    ({"Team": "x" * 257}, "at most 256 characters"),
    ({"Team": ["a"]}, "at most 256 characters"),
], ids=["other-org", "org-tag-spelling", "aws-prefix", "long-key", "long-value", "list-value"])
def test_bad_extra_tags_are_refused(tags, message):
    with pytest.raises(_naming.NamingError, match=message):
        spec(tags=tags)


def test_extra_tag_values_become_strings():
    assert spec(tags={"Cost": 42, "Shared": False}).extra_tags == {"Cost": "42", "Shared": "false"}


@pytest.mark.parametrize("tags, org", [
    ({"OrgId": "acme"}, "acme"),
    ({"OrgID": "acme"}, "acme"),
    ({"Team": "pos"}, None),
    ({}, None),
], ids=["OrgId", "docs-spelling-OrgID", "other-tags-only", "no-tags"])
def test_org_of_reads_the_org_tag(tags, org):
    assert _s3_bucket.org_of(tags) == org
