# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""stdout callback of tools/drift: one JSON line per result that would change something, at once.

Not shipped with the collection (tools/ is development and operations tooling). Each line is
``{"kind": "drift", "playbook", "org", "task", "resource", "differs": [...]}`` for a result
that check mode reports as changed, ``{"kind": "error", ...}`` for a failed or unreachable host,
and one ``{"kind": "stats", ...}`` line at the end of the playbook.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: fusion_drift
type: stdout
short_description: JSON lines of the drift found by a check-mode run (tools/drift)
description:
  - One JSON line per changed result (per org and resource, from the module's diff), per failure,
    and the stats at the end.
"""

import json
import os
import sys

from ansible.plugins.callback import CallbackBase

# results of these tasks say what the org steps did as a whole; each org's own result follows
_SKIP_ACTIONS = ("fusion.pos.fusion_org_step", "fusion_org_step")


def _differs(result):
    """What differs, as names: the module's ``changes``, else the diff's keys whose values differ."""
    if result.get("changes"):
        return [str(item) for item in result["changes"]]
    diffs = result.get("diff") or []
    if isinstance(diffs, dict):
        diffs = [diffs]
    names = []
    for diff in diffs:
        before, after = diff.get("before"), diff.get("after")
        if isinstance(before, dict) and isinstance(after, dict):
            names.extend(key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key))
        elif before != after:
            names.append("exists" if before in (None, {}, False, "") or after in (None, {}, False, "") else "value")
    return names or ["changed"]


def _resource(result, task_name):
    diffs = result.get("diff") or []
    if isinstance(diffs, dict):
        diffs = [diffs]
    for diff in diffs:
        if diff.get("before_header"):
            return str(diff["before_header"])
    label = result.get("_ansible_item_label", result.get("item"))
    if label is not None:
        return "%s [%s]" % (task_name, label if isinstance(label, str) else json.dumps(label, sort_keys=True))
    return task_name


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "fusion_drift"

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.playbook = None

    def _emit(self, **line):
        sys.stdout.write(json.dumps(line, sort_keys=True, default=str) + "\n")
        sys.stdout.flush()

    def v2_playbook_on_start(self, playbook):
        self.playbook = os.path.basename(playbook._file_name)  # pylint: disable=protected-access

    def _ok(self, result, item=False):
        res = result._result  # pylint: disable=protected-access
        action = result._task.action  # pylint: disable=protected-access
        if action in _SKIP_ACTIONS or not res.get("changed"):
            return
        if not item and res.get("results"):
            return  # a loop: each item was reported on its own
        task = result._task.get_name()  # pylint: disable=protected-access
        org = result._host.get_name()  # pylint: disable=protected-access
        if isinstance(res.get("steps"), dict):  # provision.yml's one result per org: a row per changed step
            for label, step in res["steps"].items():
                if step.get("changed"):
                    self._emit(kind="drift", playbook=self.playbook, org=org, task="%s: %s" % (task, label),
                               resource=step.get("resource") or label, differs=list(step.get("changes") or ["changed"]))
            return
        self._emit(kind="drift", playbook=self.playbook, org=org, task=task, resource=_resource(res, task), differs=_differs(res))

    def v2_runner_on_ok(self, result):
        self._ok(result)

    def v2_runner_item_on_ok(self, result):
        self._ok(result, item=True)

    def _error(self, result, kind):
        res = result._result  # pylint: disable=protected-access
        if res.get("results"):
            return  # a loop: each failed item was reported on its own
        self._emit(kind="error", playbook=self.playbook, org=result._host.get_name(),  # pylint: disable=protected-access
                   task=result._task.get_name(), msg=str(res.get("msg", kind)))  # pylint: disable=protected-access

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not ignore_errors:
            self._error(result, "failed")

    def v2_runner_item_on_failed(self, result):
        self._error(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._error(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed)
        self._emit(kind="stats", playbook=self.playbook,
                   hosts=dict((host, stats.summarize(host)) for host in hosts))
