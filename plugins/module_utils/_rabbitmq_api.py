# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RabbitMQ management HTTP API (Amazon MQ offers no ``rabbitmqctl``), over urllib.

- ``ManagementAPI``: where and how to talk to one broker: its management URL, the admin
  credentials (HTTP basic auth), TLS with certificate verification on (``ca_bundle`` for a private
  CA; plain ``http`` only when the URL says so, e.g. a local test server).
- ``api_call()``: the decorator every function that makes one API call wears (the ``aws_call()`` of
  this API): jittered exponential backoff (``_aws.backoff_delays``) on 5xx answers and connection
  errors, a copy of ``default`` for a 404 when the read says ``missing=True``, and one
  ``RabbitMQAPIError`` line naming the broker and the cause for anything else: wrong admin
  credentials (401), unreachable broker, TLS failure, refused request. No message ever holds a
  password: the URL's user info is refused, and every secret the API object knows is masked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import copy
import functools
import json
import socket
import ssl
import time

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote, urlsplit
from ansible.module_utils.six.moves.urllib.request import HTTPSHandler, Request, build_opener

from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError, backoff_delays

DEFAULT_TIMEOUT = 30
# An endpoint that does not answer at all (firewalled, wrong host) costs DEFAULT_TIMEOUT per try:
# connection errors get fewer tries than 5xx answers (which get the AWS calls' RETRY_TRIES).
CONNECTION_TRIES = 3
USER_AGENT = "fusion.pos"
MASK = "********"


class RabbitMQAPIError(FusionModuleError):
    """One management API call failed for good; ``str()`` is the one line shown to the operator."""

    def __init__(self, message, status=None):
        self.status = status
        super(RabbitMQAPIError, self).__init__(message)


class _Retry(Exception):
    """A failure worth another try (5xx, connection trouble); carries its final error line."""

    def __init__(self, error):
        super(_Retry, self).__init__(str(error))
        self.error = error


def path(*parts):
    """An API path from its parts, each quoted whole (a vhost ``/`` is ``%2F``)."""
    return "/api/" + "/".join(quote(part, safe="") for part in parts)


def _one_line(text):
    return " ".join(str(text).split())


class ManagementAPI:
    """One broker's management API, as its admin.

    ``broker`` names the broker in every error line; ``credentials_source`` says where the admin
    credentials came from (shown on a 401). ``opener`` (tests) replaces the urllib opener.
    """

    def __init__(self, url, username, password, broker, ca_bundle=None, validate_certs=True,
                 credentials_source=None, timeout=DEFAULT_TIMEOUT, opener=None):
        self.broker = broker
        parts = urlsplit(url or "")
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise RabbitMQAPIError("broker %s: management URL %r is not an http(s) URL with a host"
                                   % (broker, self._safe_url(parts, url)))
        if parts.username or parts.password:
            raise RabbitMQAPIError("broker %s: management URL must not hold credentials (they come from the password manager)"
                                   % broker)
        self.url = url.rstrip("/")
        # the console URL Amazon MQ reports may end in a path; the API lives at the root
        self.base = "%s://%s" % (parts.scheme, parts.netloc)
        self.username = username
        self.credentials_source = credentials_source
        self.timeout = timeout
        self.secrets = set(value for value in (password,) if value)
        self._auth = "Basic " + base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii")
        if opener is not None:
            self.opener = opener
        elif parts.scheme == "https":
            context = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else ssl.create_default_context()
            if not validate_certs:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self.opener = build_opener(HTTPSHandler(context=context))
        else:
            self.opener = build_opener()

    @staticmethod
    def _safe_url(parts, url):
        if parts.username or parts.password:
            return "%s://%s%s" % (parts.scheme, parts.hostname or "", parts.path)
        return url

    def mask(self, text):
        text = _one_line(text)
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def request(self, method, api_path, body=None):
        """``(status, decoded JSON or None)``; raises HTTPError/URLError/OSError as urllib does."""
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        req = Request(self.base + api_path, data=data, method=method)
        req.add_header("Authorization", self._auth)
        req.add_header("Accept", "application/json")
        req.add_header("User-Agent", USER_AGENT)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        resp = self.opener.open(req, timeout=self.timeout)
        try:
            status = getattr(resp, "status", None) or resp.getcode()
            payload = resp.read()
        finally:
            resp.close()
        return status, (json.loads(payload.decode("utf-8")) if payload else None)

    # --- one error line per kind of failure ---------------------------------------------------

    def http_error(self, exc, action, what):
        status = exc.code
        reason = ""
        try:
            body = exc.read()
            answer = json.loads(body.decode("utf-8")) if body else {}
            reason = answer.get("reason") or answer.get("error") or ""
        except (ValueError, AttributeError, OSError):
            reason = ""
        reason = reason or getattr(exc, "reason", "") or ""
        if status == 401:
            source = " (from %s)" % self.credentials_source if self.credentials_source else ""
            return RabbitMQAPIError(
                "broker %s: the management API at %s refused the admin credentials of user %s%s (HTTP 401): "
                "wrong admin password or user" % (self.broker, self.url, self.username, source), status)
        return RabbitMQAPIError(self.mask("broker %s: cannot %s %s: HTTP %s %s" % (self.broker, action, what, status, reason)),
                                status)

    def connection_error(self, exc):
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, ssl.SSLError) or isinstance(exc, ssl.SSLError):
            return RabbitMQAPIError(self.mask(
                "broker %s: TLS failure talking to the management API at %s: %s (a private CA: set ca_bundle)"
                % (self.broker, self.url, getattr(reason, "reason", None) or reason)))
        return RabbitMQAPIError(self.mask("broker %s: cannot reach the management API at %s: %s"
                                          % (self.broker, self.url, reason)))


def api_call(action, resource="{0}", missing=False, default=None, sleep=time.sleep):
    """Decorate a function ``func(api, *args)`` that makes exactly one management API call.

    ``action`` says what it does ("create the vhost"), ``resource`` is a format string over the
    arguments after ``api`` ("vhost {0}"). 5xx answers and connection errors are retried with
    jittered backoff; with ``missing=True`` a 404 returns a copy of ``default``.
    """
    def decorator(func):
        @functools.wraps(func)
        def wrapper(api, *args, **kwargs):
            what = resource.format(*args, **kwargs)
            delays = backoff_delays()
            connection_failures = 0
            while True:
                try:
                    try:
                        return func(api, *args, **kwargs)
                    except HTTPError as exc:
                        if missing and exc.code == 404:
                            return copy.deepcopy(default)
                        error = api.http_error(exc, action, what)
                        if exc.code >= 500:
                            raise _Retry(error)
                        raise error
                    except (URLError, socket.timeout, ConnectionError) as exc:
                        error = api.connection_error(exc)
                        connection_failures += 1
                        if isinstance(getattr(exc, "reason", exc), ssl.SSLError) or connection_failures >= CONNECTION_TRIES:
                            raise error
                        raise _Retry(error)
                    except ValueError as exc:  # an answer that is not JSON: not a management API
                        raise RabbitMQAPIError(api.mask("broker %s: cannot %s %s: the answer is not the management API's JSON (%s)"
                                                        % (api.broker, action, what, exc)))
                except _Retry as retry:
                    delay = next(delays, None)
                    if delay is None:
                        raise retry.error
                    sleep(delay)
        return wrapper
    return decorator


# --- the calls: one per function ----------------------------------------------------------------

@api_call("read the identity of", "the admin user")
def whoami(api):
    return api.request("GET", path("whoami"))[1]


@api_call("list the vhosts", "of the broker")
def list_vhosts(api):
    return [item["name"] for item in api.request("GET", path("vhosts"))[1] or []]


@api_call("create the vhost", "{0}")
def put_vhost(api, name):
    api.request("PUT", path("vhosts", name), {})


@api_call("delete the vhost", "{0}")
def delete_vhost(api, name):
    api.request("DELETE", path("vhosts", name))


@api_call("read the user", "{0}", missing=True)
def get_user(api, name):
    return api.request("GET", path("users", name))[1]


@api_call("write the user", "{0}")
def put_user(api, name, body):
    """PUT replaces the whole user: ``body`` holds ``tags`` and ``password`` or ``password_hash``."""
    api.request("PUT", path("users", name), body)


@api_call("delete the user", "{0}")
def delete_user(api, name):
    api.request("DELETE", path("users", name))


@api_call("list the permissions of user", "{0}", missing=True, default=[])
def list_user_permissions(api, user):
    return api.request("GET", path("users", user, "permissions"))[1] or []


@api_call("list the topic permissions of user", "{0}", missing=True, default=[])
def list_user_topic_permissions(api, user):
    return api.request("GET", path("users", user, "topic-permissions"))[1] or []


@api_call("set the permissions", "of user {1} on vhost {0}")
def put_permissions(api, vhost, user, permissions):
    api.request("PUT", path("permissions", vhost, user), permissions)


@api_call("delete the permissions", "of user {1} on vhost {0}")
def delete_permissions(api, vhost, user):
    api.request("DELETE", path("permissions", vhost, user))


@api_call("delete the topic permissions", "of user {1} on vhost {0}")
def delete_topic_permissions(api, vhost, user):
    api.request("DELETE", path("topic-permissions", vhost, user))
