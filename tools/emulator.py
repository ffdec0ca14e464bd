#!/usr/bin/env python
"""The local AWS emulator of fusion.pos: moto in server mode, on loopback.

  emulator.py serve --port P            run in the foreground (what `start` runs)
  emulator.py start [--dir D] [--port P] start in the background, wait until it answers,
                                         write D/url and D/pid, print the URL
  emulator.py stop [--dir D]            stop the one started with `start`

Environment understood by `serve`:
  FUSION_EMULATOR_ROOT_CALLER=1   sts:GetCallerIdentity answers an account root ARN (guard tests)
  FUSION_EMULATOR_ACCOUNT_ID=...  the account the emulator plays (moto's MOTO_ACCOUNT_ID)
  MOTO_RECORDER_FILEPATH=...      where the request recorder writes (for counting AWS calls)
"""

import argparse
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.request


def serve(port, port_file=None):
    """Serve until killed. With ``--port 0`` the server binds a free port itself and writes it to
    ``port_file``: no window in which another process could take a port chosen for us."""
    if os.environ.get("FUSION_EMULATOR_ACCOUNT_ID"):
        os.environ["MOTO_ACCOUNT_ID"] = os.environ["FUSION_EMULATOR_ACCOUNT_ID"]
    if os.environ.get("FUSION_EMULATOR_ROOT_CALLER") == "1":
        from moto.sts import models as sts_models

        def root_identity(self, access_key_id, region):  # pylint: disable=unused-argument
            account = os.environ.get("MOTO_ACCOUNT_ID", "123456789012")
            return account, "arn:aws:iam::%s:root" % account, account

        sts_models.STSBackend.get_caller_identity = root_identity
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _host, bound = server.get_host_and_port()
    if port_file:
        tmp = pathlib.Path(port_file + ".tmp")
        tmp.write_text("%d\n" % bound)
        tmp.replace(port_file)
    signal.sigwait([signal.SIGTERM, signal.SIGINT])
    server.stop()


def wait_ready(url, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/moto-api/data.json", timeout=2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def start(state_dir, port, extra_env=None, timeout=90.0):
    state = pathlib.Path(state_dir)
    state.mkdir(parents=True, exist_ok=True)
    port_file = state / "port"
    if port_file.exists():
        port_file.unlink()
    env = dict(os.environ)
    env.setdefault("MOTO_RECORDER_FILEPATH", str(state / "recording.jsonl"))
    env.update(extra_env or {})
    log = open(state / "emulator.log", "ab")  # pylint: disable=consider-using-with
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, os.path.abspath(__file__), "serve", "--port", str(port or 0), "--port-file", str(port_file)],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
    )
    deadline = time.time() + timeout
    while not port_file.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    url = "http://127.0.0.1:%s" % (port_file.read_text().strip() if port_file.exists() else port)
    if proc.poll() is not None or not port_file.exists() or not wait_ready(url, max(1.0, deadline - time.time())):
        proc.kill()
        raise SystemExit("emulator did not start on %s; see %s" % (url, state / "emulator.log"))
    (state / "url").write_text(url + "\n")
    (state / "pid").write_text("%d\n" % proc.pid)
    return proc, url


def stop(state_dir, timeout=15.0):
    """Stop the emulator started with ``start`` and wait (bounded) until it is gone, port closed."""
    pid_file = pathlib.Path(state_dir) / "pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text())
        os.killpg(pid, signal.SIGTERM)
        deadline = time.time() + timeout
        while time.time() < deadline:
            os.killpg(pid, 0)  # raises ProcessLookupError once the whole group is gone
            time.sleep(0.1)
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, ValueError):
        pass
    pid_file.unlink()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve")
    p_serve.add_argument("--port", type=int, required=True)
    p_serve.add_argument("--port-file")
    p_start = sub.add_parser("start")
    p_start.add_argument("--dir", default=".emulator")
    p_start.add_argument("--port", type=int, default=0)
    p_stop = sub.add_parser("stop")
    p_stop.add_argument("--dir", default=".emulator")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.port, args.port_file)
    elif args.command == "start":
        _proc, url = start(args.dir, args.port)
        print(url)
    else:
        stop(args.dir)


if __name__ == "__main__":
    main()
