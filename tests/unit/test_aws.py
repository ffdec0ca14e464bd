"""The AWS plumbing of module_utils/_aws.py: retries with jittered backoff and one-line errors."""

import random

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, ReadTimeoutError

from ansible_collections.fusion.pos.plugins.module_utils import _aws
from ansible_collections.fusion.pos.plugins.module_utils._module import Context, Resource, run_resource
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionAWSError, aws_call, backoff_delays
from ansible_collections.fusion.pos.plugins.module_utils._naming import NamingError


def client_error(code, status=400, message="it went wrong", operation="GetBucketTagging"):
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


class Sleeps(list):
    """An injected ``sleep`` that records the delays instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


class FlakyCall:
    """A fake AWS call: raises the given errors in turn, then returns ``result``."""

    def __init__(self, errors, result="ok"):
        self.errors = list(errors)
        self.result = result
        self.calls = []

    def __call__(self, client, *args, **kwargs):
        self.calls.append((client, args, kwargs))
        if self.errors:
            raise self.errors.pop(0)
        return self.result


@pytest.fixture
def sleeps():
    return Sleeps()


def decorate(call, sleeps, **kwargs):
    return aws_call("read the tags", "bucket {0}", sleep=sleeps, **kwargs)(call)


# --- what is retried -----------------------------------------------------------------------

@pytest.mark.parametrize("error", [
    client_error("Throttling"),
    client_error("ThrottlingException"),
    client_error("RequestLimitExceeded", 503),
    client_error("SlowDown", 503),
    client_error("TooManyRequestsException", 429),
    client_error("InternalError", 500),
    client_error("ServiceUnavailable", 503),
    client_error("SomethingNew", 500),
    client_error("SomethingNew", 502),
    client_error("", 504),
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
], ids=lambda e: "%s:%s" % (type(e).__name__, _aws.error_code(e)))
def test_throttling_and_transient_errors_are_retried(error, sleeps):
    call = FlakyCall([error, error])
    assert decorate(call, sleeps)("client", "fusion-rms-xmsqa1") == "ok"
    assert len(call.calls) == 3
    assert len(sleeps) == 2


def test_extra_retry_codes_are_retried(sleeps):
    call = FlakyCall([client_error("NoSuchBucket", 404)])
    assert decorate(call, sleeps, retry_codes=("NoSuchBucket",))("client", "b") == "ok"
    assert len(sleeps) == 1


def test_the_decorated_call_gets_its_arguments_and_result(sleeps):
    call = FlakyCall([], result={"TagSet": []})
    assert decorate(call, sleeps)("the-client", "bucket-a", Extra=1) == {"TagSet": []}
    assert call.calls == [("the-client", ("bucket-a",), {"Extra": 1})]
    assert sleeps == []


def test_retry_delays_grow_within_the_full_jitter_bound(sleeps, monkeypatch):
    monkeypatch.setattr(_aws, "RETRY_BASE_DELAY", 0.5)
    monkeypatch.setattr(_aws, "RETRY_MAX_DELAY", 3.0)
    call = FlakyCall([client_error("Throttling")] * 6)
    decorate(call, sleeps)("client", "b")
    assert len(sleeps) == 6
    for attempt, delay in enumerate(sleeps):
        assert 0 <= delay <= min(3.0, 0.5 * 2 ** attempt)


def test_retries_stop_after_the_bound(sleeps, monkeypatch):
    monkeypatch.setattr(_aws, "RETRY_TRIES", 4)
    call = FlakyCall([client_error("Throttling", message="Rate exceeded")] * 10)
    with pytest.raises(FusionAWSError) as err:
        decorate(call, sleeps)("client", "fusion-rms-xmsqa1")
    assert len(call.calls) == 4
    assert len(sleeps) == 3
    assert str(err.value) == "bucket fusion-rms-xmsqa1: cannot read the tags: Throttling: Rate exceeded"


def test_default_bound_is_eight_tries(sleeps):
    assert _aws.RETRY_TRIES == 8
    call = FlakyCall([client_error("InternalError", 500)] * 20)
    with pytest.raises(FusionAWSError):
        decorate(call, sleeps)("client", "b")
    assert len(call.calls) == 8


# --- what is not retried: one line naming the resource and the cause ------------------------

@pytest.mark.parametrize("code, status", [
    ("AccessDenied", 403), ("NoSuchBucket", 404), ("BucketAlreadyExists", 409), ("ValidationError", 400),
    ("MalformedPolicy", 400), ("InvalidClientTokenId", 403),
])
def test_other_client_errors_fail_at_once_in_one_line(code, status, sleeps):
    call = FlakyCall([client_error(code, status, message="The cause")])
    with pytest.raises(FusionAWSError) as err:
        decorate(call, sleeps)("client", "fusion-rms-xmsqa1")
    assert len(call.calls) == 1
    assert sleeps == []
    assert str(err.value) == "bucket fusion-rms-xmsqa1: cannot read the tags: %s: The cause" % code
    assert (err.value.action, err.value.resource, err.value.code) == ("read the tags", "bucket fusion-rms-xmsqa1", code)


def test_botocore_errors_name_their_kind(sleeps):
    call = FlakyCall([NoCredentialsError()])
    with pytest.raises(FusionAWSError) as err:
        decorate(call, sleeps)("client", "b")
    assert str(err.value) == "bucket b: cannot read the tags: NoCredentialsError: Unable to locate credentials"


def test_a_multi_line_aws_message_becomes_one_line(sleeps):
    call = FlakyCall([client_error("MalformedPolicy", message="Policy has invalid resource\n  at line 3\r\n")])
    with pytest.raises(FusionAWSError) as err:
        decorate(call, sleeps)("client", "b")
    assert "\n" not in str(err.value) and "\r" not in str(err.value)
    assert str(err.value).endswith("MalformedPolicy: Policy has invalid resource at line 3")


def test_an_error_without_a_message_still_names_the_cause(sleeps):
    call = FlakyCall([client_error("AccessDenied", 403, message="")])
    with pytest.raises(FusionAWSError) as err:
        decorate(call, sleeps)("client", "b")
    assert str(err.value).startswith("bucket b: cannot read the tags: AccessDenied: ")


def test_resource_text_uses_the_arguments_after_the_client(sleeps):
    call = FlakyCall([client_error("AccessDenied", 403)])
    wrapped = aws_call("put the policy", "bucket {0} of org {1}", sleep=sleeps)(call)
    with pytest.raises(FusionAWSError, match=r"^bucket fusion-rms-a of org a: cannot put the policy: AccessDenied"):
        wrapped("client", "fusion-rms-a", "a")


def test_other_exceptions_are_not_swallowed(sleeps):
    call = FlakyCall([KeyError("x")])
    with pytest.raises(KeyError):
        decorate(call, sleeps)("client", "b")
    assert sleeps == []


def test_the_decorator_keeps_the_function_name():
    @aws_call("read the tags")
    def get_bucket_tagging(client, bucket):
        return client, bucket

    assert get_bucket_tagging.__name__ == "get_bucket_tagging"


# --- backoff_delays -----------------------------------------------------------------------

def test_backoff_gives_one_delay_fewer_than_tries():
    assert len(list(backoff_delays(tries=5, base=1, cap=10))) == 4
    assert not list(backoff_delays(tries=1, base=1, cap=10))


def test_backoff_upper_bound_doubles_up_to_the_cap():
    delays = list(backoff_delays(tries=8, base=0.5, cap=5, rng=lambda: 1.0))
    assert delays == [0.5, 1.0, 2.0, 4.0, 5, 5, 5]


def test_backoff_is_jittered_between_zero_and_the_bound():
    rng = random.Random(1234)
    delays = list(backoff_delays(tries=50, base=0.5, cap=2, rng=rng.random))
    assert all(0 <= delay <= min(2, 0.5 * 2 ** n) for n, delay in enumerate(delays))
    assert len(set(delays)) == len(delays)  # no two attempts wait alike
    assert min(delays[5:]) < 1.0 < max(delays[5:])  # spread over the whole range, not pinned at the cap


def test_backoff_total_wait_is_bounded_by_default():
    assert sum(backoff_delays(rng=lambda: 1.0)) <= _aws.RETRY_TRIES * _aws.RETRY_MAX_DELAY


# --- run_resource: the one error boundary (module process and org step) ---------------------

def resource(work, validate=None):
    return Resource("fusion_test", {}, work, validate=validate)


def context(**params):
    return Context(dict({"org": "Bad_Org"}, **params))


@pytest.mark.parametrize("error, message", [
    (FusionAWSError("read the tags", "bucket b", "AccessDenied", "denied"), "bucket b: cannot read the tags: AccessDenied: denied"),
    (_aws.FusionModuleError("org xmsqa1 is declared in qa and production"), "org xmsqa1 is declared in qa and production"),
    (NamingError("invalid org ID 'X'"), "invalid org ID 'X'"),
    (client_error("AccessDenied", 403, message="denied"),
     "fusion_test: AWS error: An error occurred (AccessDenied) when calling the GetBucketTagging operation: denied"),
])
def test_run_resource_turns_errors_into_one_failure_line(error, message):
    def work(_ctx):
        raise error

    assert run_resource(resource(work), context()) == {"failed": True, "changed": False, "msg": message}


def test_run_resource_returns_the_result():
    assert run_resource(resource(lambda _ctx: {"changed": True, "name": "b"}), context()) == {"changed": True, "name": "b"}


def test_run_resource_validates_before_any_work():
    worked = []

    def validate(params):
        raise NamingError("invalid org ID %r" % params["org"])

    result = run_resource(resource(worked.append, validate), context())
    assert result["msg"] == "invalid org ID 'Bad_Org'"
    assert worked == []


def test_run_resource_masks_the_values_the_work_marked_secret():
    def work(ctx):
        ctx.no_log_values.add("s3cr3t-value")
        return {"changed": True, "note": "made with s3cr3t-value"}

    assert "s3cr3t-value" not in str(run_resource(resource(work), context()))


# --- lost answers: retried reads, creates that read before sending again ------------------

def lost_answers():
    from botocore.exceptions import ConnectionClosedError  # pylint: disable=import-outside-toplevel
    from botocore.parsers import ResponseParserError  # pylint: disable=import-outside-toplevel

    return [ConnectionClosedError(endpoint_url="http://aws"), ReadTimeoutError(endpoint_url="http://aws"),
            EndpointConnectionError(endpoint_url="http://aws"), ResponseParserError("garbled"),
            client_error("InternalError", 500)]


@pytest.mark.parametrize("error", lost_answers(), ids=lambda e: type(e).__name__)
def test_a_lost_connection_or_answer_is_retried_and_ambiguous(error, sleeps):
    call = FlakyCall([error])
    assert decorate(call, sleeps)("client", "b") == "ok"
    assert len(call.calls) == 2
    assert _aws.is_ambiguous(error)


@pytest.mark.parametrize("error", [client_error("Throttling"), client_error("SlowDown", 503)])
def test_throttling_is_not_ambiguous(error):
    assert _aws.is_retryable(error) and not _aws.is_ambiguous(error)


class Finder(list):
    """A ``found=`` read: records its arguments, answers ``answers`` in turn."""

    def __init__(self, *answers):
        super().__init__()
        self.answers = list(answers)

    def __call__(self, client, *args, **kwargs):
        self.append(args)
        return self.answers.pop(0)


def test_after_a_lost_answer_what_the_first_attempt_made_is_returned_without_sending_again(sleeps):
    call, finder = FlakyCall([lost_answers()[0]]), Finder({"VpcId": "vpc-1"})
    assert decorate(call, sleeps, found=finder)("client", "vpc-POS-us-east-1", "10.0.0.0/16") == {"VpcId": "vpc-1"}
    assert len(call.calls) == 1
    assert finder == [("vpc-POS-us-east-1", "10.0.0.0/16")]


def test_after_a_lost_answer_with_nothing_made_the_create_is_sent_again(sleeps):
    call, finder = FlakyCall([lost_answers()[1]], result="made"), Finder(None)
    assert decorate(call, sleeps, found=finder)("client", "x") == "made"
    assert len(call.calls) == 2 and len(finder) == 1


def test_throttling_does_not_read_before_sending_again(sleeps):
    call, finder = FlakyCall([client_error("Throttling")]), Finder()
    assert decorate(call, sleeps, found=finder)("client", "x") == "ok"
    assert finder == []


def test_already_exists_after_a_lost_answer_is_the_first_attempt(sleeps):
    call = FlakyCall([lost_answers()[0], client_error("EntityAlreadyExists", 409)])
    finder = Finder(None, {"UserName": "rms_x"})
    assert decorate(call, sleeps, found=finder, done=("EntityAlreadyExists",))("client", "rms_x") == {"UserName": "rms_x"}


def test_already_exists_without_a_lost_answer_is_an_error(sleeps):
    call = FlakyCall([client_error("EntityAlreadyExists", 409)])
    with pytest.raises(FusionAWSError, match="EntityAlreadyExists"):
        decorate(call, sleeps, found=Finder(), done=("EntityAlreadyExists",))("client", "rms_x")


def test_already_exists_that_is_not_ours_stays_an_error(sleeps):
    call = FlakyCall([lost_answers()[0], client_error("ResourceExistsException")])
    with pytest.raises(FusionAWSError, match="ResourceExistsException"):
        decorate(call, sleeps, found=Finder(None, None), done=("ResourceExistsException",))("client", "s")


def test_a_done_code_without_a_finder_answers_none(sleeps):
    call = FlakyCall([lost_answers()[0], client_error("InvalidPermission.Duplicate")])
    assert decorate(call, sleeps, done=("InvalidPermission.Duplicate",))("client", "sg-1") is None


@pytest.mark.parametrize("region, message", [
    ("zz-nowhere-1", "unknown AWS region 'zz-nowhere-1'"),
    ("us-east-1\n", "invalid AWS region 'us-east-1\\n'"),
], ids=["unknown-to-botocore", "trailing-newline"])
def test_run_resource_refuses_a_region_aws_does_not_have_before_any_work(region, message):
    worked = []
    connected = Resource("fusion_test", {}, worked.append)
    result = run_resource(connected, Context({"region": region}))
    assert result["failed"] is True and message in result["msg"]
    assert worked == []
