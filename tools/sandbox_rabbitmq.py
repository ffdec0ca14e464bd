#!/usr/bin/env python
"""The sandbox's RabbitMQ: a real node standing in for the Amazon MQ broker mq-POS-01 of the emulator.

  sandbox_rabbitmq.py ensure --dir D --endpoint URL --admin-secret NAME   start it if it is not running,
                                         give its admin user the password the emulator's password manager
                                         holds for the broker (so the org step logs in exactly as on Amazon
                                         MQ), print the management URL
  sandbox_rabbitmq.py stop --dir D       stop the node and its epmd (by PID)

tools/sandbox runs it after shared.yml made the broker in the emulator. The node is the Debian
package's server run as a plain process on loopback (the class the tests use,
tests/lib/rabbitmq_testlib.py), with its state in D.
"""

import argparse
import json
import os
import pathlib
import signal
import sys
import urllib.parse

import boto3

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "lib"))
import rabbitmq_testlib  # noqa: E402  pylint: disable=wrong-import-position


def running(state):
    try:
        pid = int((state / "server.pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return (state / "url").exists()


def admin_credentials(endpoint, secret):
    sm = boto3.client("secretsmanager", endpoint_url=endpoint, region_name=os.environ.get("AWS_REGION", "us-east-1"))
    return json.loads(sm.get_secret_value(SecretId=secret)["SecretString"])


def ensure(state, endpoint, secret):
    state.mkdir(parents=True, exist_ok=True)
    if not running(state):
        reason = rabbitmq_testlib.available()
        if reason:
            raise SystemExit("sandbox: no RabbitMQ: %s" % reason)
        server = rabbitmq_testlib.RabbitMQServer(state).start()
        (state / "server.pid").write_text("%d\n" % server.server.pid)
        (state / "epmd.pid").write_text("%d\n" % server.epmd.pid)
        (state / "url").write_text(server.management_url + "\n")
        (state / "node").write_text(json.dumps({"nodename": server.nodename, "env": server.env}))
    node = json.loads((state / "node").read_text())
    server = rabbitmq_testlib.RabbitMQServer(state)
    server.nodename, server.env = node["nodename"], node["env"]
    server.management_port = int((state / "url").read_text().strip().rsplit(":", 1)[1])
    creds = admin_credentials(endpoint, secret)
    try:  # already the broker's admin: nothing to set
        server.api("GET", "/api/whoami", user=creds["username"], password=creds["password"])
        print((state / "url").read_text().strip())
        return
    except (OSError, ValueError):
        pass
    # the broker's admin, as Amazon MQ would have it: the generated password from the password manager,
    # set through the management API as the node's own bootstrap admin (never on a command line)
    name = urllib.parse.quote(creds["username"], safe="")
    try:
        server.api("PUT", "/api/users/" + name, {"password": creds["password"], "tags": "administrator"})
        server.api("PUT", "/api/permissions/%2F/" + name, {"configure": ".*", "write": ".*", "read": ".*"})
    except (OSError, ValueError) as exc:
        raise SystemExit("sandbox: cannot set the broker's admin user on the sandbox RabbitMQ: %s" % type(exc).__name__)
    print((state / "url").read_text().strip())


def stop(state):
    for name in ("server.pid", "epmd.pid"):
        try:
            os.killpg(int((state / name).read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        (state / name).unlink(missing_ok=True)
    (state / "url").unlink(missing_ok=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["ensure", "stop"])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--endpoint")
    parser.add_argument("--admin-secret", default="fusion-pos/qa/mq-POS-01/admin")
    args = parser.parse_args(argv)
    if args.command == "ensure":
        ensure(pathlib.Path(args.dir).resolve(), args.endpoint, args.admin_secret)
    else:
        stop(pathlib.Path(args.dir).resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
