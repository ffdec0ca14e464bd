# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared AWS plumbing for fusion.pos modules.

- ``CONNECTION_ARGS``: the connection options every AWS module takes (documented by the
  ``fusion.pos.connection`` doc fragment).
- ``ClientFactory``: boto3 clients (module options first, then the standard AWS environment:
  ``AWS_ENDPOINT_URL``, ``AWS_PROFILE``, ``AWS_REGION``, credentials, ...), made once and shared;
  modules reach them through ``_module.Context.client()``.
- ``aws_call()``: the decorator every function that makes one AWS call wears: jittered
  exponential backoff on throttling and transient errors, and translation of any botocore error
  into one ``FusionAWSError`` whose message names the resource and the cause. A write whose answer
  was lost (``is_ambiguous()``: read timeout, connection closed, 5xx) may have been carried out:
  ``aws_call(..., found=<read>, done=<codes>)`` reads before sending it again, so a create is never
  made twice (docs/idempotency.md).
  (``fusion_shared_declaration``; every other module uses ``_module.run_resource``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import functools
import json
import os
import random
import threading
import time
import traceback

try:
    import boto3
    import botocore
    import botocore.loaders
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError
except ImportError:  # pragma: no cover - reported by FusionAWSModule (BOTO3_IMPORT_ERROR)
    boto3 = Config = None
    BotoCoreError = ClientError = ResponseParserError = ()
    BOTO3_IMPORT_ERROR = traceback.format_exc()
else:
    BOTO3_IMPORT_ERROR = None

from ansible.module_utils.basic import env_fallback

from ansible_collections.fusion.pos.plugins.module_utils import _naming


# The connection options of every AWS module of this collection: amazon.aws's names, aliases and
# environment fallbacks (doc fragment fusion.pos.connection), so one module_defaults entry for the
# action group serves both collections.
CONNECTION_ARGS = dict(
    region=dict(type="str", aliases=["aws_region"], fallback=(env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"])),
    endpoint_url=dict(type="str", aliases=["aws_endpoint_url"], fallback=(env_fallback, ["AWS_URL"])),
    access_key=dict(type="str", aliases=["aws_access_key_id", "aws_access_key"], no_log=False,
                    fallback=(env_fallback, ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"])),
    secret_key=dict(type="str", aliases=["aws_secret_access_key", "aws_secret_key"], no_log=True,
                    fallback=(env_fallback, ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"])),
    session_token=dict(type="str", aliases=["aws_session_token"], no_log=True,
                       fallback=(env_fallback, ["AWS_SESSION_TOKEN"])),
    profile=dict(type="str", aliases=["aws_profile"], fallback=(env_fallback, ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])),
    validate_certs=dict(type="bool", default=True),
    aws_ca_bundle=dict(type="path", fallback=(env_fallback, ["AWS_CA_BUNDLE"])),
    aws_config=dict(type="dict"),
    debug_botocore_endpoint_logs=dict(type="bool", default=False,
                                      fallback=(env_fallback, ["ANSIBLE_DEBUG_BOTOCORE_LOGS"])),
)
CONNECTION_KEYS = frozenset(CONNECTION_ARGS)

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
# How long a client waits for an answer before it gives up on it (tests make it small).
READ_TIMEOUT = float(os.environ.get("FUSION_POS_AWS_READ_TIMEOUT", "60"))
CONNECT_TIMEOUT = float(os.environ.get("FUSION_POS_AWS_CONNECT_TIMEOUT", "10"))


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
    """Worth another try: throttling, 5xx, ``extra_codes``, and any lost connection or answer
    (``ConnectionClosedError``, ``ReadTimeoutError``, ``EndpointConnectionError``, an answer that
    cannot be parsed, ...)."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        return code in THROTTLING_CODES or code in TRANSIENT_CODES or code in extra_codes or _status(exc) >= 500
    return isinstance(exc, (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError, ResponseParserError))


def is_ambiguous(exc):
    """The request may have been carried out although no success came back: the answer was lost
    (read timeout, connection closed or refused) or the service failed (5xx other than throttling).
    Throttling is a clean refusal: nothing was done."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        if code in THROTTLING_CODES:
            return False
        return code in TRANSIENT_CODES or _status(exc) >= 500
    if isinstance(exc, botocore.exceptions.ConnectTimeoutError):
        return False  # never connected: nothing was sent
    # a garbled answer (ResponseParserError: e.g. a proxy's HTML 502) is a lost answer too
    return isinstance(exc, (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError, ResponseParserError))


def backoff_delays(tries=None, base=None, cap=None, rng=random.random):
    """Full-jitter exponential backoff: delay n is uniform in [0, min(cap, base * 2**n)]."""
    tries = RETRY_TRIES if tries is None else tries
    base = RETRY_BASE_DELAY if base is None else base
    cap = RETRY_MAX_DELAY if cap is None else cap
    for attempt in range(tries - 1):
        yield rng() * min(cap, base * (2 ** attempt))


def _failure(exc, action, resource, args, kwargs):
    what = resource.format(*args, **kwargs)
    if isinstance(exc, ClientError):
        return FusionAWSError(action, what, error_code(exc), exc.response.get("Error", {}).get("Message", "") or str(exc))
    return FusionAWSError(action, what, type(exc).__name__, str(exc))


def aws_call(action, resource="{0}", retry_codes=(), missing=(), default=None, sleep=time.sleep, found=None, done=()):
    """Decorate a function that makes exactly one AWS call.

    ``action`` says what the call does ("read the tags"), ``resource`` is a format string over the
    function's positional arguments after the client (``"bucket {0}"``). Retryable errors (and
    ``retry_codes``, e.g. ``NoSuchBucket`` right after a create) are retried with jittered backoff;
    an error whose code is in ``missing`` (the "not found" answers of a read) returns a copy of
    ``default`` instead; any other botocore error becomes one FusionAWSError.

    A write that must not happen twice (a create) says how to recognise what an earlier attempt made:
    - ``found(client, *args, **kwargs)``: a read called after an ambiguous failure (``is_ambiguous``),
      before the call is sent again; what it returns (not None) is returned as the call's answer,
      None means "the first attempt made nothing": the call is sent again;
    - ``done``: error codes that, on a try sent after an ambiguous failure, mean "an earlier try did
      it" (``EntityAlreadyExists``, ``DBInstanceAlreadyExists``, ``InvalidPermission.Duplicate``):
      the answer is then ``found(...)`` (None without ``found``; the error stands when ``found`` finds
      nothing of ours).
    Writes without them are ones a repeat cannot harm (put, modify, tag): they are simply sent again.
    """
    def decorator(func):
        @functools.wraps(func)
        def wrapper(client, *args, **kwargs):
            delays = backoff_delays()
            unsure = False  # an earlier try of this call may have been carried out
            while True:
                try:
                    return func(client, *args, **kwargs)
                except (ClientError, BotoCoreError, ResponseParserError) as exc:
                    code = error_code(exc)
                    if missing and code in missing:
                        return copy.copy(default)
                    if unsure and done and code in done:
                        if found is None:
                            return None
                        made = found(client, *args, **kwargs)
                        if made is not None:
                            return made
                        raise _failure(exc, action, resource, args, kwargs)
                    if is_retryable(exc, retry_codes):
                        delay = next(delays, None)
                        if delay is not None:
                            sleep(delay)
                            if is_ambiguous(exc):
                                unsure = True
                                if found is not None:
                                    made = found(client, *args, **kwargs)
                                    if made is not None:
                                        return made
                            continue
                    raise _failure(exc, action, resource, args, kwargs)
        return wrapper
    return decorator


_WARM_LOADER = []
WARM_DATA = ("endpoints", "partitions", "sdk-default-configuration")


def warm_up(services):
    """Load botocore's data for ``services`` once, into a loader every later ``ClientFactory`` shares.

    Called at import by the controller-side plugins (``plugin_utils/_org_step.py``): ansible-core
    imports an action plugin in its main process when it queues the task, so the loaded models are
    inherited by every worker it forks afterwards, and a step's first client costs milliseconds
    instead of parsing the service's JSON model again in every fork.
    """
    if boto3 is None:
        return
    if not _WARM_LOADER:
        _WARM_LOADER.append(botocore.loaders.create_loader())
    loader = _WARM_LOADER[0]
    for name in WARM_DATA:
        loader.load_data(name)
    _naming.known_regions(loader)   # the region rule's list, from the same parsed data
    for service in services:
        for kind in ("service-2", "endpoint-rule-set-1"):
            try:
                loader.load_service_model(service, kind)
            except botocore.exceptions.DataNotFoundError:
                pass


class ClientFactory:
    """boto3 clients, made once per connection settings and shared (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sessions = {}
        self._clients = {}
        self.created = 0

    @staticmethod
    def _verify(params):
        if params.get("validate_certs") is False:
            return False
        return params.get("aws_ca_bundle") or None

    def client(self, params, service, region=None, owner=None):
        creds = (params.get("access_key") or None, params.get("secret_key") or None,
                 params.get("session_token") or None, params.get("profile") or None)
        with self._lock:
            session = self._sessions.get(creds)
            if session is None:
                core = botocore.session.Session()
                if _WARM_LOADER:
                    core.register_component("data_loader", _WARM_LOADER[0])
                session = boto3.session.Session(aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                                                aws_session_token=creds[2], profile_name=creds[3], botocore_session=core)
                self._sessions[creds] = session
            region = region or params.get("region") or session.region_name or DEFAULT_REGION
            config_json = json.dumps(params.get("aws_config") or {}, sort_keys=True, default=str)
            key = (creds, service, region, params.get("endpoint_url") or None, self._verify(params), config_json, owner)
            found = self._clients.get(key)
            if found is not None:
                return found
            config = Config(
                user_agent_extra=USER_AGENT,
                # aws_call() owns the retries (jittered, bounded): no hidden second layer.
                retries={"total_max_attempts": 1, "mode": "standard"},
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
            )
            if params.get("aws_config"):
                config = config.merge(Config(**params["aws_config"]))
            kwargs = dict(region_name=region, config=config)
            if params.get("endpoint_url"):
                kwargs["endpoint_url"] = params["endpoint_url"]
            verify = self._verify(params)
            if verify is not None:
                kwargs["verify"] = verify
            made = session.client(service, **kwargs)
            self._clients[key] = made
            self.created += 1
            return made
