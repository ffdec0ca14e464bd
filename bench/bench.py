#!/usr/bin/env python
"""fusion.pos benchmark: wall time, module runs and AWS calls per org, against the local emulator.

    .venv/bin/python bench/bench.py [--orgs 1,20] [--scenarios s3_stock,s3_fusion,...] [--forks 10]

Every scenario runs on a freshly emptied emulator: a first run (creates everything), then a
re-run (checks everything; should write nothing). AWS calls are counted by the emulator's request
recorder (what really reached it), split into reads and writes; module runs are the task
executions on hosts that ran a module (skipped tasks and controller-only actions not counted).
Results are printed as a Markdown table and written to bench/results/latest.md.
"""

import argparse
import json
import pathlib
import sys
import tempfile
import time

import yaml

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "lib"))
import fusion_testlib  # noqa: E402  pylint: disable=wrong-import-position

CONTROLLER_ACTIONS = {
    "set_fact", "ansible.builtin.set_fact", "debug", "ansible.builtin.debug", "assert",
    "ansible.builtin.assert", "fail", "ansible.builtin.fail", "meta", "ansible.builtin.meta",
    "include_tasks", "ansible.builtin.include_tasks", "import_tasks", "include_role",
    "ansible.builtin.include_role", "ansible.builtin.import_role", "ansible.builtin.validate_argument_spec",
    "validate_argument_spec", "ansible.builtin.import_tasks",
}


def org_names(count):
    return ["benchorg%d" % index for index in range(1, count + 1)]


def org_inventory(directory, count):
    """An inventory with ``count`` orgs as hosts of group ``orgs`` (for the S3 scenarios)."""
    path = pathlib.Path(directory) / "inventory.yml"
    hosts = dict((name, {}) for name in org_names(count))
    data = {"all": {"children": {"orgs": {"hosts": hosts}}, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}
    path.write_text(yaml.safe_dump(data))
    return path


SCENARIOS = {
    "s3_stock": {"playbook": REPO / "bench/playbooks/s3_stock.yml", "inventory": org_inventory,
                 "label": "S3 per org, stock amazon.aws (s3_bucket + s3_object)"},
    "s3_fusion": {"playbook": REPO / "bench/playbooks/s3_fusion.yml", "inventory": org_inventory,
                  "label": "S3 per org, fusion.pos (fusion_s3_bucket + fusion_bucket_policy)"},
    "s3_fusion_one_task": {"playbook": REPO / "bench/playbooks/s3_fusion_one_task.yml", "inventory": org_inventory,
                           "label": "S3 per org, fusion.pos (fusion_s3_bucket with policy_account_id)"},
}


def count_module_runs(data):
    runs = 0
    for play in (data or {}).get("plays", []):
        for task in play.get("tasks", []):
            for result in task.get("hosts", {}).values():
                action = result.get("action", "")
                if result.get("skipped") or action in CONTROLLER_ACTIONS:
                    continue
                runs += 1
    return runs


def run_once(emulator, scenario, inventory, forks, extra_vars):
    emulator.reset_recording()
    start = time.monotonic()
    result = fusion_testlib.run_playbook(
        scenario["playbook"], emulator.url, inventory=inventory, extra_vars=extra_vars,
        env={"ANSIBLE_FORKS": str(forks)})
    wall = time.monotonic() - start
    if result.rc != 0:
        raise SystemExit("%s failed:\n%s" % (scenario["playbook"], result.output[-4000:]))
    calls = emulator.calls()
    writes = sum(1 for call in calls if call.is_write)
    changed = sum(host.get("changed", 0) for host in result.stats.values())
    return {"wall": wall, "calls": len(calls), "writes": writes, "reads": len(calls) - writes,
            "modules": count_module_runs(result.data), "changed": changed}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", default="1,20")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--forks", type=int, default=10)
    args = parser.parse_args(argv)
    counts = [int(item) for item in args.orgs.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        emulator = fusion_testlib.Emulator(pathlib.Path(tmp) / "emulator")
        try:
            for name in args.scenarios.split(","):
                scenario = SCENARIOS[name]
                for count in counts:
                    emulator.reset()
                    inventory = scenario["inventory"](tmp, count)
                    extra_vars = {"aws_endpoint_url": emulator.url}
                    for phase in ("first run", "re-run"):
                        measured = run_once(emulator, scenario, inventory, args.forks, extra_vars)
                        rows.append((scenario["label"], count, phase, measured))
                        print("%-60s %3d orgs %-9s %6.1f s" % (scenario["label"], count, phase, measured["wall"]),
                              file=sys.stderr)
        finally:
            emulator.stop()
    lines = ["| scenario | orgs | run | wall (s) | s/org | module runs/org | AWS calls/org | reads/org | writes/org | changed |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, count, phase, m in rows:
        lines.append("| %s | %d | %s | %.1f | %.2f | %.1f | %.1f | %.1f | %.1f | %d |" % (
            label, count, phase, m["wall"], m["wall"] / count, m["modules"] / count, m["calls"] / count,
            m["reads"] / count, m["writes"] / count, m["changed"]))
    table = "\n".join(lines)
    print(table)
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text(table + "\n")
    (out / "latest.json").write_text(json.dumps([{"scenario": l, "orgs": c, "run": p, **m} for l, c, p, m in rows], indent=1))


if __name__ == "__main__":
    main()
