"""fusion_rabbitmq_org without a broker: password hashes, the plan, the handlers on an in-memory API."""

import base64
import hashlib
import io
import json
import ssl
import urllib.error
import urllib.parse

import pytest

from ansible_collections.fusion.pos.plugins.module_utils import _rabbitmq_api as api_calls
from ansible_collections.fusion.pos.plugins.module_utils import _rabbitmq_org as org_mod
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._naming import NamingError
from ansible_collections.fusion.pos.plugins.module_utils._rabbitmq_api import ManagementAPI, RabbitMQAPIError

ADMIN_PW = "admin-Secret-pw-123"
ORG_PW = "org-Secret-pw-456"


def rabbit_hash(password, salt, func):
    return base64.b64encode(salt + func(salt + password.encode()).digest()).decode()


# --- password hashes ------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm, func", [
    ("rabbit_password_hashing_sha256", hashlib.sha256),
    ("rabbit_password_hashing_sha512", hashlib.sha512),
    ("rabbit_password_hashing_md5", hashlib.md5),
])
@pytest.mark.parametrize("candidate, expected", [(ORG_PW, True), ("wrong-password", False), ("", False)])
def test_password_matches_the_hash_rabbitmq_stores(algorithm, func, candidate, expected):
    stored = rabbit_hash(ORG_PW, b"\x01\x02\x03\x04", func)
    assert org_mod.password_matches(candidate, stored, algorithm) is expected


def test_the_hash_of_rabbitmq_3_10_for_a_known_password_matches():
    # GET /api/users/u1 on RabbitMQ 3.10.8 after PUT {"password": "pw1"}
    assert org_mod.password_matches("pw1", "OoYo3olJf7l4YkAZosTlQv686ec+DoPDEz62zobVZU5mqY7i",
                                    "rabbit_password_hashing_sha256")


@pytest.mark.parametrize("stored, algorithm", [
    ("", "rabbit_password_hashing_sha256"),
    (None, "rabbit_password_hashing_sha256"),
    ("not base64 !!", "rabbit_password_hashing_sha256"),
    ("AAE=", "rabbit_password_hashing_sha256"),
    (rabbit_hash(ORG_PW, b"salt", hashlib.sha256), "rabbit_password_hashing_unknown"),
])
def test_an_empty_unreadable_or_unknown_hash_counts_as_different(stored, algorithm):
    assert org_mod.password_matches(ORG_PW, stored, algorithm) is False


def test_a_missing_algorithm_means_sha256():
    assert org_mod.password_matches(ORG_PW, rabbit_hash(ORG_PW, b"abcd", hashlib.sha256), None)


# --- the plan on names ------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("xmsqa1_store1", True),
    ("xmsqa1_corp", True),
    ("xmsqa1", False),
    ("xmsqa10_store1", False),
    ("xmsqa2_store1", False),
    ("xmsqa1_Store1", False),
    ("xmsqa1_store1-AWS-OWNED-DO-NOT-DELETE", False),
    ("xmsqa1_", False),
    ("/", False),
])
def test_site_vhosts_of_the_org(name, expected):
    assert org_mod.org_site_vhost(name, "xmsqa1") is expected


WANTED = ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1"]
EXISTING = ["/", "xmsqa1", "xmsqa1_corp", "xmsqa1_store2", "xmsqa10", "xmsqa10_store2", "xmsqa2_store2",
            "xmsqa1_x-AWS-OWNED-DO-NOT-DELETE", "monitoring-AWS-OWNED-DO-NOT-DELETE"]


@pytest.mark.parametrize("prune, expected", [
    (False, {"create": ["xmsqa1_store1"], "delete": [], "retained": ["xmsqa1_store2"]}),
    (True, {"create": ["xmsqa1_store1"], "delete": ["xmsqa1_store2"], "retained": []}),
])
def test_plan_prunes_only_undeclared_site_vhosts_of_the_org(prune, expected):
    assert org_mod.plan_vhosts(EXISTING, WANTED, "xmsqa1", prune) == expected


def test_plan_never_prunes_hub_or_corp():
    plan = org_mod.plan_vhosts(["xmsqa1", "xmsqa1_corp"], ["xmsqa1", "xmsqa1_corp"], "xmsqa1", True)
    assert plan == {"create": [], "delete": [], "retained": []}


FULL = {"configure": ".*", "write": ".*", "read": ".*"}


@pytest.mark.parametrize("current, retained, deleted, to_set, to_delete", [
    ([], [], [], WANTED, []),
    ([dict(FULL, vhost=v) for v in WANTED], [], [], [], []),
    ([dict(FULL, vhost="xmsqa1"), dict(FULL, vhost="xmsqa2")], [], [], ["xmsqa1_corp", "xmsqa1_store1"], ["xmsqa2"]),
    ([dict(FULL, vhost=v, read="^amq") for v in WANTED], [], [], WANTED, []),
    ([dict(FULL, vhost="xmsqa1_store2", write="")], ["xmsqa1_store2"], [], WANTED, []),
    ([dict(FULL, vhost="xmsqa1_store2")], [], ["xmsqa1_store2"], WANTED, []),
    ([dict(FULL, vhost="/")], [], [], WANTED, ["/"]),
])
def test_plan_permissions(current, retained, deleted, to_set, to_delete):
    _before, after, got_set, got_delete = org_mod.plan_permissions(current, WANTED, retained, deleted)
    assert (got_set, got_delete) == (to_set, to_delete)
    assert set(after) == set(WANTED) | set(retained)


# --- handlers on an in-memory management API ------------------------------------------------------

class FakeAPI(ManagementAPI):
    """The management API's answers from in-memory state; records every request."""

    def __init__(self, vhosts=("/",), users=None, permissions=None, topic=None):
        super(FakeAPI, self).__init__("https://broker.example:443", "admin", ADMIN_PW, "mq-POS-01")
        self.vhosts = list(vhosts)
        self.users = dict(users or {})
        self.permissions = dict(permissions or {})   # (vhost, user) -> perms
        self.topic = dict(topic or {})
        self.calls = []

    def writes(self):
        return [call for call in self.calls if call[0] != "GET"]

    def request(self, method, api_path, body=None):
        self.calls.append((method, api_path, body))
        parts = [urllib.parse.unquote(part) for part in api_path.split("/")[2:]]
        if parts == ["vhosts"]:
            return 200, [{"name": name} for name in self.vhosts]
        if parts[0] == "vhosts" and method == "PUT":
            self.vhosts.append(parts[1])
            return 201, None
        if parts[0] == "vhosts" and method == "DELETE":
            self.vhosts.remove(parts[1])
            for key in [key for key in self.permissions if key[0] == parts[1]]:
                del self.permissions[key]
            return 204, None
        if parts[0] == "users" and len(parts) == 3:
            table = self.permissions if parts[2] == "permissions" else self.topic
            return 200, [dict(perms, vhost=vhost, user=user) for (vhost, user), perms in sorted(table.items()) if user == parts[1]]
        if parts[0] == "users" and method == "GET":
            if parts[1] not in self.users:
                raise urllib.error.HTTPError(api_path, 404, "Not Found", {}, io.BytesIO(b'{"error":"Object Not Found"}'))
            return 200, dict(self.users[parts[1]], name=parts[1])
        if parts[0] == "users" and method == "PUT":
            if "password" in body:
                self.users[parts[1]] = {"password_hash": rabbit_hash(body["password"], b"salt", hashlib.sha256),
                                        "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": body["tags"]}
            else:
                self.users[parts[1]] = dict(body)
            return 201, None
        if parts[0] == "users" and method == "DELETE":
            del self.users[parts[1]]
            return 204, None
        if parts[0] == "permissions" and method == "PUT":
            self.permissions[(parts[1], parts[2])] = dict(body)
            return 201, None
        if parts[0] == "permissions" and method == "DELETE":
            del self.permissions[(parts[1], parts[2])]
            return 204, None
        if parts[0] == "topic-permissions" and method == "DELETE":
            del self.topic[(parts[1], parts[2])]
            return 204, None
        raise AssertionError("unexpected request %s %s" % (method, api_path))


def sha256_user(password, tags=""):
    return {"password_hash": rabbit_hash(password, b"salt", hashlib.sha256),
            "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": tags}


@pytest.mark.parametrize("check_mode", [True, False])
def test_new_user_is_created_with_the_password_and_no_tags(check_mode):
    api = FakeAPI()
    changed, before, after = org_mod.ensure_user(api, "rms_xmsqa1", ORG_PW, check_mode)
    assert (changed, before, after["exists"], after["tags"]) == (True, {"exists": False}, True, [])
    assert bool(api.writes()) is not check_mode
    if not check_mode:
        assert api.writes() == [("PUT", "/api/users/rms_xmsqa1", {"password": ORG_PW, "tags": ""})]


def test_same_password_no_tags_is_no_write():
    api = FakeAPI(users={"rms_xmsqa1": sha256_user(ORG_PW)})
    assert org_mod.ensure_user(api, "rms_xmsqa1", ORG_PW, False)[0] is False
    assert api.writes() == []


def test_changed_password_is_set_again_and_reported_without_any_hash():
    api = FakeAPI(users={"rms_xmsqa1": sha256_user("old-password")})
    changed, before, after = org_mod.ensure_user(api, "rms_xmsqa1", ORG_PW, False)
    assert changed and before["password"] == org_mod.PASSWORD_DIFFERS and after["password"] == org_mod.PASSWORD_MATCHES
    assert api.writes() == [("PUT", "/api/users/rms_xmsqa1", {"password": ORG_PW, "tags": ""})]
    assert "hash" not in json.dumps([before, after])


def test_tags_alone_are_removed_keeping_the_password_hash():
    stored = sha256_user(ORG_PW, tags=["administrator"])
    api = FakeAPI(users={"rms_xmsqa1": stored})
    changed, before, after = org_mod.ensure_user(api, "rms_xmsqa1", ORG_PW, False)
    assert changed and before["tags"] == ["administrator"] and after["tags"] == []
    body = {"password_hash": stored["password_hash"], "hashing_algorithm": stored["hashing_algorithm"], "tags": ""}
    assert api.writes() == [("PUT", "/api/users/rms_xmsqa1", body)]


def test_permissions_on_other_vhosts_are_removed_and_own_set():
    api = FakeAPI(vhosts=["/", "xmsqa1", "xmsqa2"], users={"rms_xmsqa1": sha256_user(ORG_PW)},
                  permissions={("xmsqa2", "rms_xmsqa1"): FULL, ("xmsqa1", "rms_xmsqa1"): FULL, ("xmsqa2", "rms_xmsqa2"): FULL})
    changed, before, after = org_mod.ensure_permissions(api, "rms_xmsqa1", ["xmsqa1"], [], [], False, True)
    assert changed and set(before) == {"xmsqa1", "xmsqa2"} and after == {"xmsqa1": FULL}
    assert [call[:2] for call in api.writes()] == [("DELETE", "/api/permissions/xmsqa2/rms_xmsqa1")]
    assert ("xmsqa2", "rms_xmsqa2") in api.permissions


def test_topic_permissions_on_other_vhosts_are_removed():
    api = FakeAPI(topic={("xmsqa2", "rms_xmsqa1"): {"exchange": "x"}, ("xmsqa1", "rms_xmsqa1"): {"exchange": "x"}})
    changed, before, after = org_mod.ensure_topic_permissions(api, "rms_xmsqa1", {"xmsqa1"}, [], False, True)
    assert (changed, before, after) == (True, ["xmsqa1", "xmsqa2"], ["xmsqa1"])
    assert [call[:2] for call in api.writes()] == [("DELETE", "/api/topic-permissions/xmsqa2/rms_xmsqa1")]


def test_vhost_names_are_quoted_whole():
    api = FakeAPI()
    api_calls.put_vhost(api, "a/b c")
    assert api.calls[-1][1] == "/api/vhosts/a%2Fb%20c"


class Ctx:
    def __init__(self, params, check_mode=False):
        self.params = dict(dict(state="present", prune=False, sites=[], org="xmsqa1", broker="mq-POS-01", environment="qa"), **params)
        self.check_mode = check_mode
        self.diff = self._diff = True
        self.no_log_values = set()


@pytest.mark.parametrize("check_mode", [True, False])
def test_present_on_an_empty_broker(monkeypatch, check_mode):
    api = FakeAPI()
    monkeypatch.setattr(org_mod, "org_password", lambda ctx, api: (ORG_PW, "fusion-pos/qa/xmsqa1/rabbitmq"))
    tracker = org_mod.DifferenceTracker()
    result = org_mod.present(Ctx({"sites": ["store1"]}, check_mode), api, tracker)
    assert tracker.changed_items() == ["vhosts", "user", "permissions"]
    assert result["vhosts"] == WANTED
    if check_mode:
        assert api.writes() == []
    else:
        assert sorted(api.vhosts) == ["/"] + WANTED
        assert set(api.permissions) == set((vhost, "rms_xmsqa1") for vhost in WANTED)
        again = org_mod.DifferenceTracker()
        api.calls = []
        org_mod.present(Ctx({"sites": ["store1"]}), api, again)
        assert again.changed is False and api.writes() == []


def test_absent_removes_only_the_orgs_vhosts_and_user(monkeypatch):
    api = FakeAPI(vhosts=EXISTING, users={"rms_xmsqa1": sha256_user(ORG_PW), "rms_xmsqa2": sha256_user("x")})
    tracker = org_mod.DifferenceTracker()
    org_mod.absent(Ctx({"state": "absent"}), api, tracker)
    assert sorted(set(EXISTING) - set(api.vhosts)) == ["xmsqa1", "xmsqa1_corp", "xmsqa1_store2"]
    assert list(api.users) == ["rms_xmsqa2"]


# --- validation (no AWS call, no API call) ------------------------------------------------------

@pytest.mark.parametrize("params, message", [
    ({"sites": ["Store-1"]}, "invalid site ID 'Store-1'"),
    ({"broker": "mq-pos-1"}, "invalid broker name 'mq-pos-1'"),
    ({"org": "XMS"}, "invalid org ID 'XMS'"),
    ({"state": "absent", "environment": "production"}, "state=absent is refused in environment production"),
    ({"state": "absent", "environment": "staging"}, "state=absent is refused in environment staging"),
])
def test_bad_inputs_fail_before_any_call(params, message):
    with pytest.raises((NamingError, FusionModuleError), match=message):
        org_mod.validate(Ctx(params).params)


# --- the API client's error lines ----------------------------------------------------------------

class RaisingOpener:
    def __init__(self, *errors):
        self.errors = list(errors)
        self.opened = 0

    def open(self, _req, timeout=None):  # pylint: disable=unused-argument
        self.opened += 1
        raise self.errors.pop(0) if len(self.errors) > 1 else self.errors[0]


def http_error(code, body=b"{}"):
    return urllib.error.HTTPError("https://broker.example/api/vhosts", code, "x", {}, io.BytesIO(body))


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr(api_calls, "backoff_delays", lambda: iter([0.0] * 3))
    monkeypatch.setattr(api_calls.time, "sleep", lambda _delay: None)


@pytest.mark.parametrize("error, text", [
    (http_error(401), "refused the admin credentials of user admin (from secret fusion-pos/qa/mq-POS-01/admin) (HTTP 401)"),
    (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "cannot reach the management API at https://broker.example"),
    (urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed")), "TLS failure"),
    (http_error(403, b'{"error":"not_authorised","reason":"Not management user"}'), "HTTP 403 Not management user"),
])
def test_one_clear_line_per_failure_without_password(no_sleep, error, text):  # pylint: disable=unused-argument,redefined-outer-name
    api = ManagementAPI("https://broker.example", "admin", ADMIN_PW, "mq-POS-01",
                        credentials_source="secret fusion-pos/qa/mq-POS-01/admin", opener=RaisingOpener(error))
    with pytest.raises(RabbitMQAPIError) as caught:
        api_calls.list_vhosts(api)
    message = str(caught.value)
    assert message.startswith("broker mq-POS-01: ") and text in message
    assert ADMIN_PW not in message and "\n" not in message


def test_5xx_and_connection_errors_are_retried_then_succeed(no_sleep):  # pylint: disable=unused-argument,redefined-outer-name
    class Answer:
        status = 200

        def read(self):
            return b'[{"name": "/"}]'

        def close(self):
            return None

    class Flaky:
        opened = 0

        def open(self, _req, timeout=None):  # pylint: disable=unused-argument
            self.opened += 1
            if self.opened == 1:
                raise http_error(503)
            if self.opened == 2:
                raise urllib.error.URLError(ConnectionResetError(104, "reset"))
            return Answer()

    opener = Flaky()
    api = ManagementAPI("https://broker.example", "admin", ADMIN_PW, "mq-POS-01", opener=opener)
    assert api_calls.list_vhosts(api) == ["/"] and opener.opened == 3


def test_an_unreachable_broker_gets_few_tries(no_sleep):  # pylint: disable=unused-argument,redefined-outer-name
    opener = RaisingOpener(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")))
    api = ManagementAPI("https://broker.example", "admin", ADMIN_PW, "mq-POS-01", opener=opener)
    with pytest.raises(RabbitMQAPIError, match="cannot reach"):
        api_calls.list_vhosts(api)
    assert opener.opened == api_calls.CONNECTION_TRIES


@pytest.mark.parametrize("error", [
    urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed")),
    http_error(400, b'{"error":"bad_request","reason":"x"}'),
])
def test_tls_failures_and_4xx_are_not_retried(no_sleep, error):  # pylint: disable=unused-argument,redefined-outer-name
    opener = RaisingOpener(error)
    api = ManagementAPI("https://broker.example", "admin", ADMIN_PW, "mq-POS-01", opener=opener)
    with pytest.raises(RabbitMQAPIError):
        api_calls.list_vhosts(api)
    assert opener.opened == 1


@pytest.mark.parametrize("url, text", [
    ("https://admin:%s@broker.example" % ADMIN_PW, "must not hold credentials"),
    ("ftp://broker.example", r"is not an http\(s\) URL"),
    ("", r"is not an http\(s\) URL"),
])
def test_bad_management_urls(url, text):
    with pytest.raises(RabbitMQAPIError, match=text) as caught:
        ManagementAPI(url, "admin", ADMIN_PW, "mq-POS-01")
    assert ADMIN_PW not in str(caught.value)


# --- TLS: verification on, ca_bundle for a private CA (a loopback HTTPS server, no broker) --------

@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    import http.server  # pylint: disable=import-outside-toplevel
    import shutil  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import threading  # pylint: disable=import-outside-toplevel

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    tmp = tmp_path_factory.mktemp("tls")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # pylint: disable=invalid-name
            payload = b'[{"name": "/"}]'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args):  # pylint: disable=arguments-differ
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "https://127.0.0.1:%d" % httpd.server_address[1], str(cert)
    httpd.shutdown()
    httpd.server_close()


def test_a_private_ca_is_refused_without_ca_bundle(https_server):  # pylint: disable=redefined-outer-name
    url, _cert = https_server
    api = ManagementAPI(url, "admin", ADMIN_PW, "mq-POS-01")
    with pytest.raises(RabbitMQAPIError, match="broker mq-POS-01: TLS failure talking to the management API at https://127.0.0.1:.*set ca_bundle"):
        api_calls.list_vhosts(api)


def test_ca_bundle_trusts_the_private_ca(https_server):  # pylint: disable=redefined-outer-name
    url, cert = https_server
    assert api_calls.list_vhosts(ManagementAPI(url, "admin", ADMIN_PW, "mq-POS-01", ca_bundle=cert)) == ["/"]
