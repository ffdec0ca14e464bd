"""A real RabbitMQ for the tests: the Debian package's server run as a plain process on loopback.

- ``RabbitMQServer``: one node with its own state directory, its own epmd (started here, so its
  PID is known) and free ports for AMQP, management, distribution and epmd, so it never meets
  another checkout's node. ``start()`` waits for ``rabbitmqctl await_startup``; ``stop()`` stops
  the node and epmd by PID.
- ``CountingProxy``: a small HTTP proxy in front of the management API that counts the requests
  by method (the tests' "zero PUT/DELETE" read-back).
- ``amqp_open()``: a minimal AMQP 0-9-1 handshake (PLAIN login, ``connection.open`` on a vhost),
  enough to tell "may use this vhost" from "refused", without a client library.
"""

import base64
import http.server
import json
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request

RABBITMQ_BIN = pathlib.Path("/usr/lib/rabbitmq/bin")
EPMD_CANDIDATES = ("/usr/bin/epmd",)
ADMIN_USER = "fusion-test-admin"
ADMIN_PASSWORD = "fusion-test-admin-pw-5XqL2"


def available():
    """Why RabbitMQ cannot run here, or None when it can."""
    if not (RABBITMQ_BIN / "rabbitmq-server").exists():
        return "rabbitmq-server is not installed (apt-get install -y rabbitmq-server; tools/test does it)"
    if not any(os.path.exists(path) for path in EPMD_CANDIDATES):
        return "epmd is not installed (Debian package erlang-base)"
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RabbitMQServer:
    """One RabbitMQ node in ``state_dir`` on loopback, on free ports."""

    def __init__(self, state_dir):
        self.state_dir = pathlib.Path(state_dir)
        self.amqp_port = free_port()
        self.management_port = free_port()
        self.dist_port = free_port()
        self.epmd_port = free_port()
        self.nodename = "fusiontest%d@localhost" % os.getpid()
        self.epmd = None
        self.server = None
        self.env = None

    @property
    def management_url(self):
        return "http://127.0.0.1:%d" % self.management_port

    def _environment(self):
        home = self.state_dir / "home"
        home.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "enabled_plugins").write_text("[rabbitmq_management].\n")
        (self.state_dir / "rabbitmq.conf").write_text(
            "listeners.tcp.default = 127.0.0.1:%d\n"
            "management.tcp.ip = 127.0.0.1\n"
            "management.tcp.port = %d\n"
            "loopback_users = none\n"
            "log.console = false\n" % (self.amqp_port, self.management_port))
        env = dict(os.environ)
        env.update({
            "HOME": str(home),
            "RABBITMQ_NODENAME": self.nodename,
            "RABBITMQ_MNESIA_BASE": str(self.state_dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.state_dir / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.state_dir / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.state_dir / "rabbitmq.conf"),
            "RABBITMQ_PID_FILE": str(self.state_dir / "rabbitmq.pid"),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "ERL_EPMD_PORT": str(self.epmd_port),
        })
        return env

    def ctl(self, *args, check=True, timeout=60):
        """``rabbitmqctl -n <node> args...``."""
        cmd = [str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.nodename] + list(args)
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=timeout, check=check)

    def start(self, timeout=90):
        self.env = self._environment()
        epmd = next(path for path in EPMD_CANDIDATES if os.path.exists(path))
        self.epmd = subprocess.Popen([epmd, "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                                     env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        log = open(self.state_dir / "server.out", "wb")  # pylint: disable=consider-using-with
        self.server = subprocess.Popen([str(RABBITMQ_BIN / "rabbitmq-server")], env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True, cwd=str(self.state_dir))
        log.close()
        deadline = time.time() + timeout
        while True:
            if self.server.poll() is not None:
                raise RuntimeError("RabbitMQ exited early (%s): %s" % (self.server.returncode, self.output()))
            done = self.ctl("await_startup", "--timeout", "10", check=False, timeout=30)
            if done.returncode == 0:
                break
            if time.time() > deadline:
                raise RuntimeError("RabbitMQ did not start in %d s: %s %s" % (timeout, done.stderr, self.output()))
            time.sleep(0.5)
        self.ctl("add_user", ADMIN_USER, ADMIN_PASSWORD)
        self.ctl("set_user_tags", ADMIN_USER, "administrator")
        self.ctl("set_permissions", "-p", "/", ADMIN_USER, ".*", ".*", ".*")
        self.ctl("delete_user", "guest", check=False)
        self.wait_for_management(deadline)
        return self

    def output(self):
        try:
            return (self.state_dir / "server.out").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def wait_for_management(self, deadline):
        while True:
            try:
                self.api("GET", "/api/overview")
                return
            except (OSError, urllib.error.URLError):
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    def api(self, method, path, body=None, user=ADMIN_USER, password=ADMIN_PASSWORD):
        """One management API call as ``user``; the decoded JSON answer (None when empty)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.management_url + path, data=data, method=method)
        req.add_header("Authorization", "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode())
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read()
        return json.loads(text) if text else None

    def clean(self):
        """Back to a fresh node: only vhost ``/`` and the admin user."""
        for vhost in self.api("GET", "/api/vhosts"):
            if vhost["name"] != "/":
                self.api("DELETE", "/api/vhosts/" + urllib.request.quote(vhost["name"], safe=""))
        for user in self.api("GET", "/api/users"):
            if user["name"] != ADMIN_USER:
                self.api("DELETE", "/api/users/" + urllib.request.quote(user["name"], safe=""))

    def stop(self):
        if self.server is not None and self.server.poll() is None:
            self.ctl("stop", check=False, timeout=60)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(timeout=10)
        if self.epmd is not None and self.epmd.poll() is None:
            self.epmd.terminate()
            try:
                self.epmd.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.epmd.kill()
        shutil.rmtree(self.state_dir / "mnesia", ignore_errors=True)


class CountingProxy:
    """A plain HTTP proxy to ``target`` (``http://host:port``) that counts requests per method."""

    def __init__(self, target):
        self.target = target.rstrip("/")
        self.requests = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy._lock:
                    proxy.requests.append((self.command, self.path))
                req = urllib.request.Request(proxy.target + self.path, data=body, method=self.command)
                for key in ("Authorization", "Content-Type"):
                    if self.headers.get(key):
                        req.add_header(key, self.headers[key])
                try:
                    with urllib.request.urlopen(req, timeout=30) as resp:
                        status, payload, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
                except urllib.error.HTTPError as exc:
                    status, payload, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_DELETE = do_POST = _forward

            def log_message(self, *_args):  # pylint: disable=arguments-differ
                return

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        with self._lock:
            self.requests = []

    def writes(self):
        with self._lock:
            return [(method, path) for method, path in self.requests if method in ("PUT", "DELETE", "POST")]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# --- a minimal AMQP 0-9-1 client: just enough to open a connection on a vhost --------------------

def _shortstr(text):
    raw = text.encode()
    return struct.pack("B", len(raw)) + raw


def _longstr(raw):
    return struct.pack(">I", len(raw)) + raw


def _read_frame(sock):
    header = b""
    while len(header) < 7:
        chunk = sock.recv(7 - len(header))
        if not chunk:
            raise ConnectionError("the broker closed the connection")
        header += chunk
    frame_type, _channel, size = struct.unpack(">BHI", header)
    payload = b""
    while len(payload) < size + 1:
        chunk = sock.recv(size + 1 - len(payload))
        if not chunk:
            raise ConnectionError("the broker closed the connection")
        payload += chunk
    return frame_type, payload[:-1]


def _method(payload):
    class_id, method_id = struct.unpack(">HH", payload[:4])
    return (class_id, method_id), payload[4:]


def _send_method(sock, class_id, method_id, args):
    payload = struct.pack(">HH", class_id, method_id) + args
    sock.sendall(struct.pack(">BHI", 1, 0, len(payload)) + payload + b"\xce")


def amqp_open(port, user, password, vhost, host="127.0.0.1", timeout=10):
    """Log in as ``user`` and open ``vhost``: ``"ok"``, or the broker's refusal (``"403 ACCESS_REFUSED ..."``)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(b"AMQP\x00\x00\x09\x01")
        try:
            _frame, payload = _read_frame(sock)                      # connection.start
            response = b"\x00" + user.encode() + b"\x00" + password.encode()
            _send_method(sock, 10, 11, _longstr(b"") + _shortstr("PLAIN") + _longstr(response) + _shortstr("en_US"))
            _frame, payload = _read_frame(sock)                      # connection.tune or close
            method, args = _method(payload)
            if method == (10, 50):
                return _close_reason(args)
            channel_max, frame_max, _heartbeat = struct.unpack(">HIH", args[:8])
            _send_method(sock, 10, 31, struct.pack(">HIH", channel_max, frame_max, 0))   # tune-ok
            _send_method(sock, 10, 40, _shortstr(vhost) + _shortstr("") + b"\x00")       # open
            _frame, payload = _read_frame(sock)
            method, args = _method(payload)
            if method == (10, 41):                                   # open-ok
                _send_method(sock, 10, 50, struct.pack(">H", 200) + _shortstr("bye") + struct.pack(">HH", 0, 0))
                return "ok"
            if method == (10, 50):
                return _close_reason(args)
            return "unexpected method %r" % (method,)
        except ConnectionError as exc:
            return "closed: %s" % exc


def _close_reason(args):
    code = struct.unpack(">H", args[:2])[0]
    length = args[2]
    return "%d %s" % (code, args[3:3 + length].decode(errors="replace"))
