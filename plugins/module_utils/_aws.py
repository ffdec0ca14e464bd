# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared AWS plumbing for fusion.pos modules.

- ``CONNECTION_ARGS``: the connection options every AWS module takes (documented by the
  ``fusion.pos.connection`` doc fragment).
- ``client()``: a boto3 client that honours the module options first and the standard AWS
  environment (``AWS_ENDPOINT_URL``, ``AWS_PROFILE``, ``AWS_REGION``, credentials, ...) second.
- ``aws_call()``: the decorator every function that makes one AWS call wears: jittered
  exponential backoff on throttling and transient errors, and translation of any botocore error
  into one ``FusionAWSError`` whose message names the resource and the cause.
- ``run_module()``: the one error boundary of a module's ``main()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import os
import random
import time
import traceback

try:
    import boto3
    import botocore
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - reported by require_boto3()
    boto3 = None
    BOTO3_IMPORT_ERROR = traceback.format_exc()
else:
    BOTO3_IMPORT_ERROR = None

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.fusion.pos.plugins.module_utils._naming import NamingError

CONNECTION_ARGS = dict(
    region=dict(type="str", aliases=["aws_region"]),
    endpoint_url=dict(type="str", aliases=["aws_endpoint_url"]),
    access_key=dict(type="str", aliases=["aws_access_key_id"], no_log=False),
    secret_key=dict(type="str", aliases=["aws_secret_access_key"], no_log=True),
    session_token=dict(type="str", aliases=["aws_session_token"], no_log=True),
    profile=dict(type="str", aliases=["aws_profile"]),
)

DEFAULT_REGION = "us-east-1"
USER_AGENT = "fusion.pos"

# Errors worth another try: throttling, server-side trouble and eventual consistency.
THROTTLING_CODES = frozenset([
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
])
TRANSIENT_CODES = frozenset([
    "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
    "ServiceUnavailable", "ServiceUnavailableException", "OperationAborted",
    "IDPCommunicationError", "RequestExpired",
])

RETRY_TRIES = int(os.environ.get("FUSION_POS_AWS_RETRY_TRIES", "8"))
RETRY_BASE_DELAY = float(os.environ.get("FUSION_POS_AWS_RETRY_BASE_DELAY", "0.5"))
RETRY_MAX_DELAY = float(os.environ.get("FUSION_POS_AWS_RETRY_MAX_DELAY", "20"))


class FusionAWSError(Exception):
    """One AWS call failed for good. ``str()`` is the one line shown to the operator."""

    def __init__(self, action, resource, code, message):
        self.action = action
        self.resource = resource
        self.code = code
        # one line, whatever AWS sent (some services return multi-line or indented messages)
        self.message = " ".join(str(message).split())
        super(FusionAWSError, self).__init__(
            "%s: cannot %s: %s%s" % (resource, action, code + ": " if code else "", self.message)
        )


class FusionModuleError(Exception):
    """A refusal or bad input found by the module itself (no AWS error behind it)."""


def error_code(exc):
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code", "")
    return ""


def _status(exc):
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)


def is_retryable(exc, extra_codes=()):
    if isinstance(exc, ClientError):
        code = error_code(exc)
        return code in THROTTLING_CODES or code in TRANSIENT_CODES or code in extra_codes or _status(exc) >= 500
    return isinstance(exc, (botocore.exceptions.ConnectionError, botocore.exceptions.ReadTimeoutError,
                            botocore.exceptions.ConnectTimeoutError))


def backoff_delays(tries=None, base=None, cap=None, rng=random.random):
    """Full-jitter exponential backoff: delay n is uniform in [0, min(cap, base * 2**n)]."""
    tries = RETRY_TRIES if tries is None else tries
    base = RETRY_BASE_DELAY if base is None else base
    cap = RETRY_MAX_DELAY if cap is None else cap
    for attempt in range(tries - 1):
        yield rng() * min(cap, base * (2 ** attempt))


def aws_call(action, resource="{0}", retry_codes=(), sleep=time.sleep):
    """Decorate a function that makes exactly one AWS call.

    ``action`` says what the call does ("read the tags"), ``resource`` is a format string over the
    function's positional arguments after the client (``"bucket {0}"``). Retryable errors (and
    ``retry_codes``, e.g. ``NoSuchBucket`` right after a create) are retried with jittered backoff;
    any other botocore error becomes one FusionAWSError.
    """
    def decorator(func):
        @functools.wraps(func)
        def wrapper(client, *args, **kwargs):
            delays = backoff_delays()
            while True:
                try:
                    return func(client, *args, **kwargs)
                except (ClientError, BotoCoreError) as exc:
                    if is_retryable(exc, retry_codes):
                        delay = next(delays, None)
                        if delay is not None:
                            sleep(delay)
                            continue
                    what = resource.format(*args, **kwargs)
                    if isinstance(exc, ClientError):
                        raise FusionAWSError(action, what, error_code(exc),
                                             exc.response.get("Error", {}).get("Message", "") or str(exc))
                    raise FusionAWSError(action, what, type(exc).__name__, str(exc))
        return wrapper
    return decorator


def require_boto3(module):
    if BOTO3_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("boto3"), exception=BOTO3_IMPORT_ERROR)


def client(module, service, region=None):
    """A boto3 client for ``service``: module options first, then the standard AWS environment."""
    params = module.params
    session = boto3.session.Session(
        aws_access_key_id=params.get("access_key") or None,
        aws_secret_access_key=params.get("secret_key") or None,
        aws_session_token=params.get("session_token") or None,
        profile_name=params.get("profile") or None,
    )
    region = region or params.get("region") or session.region_name or DEFAULT_REGION
    config = Config(
        user_agent_extra=USER_AGENT,
        # Our own aws_call() owns the retries (jittered, bounded, counted): no hidden second layer.
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=10,
        read_timeout=60,
    )
    kwargs = dict(region_name=region, config=config)
    if params.get("endpoint_url"):
        kwargs["endpoint_url"] = params["endpoint_url"]
    return session.client(service, **kwargs)


def run_module(module, work, validate=None):
    """The one error boundary: run ``work(module)`` and exit with its result or one clear line.

    ``validate(params)``, when given, checks the inputs first (naming rules and the like, no AWS
    call), so a bad input fails with the same one line before any client exists.
    """
    try:
        if validate is not None:
            validate(module.params)
        result = work(module)
    except (FusionAWSError, FusionModuleError, NamingError) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:  # a call that escaped aws_call(): still one line
        module.fail_json(msg="AWS error: %s" % exc)
    module.exit_json(**result)
