"""Fleet drift report: tools/drift [-i INVENTORY] [--jsonl FILE] [--limit PATTERN] [-e VAR=VALUE ...]

(tools/drift runs this file with the .venv Python.)

Runs ``provision.yml -e org=orgs`` and ``shared.yml`` of one inventory (default: ansible.cfg's,
the sandbox) with ``--check --diff``, so nothing is written, and reports every result that would
change something: one row per org (the host; ``localhost`` for shared infrastructure) and
resource, saying what differs (the module's ``changes``, else the keys its diff shows changing).
Rows stream as results arrive: a table for people on stdout and, with ``--jsonl FILE`` (``-`` for
stdout instead of the table), JSON lines for machines:
``{"playbook", "org", "resource", "task", "differs"}``.
Exit code (Terraform's ``plan -detailed-exitcode`` convention): 0 no drift, 2 drift, 1 error (a
failed or unreachable host, a refused run, a playbook that could not run).
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
PLAYBOOKS = (("provision.yml", ["-e", "org=orgs"]), ("shared.yml", []))
COLUMNS = (("ORG", 12), ("PLAYBOOK", 14), ("RESOURCE", 44))


def parse(argv):
    parser = argparse.ArgumentParser(prog="tools/drift", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("-i", "--inventory", help="inventory (default: ansible.cfg's)")
    parser.add_argument("--limit", help="ansible-playbook --limit")
    parser.add_argument("-e", "--extra-vars", action="append", default=[], help="extra variables (repeatable)")
    parser.add_argument("--jsonl", help="also write JSON lines to FILE ('-': to stdout, instead of the table)")
    return parser.parse_args(argv)


def table_row(values):
    cells = ["%-*s" % (width, value) for (_name, width), value in zip(COLUMNS, values)]
    return "  ".join(cells + [values[-1]]).rstrip()


def command(playbook, extra, args):
    cmd = [str(ROOT / ".venv" / "bin" / "ansible-playbook"), str(ROOT / playbook), "--check", "--diff"] + extra
    if args.inventory:
        cmd += ["-i", args.inventory]
    if args.limit:
        cmd += ["--limit", args.limit]
    for item in args.extra_vars:
        cmd += ["-e", item]
    return cmd


def run(argv):
    args = parse(argv)
    env = dict(os.environ)
    env.update(ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="fusion_drift",
               ANSIBLE_CALLBACK_PLUGINS=str(ROOT / "tools" / "drift_callback"), ANSIBLE_NOCOLOR="1")
    jsonl = None
    if args.jsonl and args.jsonl != "-":
        jsonl = open(args.jsonl, "w")  # pylint: disable=consider-using-with
    table = args.jsonl != "-"
    drift = error = False
    if table:
        print(table_row([name for name, _width in COLUMNS] + ["WHAT DIFFERS"]), flush=True)
    try:
        for playbook, extra in PLAYBOOKS:
            errors = tempfile.TemporaryFile("w+")  # pylint: disable=consider-using-with
            proc = subprocess.Popen(command(playbook, extra, args), cwd=str(ROOT), env=env,  # pylint: disable=consider-using-with
                                    stdout=subprocess.PIPE, stderr=errors, text=True)
            for line in proc.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue  # warnings and anything else that is not one of our lines
                kind = event.pop("kind", None)
                if kind not in ("drift", "error"):
                    continue
                if kind == "drift":
                    drift = True
                    row = dict(playbook=event["playbook"], org=event["org"], resource=event["resource"],
                               task=event["task"], differs=event["differs"])
                    text = table_row([row["org"], row["playbook"], row["resource"], ", ".join(row["differs"])])
                else:
                    error = True
                    row = dict(playbook=event["playbook"], org=event["org"], task=event["task"], error=event["msg"])
                    text = table_row([row["org"], row["playbook"], "ERROR in " + row["task"], row["error"]])
                if table:
                    print(text, flush=True)
                for handle in (jsonl, sys.stdout if not table else None):
                    if handle:
                        handle.write(json.dumps(row, sort_keys=True) + "\n")
                        handle.flush()
            returncode = proc.wait()
            errors.seek(0)
            stderr = errors.read()
            errors.close()
            if returncode != 0:
                error = True
                if stderr.strip():
                    sys.stderr.write(stderr)
    finally:
        if jsonl:
            jsonl.close()
    if error:
        return 1
    return 2 if drift else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
