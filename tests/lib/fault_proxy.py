"""A seeded, fault-injecting HTTP proxy between the modules and the moto emulator.

The playbooks take its URL as ``aws_endpoint_url``; every AWS request goes through it to the emulator,
and some do not come back as they should:

- ``throttle``: a throttling error in the protocol's own format, the request is not forwarded
  (query XML ``<ErrorResponse>`` for IAM/STS/RDS, EC2's ``<Response><Errors>``, JSON ``__type`` for
  Secrets Manager/SSM, ``x-amzn-ErrorType`` for Amazon MQ, S3's ``SlowDown`` 503);
- ``error500`` / ``error503``: a plain server error, not forwarded;
- ``error500_after``: forwarded (the emulator carries it out), then a 500 instead of its answer;
- ``drop_before``: the connection is closed without an answer, not forwarded;
- ``drop_after``: forwarded, then the connection is closed without an answer (the "lost answer");
- ``hold``: forwarded, then the answer is held longer than the client's read timeout
  (``FUSION_POS_AWS_READ_TIMEOUT`` of the modules) and the connection closed.

Targeted faults name an action (``CreateVpc``, ``CreateAccessKey``, ``s3:PUT tagging``): ``target(
"CreateVpc", "drop_after", nth=1)``. Random faults hit any request at ``rate`` with ``seed``; the
decision for the n-th request of an action depends only on (seed, action, n), not on the order in
which threads send them, so a seed replays. ``summary()`` gives the seed and the counts of injected
faults; ``on_request`` (a callable taking the ``Request``) sees every request before it is handled.
"""

import collections
import http.client
import http.server
import random
import re
import socket
import threading
import time
import urllib.parse

READ_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Check")
KINDS = ("throttle", "error500", "error503", "error500_after", "drop_before", "drop_after", "hold")
HOP_HEADERS = ("connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "te", "upgrade")
QUERY_SERVICES = ("iam", "sts", "rds", "ec2")
JSON_SERVICES = ("secretsmanager", "ssm")
MQ_ACTIONS = (("POST", r"^/v1/brokers$", "CreateBroker"), ("GET", r"^/v1/brokers$", "ListBrokers"),
              ("GET", r"^/v1/brokers/[^/]+$", "DescribeBroker"), ("PUT", r"^/v1/brokers/[^/]+$", "UpdateBroker"),
              ("DELETE", r"^/v1/brokers/[^/]+$", "DeleteBroker"))


class Request:
    """One request the proxy received: service, action, and whether it writes."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.body = body
        auth = headers.get("authorization", "")
        match = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
        self.service = match.group(1) if match else "unknown"
        self.action = self._action(headers)

    def _action(self, headers):
        target = headers.get("x-amz-target")
        if target:
            return target.split(".")[-1]
        url = urllib.parse.urlparse(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if "Action" not in params and self.body and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params.update(urllib.parse.parse_qs(self.body.decode("utf-8", "replace")))
        if "Action" in params:
            return params["Action"][0]
        if self.service == "mq":
            for method, pattern, name in MQ_ACTIONS:
                if self.method == method and re.match(pattern, url.path):
                    return name
        if self.service == "s3":
            parts = [p for p in url.path.split("/") if p]
            sub = sorted(params)[0] if params else ("object" if len(parts) > 1 else ("bucket" if parts else "service"))
            return "s3:%s %s" % (self.method, sub)
        return "%s:%s %s" % (self.service, self.method, url.path)

    @property
    def is_write(self):
        if self.action.startswith("s3:"):
            return self.method not in ("GET", "HEAD")
        return not self.action.startswith(READ_PREFIXES)

    def __repr__(self):
        return "<%s %s %s>" % (self.service, self.action, "write" if self.is_write else "read")


def error_answer(request, status, code, json_code=None, message="fault proxy"):
    """(status, headers, body) of an AWS error in the request's protocol."""
    if request.service == "s3":
        body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code><Message>%s</Message></Error>" % (code, message)
        return status, {"Content-Type": "application/xml"}, body
    if request.service == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>%s</Code>"
                "<Message>%s</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>" % (code, message))
        return status, {"Content-Type": "text/xml"}, body
    if request.service in QUERY_SERVICES:
        body = ("<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>"
                "<RequestId>fault-proxy</RequestId></ErrorResponse>" % ("Receiver" if status >= 500 else "Sender", code, message))
        return status, {"Content-Type": "text/xml"}, body
    if request.service == "mq":
        return status, {"Content-Type": "application/json", "x-amzn-ErrorType": json_code or code}, '{"message": "%s"}' % message
    return status, {"Content-Type": "application/x-amz-json-1.1"}, '{"__type": "%s", "message": "%s"}' % (json_code or code, message)


def throttling_answer(request):
    """A throttling error in the request's protocol (nothing was done)."""
    if request.service == "s3":
        return error_answer(request, 503, "SlowDown", message="Please reduce your request rate (fault proxy)")
    if request.service == "ec2":
        return error_answer(request, 503, "RequestLimitExceeded", message="Request limit exceeded (fault proxy)")
    if request.service == "mq":
        return error_answer(request, 429, "TooManyRequestsException", message="Rate exceeded (fault proxy)")
    return error_answer(request, 400, "Throttling", json_code="ThrottlingException", message="Rate exceeded (fault proxy)")


def server_error_answer(request, status):
    """A 500 (InternalError / InternalFailure) or 503 (ServiceUnavailable) in the request's protocol."""
    if status == 503:
        return error_answer(request, 503, "ServiceUnavailable", json_code="ServiceUnavailableException")
    code = "InternalError" if request.service in ("s3", "ec2") else "InternalFailure"
    return error_answer(request, 500, code, json_code="InternalFailure" if request.service != "mq" else "InternalServerErrorException")


class FaultProxy:
    """The proxy. ``FaultProxy(upstream_url, seed=, rate=, kinds=, hold=)``; ``url``; ``stop()``."""

    def __init__(self, upstream, seed=0, rate=0.0, kinds=KINDS, hold=2.5, on_request=None):
        self.upstream = urllib.parse.urlparse(upstream)
        self.seed = seed
        self.rate = rate
        self.kinds = tuple(kinds)
        self.hold = hold
        self.on_request = on_request
        self.targets = collections.defaultdict(dict)  # action -> {nth: kind}
        self.seen = collections.Counter()  # action -> requests seen
        self.injected = collections.Counter()  # kind -> count
        self.injected_on = []  # (action, nth, kind)
        self.requests = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

            def do_any(self):
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def target(self, action, kind, nth=1):
        """Inject ``kind`` on the ``nth`` request of ``action`` (counted from now on)."""
        assert kind in KINDS, kind
        with self._lock:
            self.targets[action][self.seen[action] + nth] = kind

    def summary(self):
        counts = ", ".join("%s=%d" % item for item in sorted(self.injected.items())) or "none"
        return "fault proxy: seed=%s rate=%s requests=%d writes=%d injected: %s" % (
            self.seed, self.rate, len(self.requests), len([r for r in self.requests if r.is_write]), counts)

    def actions(self, writes=False):
        """The actions seen so far (only the writes with ``writes=True``), in order, each once."""
        seen = []
        for request in list(self.requests):
            if request.action not in seen and (request.is_write or not writes):
                seen.append(request.action)
        return seen

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- the work of one request ----------------------------------------------------------------

    def _decide(self, request):
        with self._lock:
            self.seen[request.action] += 1
            nth = self.seen[request.action]
            self.requests.append(request)
            kind = self.targets.get(request.action, {}).pop(nth, None)
            if kind is None and self.rate:
                rng = random.Random("%s:%s:%d" % (self.seed, request.action, nth))
                if rng.random() < self.rate:
                    kind = rng.choice(self.kinds)
            if kind:
                self.injected[kind] += 1
                self.injected_on.append((request.action, nth, kind))
        return kind

    def handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = dict((k.lower(), v) for k, v in handler.headers.items())
        request = Request(handler.command, handler.path, headers, body)
        if self.on_request is not None:
            self.on_request(request)
        kind = self._decide(request)
        if kind == "throttle":
            self._answer(handler, *throttling_answer(request))
        elif kind in ("error500", "error503"):
            self._answer(handler, *server_error_answer(request, int(kind[-3:])))
        elif kind == "drop_before":
            self._drop(handler)
        else:
            self._pass(handler, request, body, kind)

    def _pass(self, handler, request, body, kind):
        """Forward the request, then answer, or fail to (``kind``)."""
        try:
            status, answer_headers, answer = self._forward(handler.command, handler.path, handler.headers, body)
        except (OSError, http.client.HTTPException):
            self._drop(handler)
            return
        if kind == "error500_after":
            self._answer(handler, *server_error_answer(request, 500))
        elif kind == "drop_after":
            self._drop(handler)
        elif kind == "hold":
            time.sleep(self.hold)
            self._drop(handler)
        else:
            self._answer(handler, status, answer_headers, answer)

    def _forward(self, method, path, headers, body):
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        try:
            send = dict((k, v) for k, v in headers.items() if k.lower() not in HOP_HEADERS)
            send["Content-Length"] = str(len(body))
            conn.request(method, path, body=body, headers=send)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_HEADERS], data
        finally:
            conn.close()

    @staticmethod
    def _answer(handler, status, headers, body):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        try:
            handler.send_response(status)
            for key, value in (headers.items() if isinstance(headers, dict) else headers):
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(data)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True

    @staticmethod
    def _drop(handler):
        handler.close_connection = True
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
