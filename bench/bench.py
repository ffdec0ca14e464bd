#!/usr/bin/env python
"""fusion.pos benchmark: wall time, module runs and AWS calls per org, against the local emulator.

    .venv/bin/python bench/bench.py [--orgs 1,20] [--scenarios s3_stock,s3_fusion,...] [--forks 10]

Scenarios (``--scenarios``, comma-separated; default: all of them):
  provision_stock                          provision.yml's per-org AWS work with the stock amazon.aws
                                           modules (bench/playbooks/provision_stock.yml), for each --orgs count
  provision                                provision.yml for each --orgs count, on a temporary copy of
                                           inventories/ whose sandbox holds exactly the generated orgs
  floor                                    the same AWS calls from a bare boto3 script (bench/floor.py)
  provision_rabbitmq                       provision.yml with its RabbitMQ step against a real RabbitMQ
                                           (the node of the tests), to price that step per org
  s3_stock, s3_fusion, s3_fusion_one_task  the per-org S3 work only (bench/playbooks/), for each --orgs count
  shared                                   shared.yml on the sandbox inventory (no orgs: one row per run)

The default runs provision_stock, provision and floor at 1, 20 and 100 orgs, side by side, and
prints their ratios; ``--scenarios all`` adds the S3-only and shared.yml scenarios.

Every scenario (and every org count of it) runs on a freshly emptied emulator: a dry run
(``--check`` on the empty account, fusion scenarios only; must write nothing), a first run (creates
everything), then a re-run (checks everything; must write nothing). AWS calls are counted by the
emulator's request recorder (what really reached it), split into reads and writes; module runs are
the task executions on hosts that ran a module (skipped tasks and controller-only actions not
counted), over all hosts of the run (so a once-per-run task on localhost is spread over the orgs).
Results are printed as a Markdown table and written to bench/results/latest.md (and latest.json).
A failed run is reported (scenario, phase, failed tasks, the end of the output), the remaining
scenarios still run, and the exit status is 1.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import yaml

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "lib"))
sys.path.insert(0, str(REPO / ".deps"))
import fusion_testlib  # noqa: E402  pylint: disable=wrong-import-position

CONTROLLER_ACTIONS = {
    "set_fact", "ansible.builtin.set_fact", "debug", "ansible.builtin.debug", "assert",
    "ansible.builtin.assert", "fail", "ansible.builtin.fail", "meta", "ansible.builtin.meta",
    "include_tasks", "ansible.builtin.include_tasks", "import_tasks", "include_role",
    "ansible.builtin.include_role", "ansible.builtin.import_role", "ansible.builtin.validate_argument_spec",
    "validate_argument_spec", "ansible.builtin.import_tasks",
    # action plugins of ours that run in the controller's worker, no module process
    "fusion.pos.fusion_inventory_check", "fusion_inventory_check",
    "fusion.pos.fusion_org_step", "fusion_org_step", "fusion.pos.fusion_org_result", "fusion_org_result",
    "fusion.pos.fusion_account_guard", "fusion_account_guard",
    "fusion.pos.fusion_shared_declaration", "fusion_shared_declaration",
}


class BenchFailure(Exception):
    """A run that did not succeed; the message says which and why."""


def org_names(count):
    return ["benchorg%d" % index for index in range(1, count + 1)]


def org_inventory(directory, count, url):
    """An inventory with ``count`` orgs as hosts of group ``orgs`` (for the S3 scenarios)."""
    path = pathlib.Path(directory) / "inventory.yml"
    hosts = dict((name, {}) for name in org_names(count))
    data = {"all": {"children": {"orgs": {"hosts": hosts}}, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}
    path.write_text(yaml.safe_dump(data))
    return path, {"aws_endpoint_url": url}


def is_org_file(path):
    data = yaml.safe_load(path.read_text()) or {}
    return isinstance(data, dict) and "orgs" in data


def provision_inventory(directory, count, url):
    """A copy of inventories/ whose sandbox declares exactly ``count`` generated orgs.

    provision.yml's first play checks every inventory beside the -i one, so the whole tree is
    copied; the sandbox's own org files are left out so that ``-e org=orgs`` means the generated
    orgs only. Each org file follows inventories/sandbox/xmsqa1.yml."""
    root = pathlib.Path(directory) / ("provision-%d" % count) / "inventories"
    if root.exists():
        shutil.rmtree(str(root))
    shutil.copytree(str(REPO / "inventories"), str(root))
    sandbox = root / "sandbox"
    for path in sorted(sandbox.glob("*.yml")):
        if is_org_file(path):
            path.unlink()
    for index, name in enumerate(org_names(count), 1):
        org = {"orgs": {"hosts": {name: {"org_site_title": "Bench Org %d (sandbox)" % index, "org_sites": ["store1"]}}}}
        (sandbox / (name + ".yml")).write_text("---\n" + yaml.safe_dump(org, sort_keys=False))
    return sandbox, {"org": "benchorg1" if count == 1 else "orgs", "aws_endpoint_url": url}


def sandbox_inventory(directory, count, url):  # pylint: disable=unused-argument
    """The sandbox inventory as it is (shared.yml has no orgs)."""
    return REPO / "inventories" / "sandbox", {"aws_endpoint_url": url}


class RabbitMQBroker:
    """A real RabbitMQ node standing in for the broker mq-POS-01 (started on first use, behind a counting proxy)."""

    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        self.server = self.proxy = None

    def ensure(self):
        import rabbitmq_testlib  # pylint: disable=import-outside-toplevel
        if self.server is None:
            why = rabbitmq_testlib.available()
            if why:
                raise BenchFailure("no RabbitMQ for the RabbitMQ scenario: %s" % why)
            self.server = rabbitmq_testlib.RabbitMQServer(self.directory / "rabbitmq").start()
            self.proxy = rabbitmq_testlib.CountingProxy(self.server.management_url)
        self.server.clean()
        return rabbitmq_testlib

    def stop(self):
        if self.proxy is not None:
            self.proxy.stop()
        if self.server is not None:
            self.server.stop()


BROKER = []


def rabbitmq_provision_inventory(directory, count, url):
    """provision_inventory plus the broker mq-POS-01 in the emulator, its admin secret and a real RabbitMQ."""
    if not BROKER:
        BROKER.append(RabbitMQBroker(directory))
    lib = BROKER[0].ensure()
    import boto3  # pylint: disable=import-outside-toplevel
    kwargs = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id=fusion_testlib.TEST_ACCESS_KEY,
                  aws_secret_access_key=fusion_testlib.TEST_SECRET_KEY)
    boto3.client("mq", **kwargs).create_broker(
        BrokerName="mq-POS-01", DeploymentMode="SINGLE_INSTANCE", EngineType="RABBITMQ", EngineVersion="3.13",
        HostInstanceType="mq.t3.micro", PubliclyAccessible=True, AutoMinorVersionUpgrade=True,
        Users=[{"Username": "admin", "Password": "not-the-local-one-1234"}])
    boto3.client("secretsmanager", **kwargs).create_secret(
        Name="fusion-pos/qa/mq-POS-01/admin", SecretString=json.dumps({"username": lib.ADMIN_USER, "password": lib.ADMIN_PASSWORD}))
    inventory, extra = provision_inventory(directory, count, url)
    extra.update(fusion_rabbitmq_available=True, fusion_broker_management_urls={"mq-POS-01": BROKER[0].proxy.url})
    return inventory, extra


def floor_orgs(directory, count, url):  # pylint: disable=unused-argument
    """No inventory: the floor script takes the org names."""
    return None, {"orgs": org_names(count)}


SCENARIOS = {
    "provision_stock": {"playbook": REPO / "bench/playbooks/provision_stock.yml", "inventory": org_inventory,
                        "label": "stock amazon.aws (caller, iam_user, s3_bucket, s3_object)"},
    "provision_rabbitmq": {"playbook": REPO / "provision.yml", "inventory": rabbitmq_provision_inventory, "dry_run": True,
                           "label": "provision.yml with its RabbitMQ step (a real RabbitMQ for mq-POS-01)", "rabbitmq": True},
    "floor": {"script": REPO / "bench/floor.py", "inventory": floor_orgs,
              "label": "floor: the same calls from a bare boto3 script"},
    "s3_stock": {"playbook": REPO / "bench/playbooks/s3_stock.yml", "inventory": org_inventory,
                 "label": "S3 per org, stock amazon.aws (s3_bucket + s3_object)"},
    "s3_fusion": {"playbook": REPO / "bench/playbooks/s3_fusion.yml", "inventory": org_inventory,
                  "label": "S3 per org, fusion.pos (fusion_s3_bucket + fusion_bucket_policy)"},
    "s3_fusion_one_task": {"playbook": REPO / "bench/playbooks/s3_fusion_one_task.yml", "inventory": org_inventory,
                           "label": "S3 per org, fusion.pos (fusion_s3_bucket with policy_account_id)"},
    "provision": {"playbook": REPO / "provision.yml", "inventory": provision_inventory, "dry_run": True,
                  "label": "provision.yml (IAM user, S3 bucket + policy, secrets)"},
    "shared": {"playbook": REPO / "shared.yml", "inventory": sandbox_inventory, "per_org": False,
               "label": "shared.yml, sandbox (VPC, SGs, RDS, MQ, 1 POS host)"},
}


def count_module_runs(data):
    """``(module runs over all hosts, of which on localhost)``."""
    runs = local = 0
    for play in (data or {}).get("plays", []):
        for task in play.get("tasks", []):
            for host, result in task.get("hosts", {}).items():
                action = result.get("action", "")
                if result.get("skipped") or action in CONTROLLER_ACTIONS:
                    continue
                runs += 1
                local += host == "localhost"
    return runs, local


def failed_tasks(data):
    """``["task (host): message"]`` for every failed task result of a json-callback run."""
    lines = []
    for play in (data or {}).get("plays", []):
        for task in play.get("tasks", []):
            for host, result in task.get("hosts", {}).items():
                if result.get("failed") or result.get("unreachable"):
                    message = result.get("msg") or result.get("message") or result.get("stderr") or ""
                    lines.append("%s (%s): %s" % (task.get("task", {}).get("name", "?"), host, str(message)[:1000]))
    return lines


def run_script(emulator, scenario, extra_vars, what):
    emulator.reset_recording()
    cmd = [sys.executable, str(scenario["script"]), "--endpoint", emulator.url, "--orgs", ",".join(extra_vars["orgs"])]
    start = time.monotonic()
    proc = subprocess.run(cmd, env=fusion_testlib.aws_env(emulator.url), capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise BenchFailure("%s failed (rc %s)\n  %s\n%s" % (what, proc.returncode, " ".join(cmd), proc.stderr[-4000:]))
    calls = emulator.calls()
    writes = sum(1 for call in calls if call.is_write)
    return {"wall": wall, "calls": len(calls), "writes": writes, "reads": len(calls) - writes,
            "modules": 0, "modules_localhost": 0, "changed": 0,
            "write_actions": sorted(set("%s:%s" % (call.service, call.action or call.method) for call in calls if call.is_write))}


def run_once(emulator, scenario, inventory, forks, extra_vars, what, check=False):
    if "script" in scenario:
        return run_script(emulator, scenario, extra_vars, what)
    emulator.reset_recording()
    if scenario.get("rabbitmq"):
        BROKER[0].proxy.reset()
    start = time.monotonic()
    result = fusion_testlib.run_playbook(
        scenario["playbook"], emulator.url, inventory=inventory, extra_vars=extra_vars, check=check,
        env={"ANSIBLE_FORKS": str(forks)})
    wall = time.monotonic() - start
    if result.rc != 0 or result.data is None:
        details = failed_tasks(result.data)
        raise BenchFailure("%s failed (rc %s, %.1f s)\n  ansible-playbook %s -i %s -e '%s'\n%s\n--- end of output ---\n%s" % (
            what, result.rc, wall, scenario["playbook"], inventory, json.dumps(extra_vars),
            "\n".join("  failed: " + line for line in details) if details else "  (no failed task in the JSON output)",
            # with the JSON parsed, its failed tasks are above: the rest of the story is on stderr
            (result.stderr if result.data is not None else result.output)[-4000:]))
    calls = emulator.calls()
    writes = sum(1 for call in calls if call.is_write)
    changed = sum(host.get("changed", 0) for host in result.stats.values())
    api = None
    if scenario.get("rabbitmq"):  # the run is over: nothing writes the proxy's list any more
        api = {"requests": len(BROKER[0].proxy.requests), "writes": len(BROKER[0].proxy.writes())}
        print("  RabbitMQ management API: %(requests)d requests, %(writes)d writes (PUT/DELETE/POST)" % api, file=sys.stderr)
    modules, local = count_module_runs(result.data)
    return {"rabbitmq_api": api, "wall": wall, "calls": len(calls), "writes": writes, "reads": len(calls) - writes,
            "modules": modules, "modules_localhost": local, "changed": changed,
            "write_actions": sorted(set("%s:%s" % (call.service, call.action or call.method) for call in calls if call.is_write))}


def format_table(rows):
    lines = ["| scenario | orgs | run | wall (s) | s/org | module runs/org | AWS calls/org | reads/org | writes/org | changed |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, count, phase, measured in rows:
        if measured is None:
            lines.append("| %s | %s | %s | FAILED (see the output) | | | | | | |" % (label, "-" if count is None else count, phase))
            continue
        if count is None:
            # no orgs: the per-org columns hold the values of the whole run
            lines.append("| %s | - | %s | %s | - | %d (per run) | %d (per run) | %d (per run) | %d (per run) | %d |" % (
                label, phase, wall_text(measured), measured["modules"], measured["calls"], measured["reads"],
                measured["writes"], measured["changed"]))
            continue
        lines.append("| %s | %d | %s | %s | %.2f | %.2f | %.1f | %.1f | %.1f | %d |" % (
            label, count, phase, wall_text(measured), measured["wall"] / count, measured["modules"] / count,
            measured["calls"] / count, measured["reads"] / count, measured["writes"] / count, measured["changed"]))
    return "\n".join(lines)


DEFAULT_SCENARIOS = ("provision_stock", "provision", "floor")


def median_run(runs):
    """One phase's repeats as one row: the run of the median wall time (the lower one of an even
    number), its wall times all listed (``walls``), and the most writes any repeat made (a re-run
    or dry run that wrote once shows it)."""
    ordered = sorted(runs, key=lambda run: run["wall"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["walls"] = [run["wall"] for run in ordered]
    chosen["writes"] = max(run["writes"] for run in runs)
    return chosen


def wall_text(measured):
    """``8.3`` for one run, ``8.3 (7.5-11.3)`` for the median of several and their range."""
    walls = measured.get("walls") or [measured["wall"]]
    if len(walls) == 1:
        return "%.1f" % measured["wall"]
    return "%.1f (%.1f-%.1f)" % (measured["wall"], walls[0], walls[-1])


def load():
    """The 1-minute load average and the number of cores, as a line for the results."""
    try:
        one = os.getloadavg()[0]
    except OSError:
        return "load average unknown"
    return "load average %.2f on %d cores" % (one, os.cpu_count() or 1)


def comparison(rows):
    """Side by side: stock vs provision.yml vs the floor, per org count and phase."""
    found = dict(((label, count, phase), measured) for label, count, phase, measured in rows if measured)
    stock, ours, floor = (SCENARIOS[name]["label"] for name in DEFAULT_SCENARIOS)
    lines = ["| orgs | run | stock (s) | provision.yml (s) | floor (s) | stock / provision.yml | provision.yml / floor |"
             " module processes/org stock / provision.yml | calls/org stock / provision.yml / floor | writes provision.yml |",
             "|---:|---|---:|---:|---:|---:|---:|---|---|---:|"]
    counts = sorted(set(count for _label, count, _phase in found if count is not None))
    for count in counts:
        for phase in ("first run", "re-run"):
            st, us, fl = (found.get((label, count, phase)) for label in (stock, ours, floor))
            if not (st and us and fl):
                continue
            lines.append("| %d | %s | %s | %s | %s | %.1fx | %.1fx | %.2f / %.2f | %.1f / %.1f / %.1f | %d |" % (
                count, phase, wall_text(st), wall_text(us), wall_text(fl), st["wall"] / us["wall"], us["wall"] / fl["wall"],
                st["modules"] / count, us["modules"] / count, st["calls"] / count, us["calls"] / count, fl["calls"] / count,
                us["writes"]))
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", default="1,20,100", help="org counts, comma-separated (default 1,20,100)")
    parser.add_argument("--scenarios", default=",".join(DEFAULT_SCENARIOS),
                        help="comma-separated, from: %s, or all (default: %s)" % (", ".join(SCENARIOS), ",".join(DEFAULT_SCENARIOS)))
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure every scenario and org count this many times, each on a freshly emptied emulator, "
                             "and report the median wall time with the range (default 1)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat takes a positive integer, got %d" % args.repeat)
    try:
        args.counts = [int(item) for item in args.orgs.split(",") if item.strip()]
    except ValueError:
        parser.error("--orgs takes positive integers, comma-separated, got %r" % args.orgs)
    if not args.counts or min(args.counts) < 1:
        parser.error("--orgs takes positive integers, comma-separated, got %r" % args.orgs)
    args.names = [item.strip() for item in args.scenarios.split(",") if item.strip()]
    if args.names == ["all"]:
        args.names = list(SCENARIOS)
    unknown = [name for name in args.names if name not in SCENARIOS]
    if unknown or not args.names:
        parser.error("unknown scenario(s) %s; choose from: %s" % (", ".join(unknown) or "(none given)", ", ".join(SCENARIOS)))
    return args


def main(argv=None):
    args = parse_args(argv)
    rows, failures = [], []
    load_before = load()
    with tempfile.TemporaryDirectory() as tmp:
        emulator = fusion_testlib.Emulator(pathlib.Path(tmp) / "emulator")
        try:
            for name in args.names:
                scenario = SCENARIOS[name]
                per_org = scenario.get("per_org", True)
                for count in (args.counts if per_org else [1]):
                    what = "%s with %s orgs" % (name, count) if per_org else name
                    failed_row = (scenario["label"], count if per_org else None, "first run", None)
                    try:
                        phases = (("dry run",) if scenario.get("dry_run") else ()) + ("first run", "re-run")
                        runs = dict((phase, []) for phase in phases)
                        for repeat in range(args.repeat):
                            emulator.reset()
                            inventory, extra_vars = scenario["inventory"](tmp, count, emulator.url)
                            for phase in phases:
                                failed_row = (scenario["label"], count if per_org else None, phase, None)
                                measured = run_once(emulator, scenario, inventory, args.forks, extra_vars,
                                                    "%s, %s" % (what, phase), check=phase == "dry run")
                                runs[phase].append(measured)
                                print("%-62s %4s orgs %-9s %6.1f s  %4d calls  %3d writes%s" % (
                                    scenario["label"], count if per_org else "-", phase, measured["wall"], measured["calls"],
                                    measured["writes"], "  (repeat %d of %d)" % (repeat + 1, args.repeat) if args.repeat > 1 else ""),
                                    file=sys.stderr)
                                if phase in ("re-run", "dry run") and measured["writes"]:
                                    print("  note: writes on the %s: %s" % (phase, ", ".join(measured["write_actions"])), file=sys.stderr)
                        for phase in phases:
                            rows.append((scenario["label"], count if per_org else None, phase, median_run(runs[phase])))
                    except BenchFailure as exc:
                        rows.append(failed_row)
                        failures.append(str(exc))
                        print("FAILED: %s" % exc, file=sys.stderr)
                    except Exception:  # pylint: disable=broad-except
                        rows.append(failed_row)
                        failures.append("%s: %s" % (what, traceback.format_exc()))
                        print("FAILED: %s:\n%s" % (what, traceback.format_exc()), file=sys.stderr)
        finally:
            emulator.stop()
            for broker in BROKER:
                broker.stop()
    table = "%s\n\n%s\n\nMachine: %s before the benchmark, %s after; forks %d; %s.\n" % (
        format_table(rows), comparison(rows), load_before, load(), args.forks,
        "each figure the median of %d runs (range in brackets)" % args.repeat if args.repeat > 1 else "one run each")
    print(table)
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text(table + "\n")
    (out / "latest.json").write_text(json.dumps(
        [dict(scenario=label, orgs=count, run=phase, failed=measured is None, **(measured or {}))
         for label, count, phase, measured in rows], indent=1))
    if failures:
        print("\n%d run(s) failed:\n%s" % (len(failures), "\n\n".join(failures)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
