# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One place where ``changed`` and ``--diff`` are decided together.

Every sub-resource handler returns ``(changed, before, after)``; the module records each with
``DifferenceTracker.add()`` and takes both ``changed`` and ``diff`` from the tracker, so the two can
never disagree. ``DifferenceTracker.result()`` builds a module's result from them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy


class DifferenceTracker:
    def __init__(self):
        self._items = []

    def add(self, name, before, after, changed=None):
        """Record sub-resource ``name``; ``changed`` defaults to ``before != after``."""
        if changed is None:
            changed = before != after
        self._items.append((name, copy.deepcopy(before), copy.deepcopy(after), bool(changed)))
        return bool(changed)

    def record(self, name, handler_result):
        """Record the ``(changed, before, after)`` a handler returned; give back ``changed``."""
        changed, before, after = handler_result
        return self.add(name, before, after, changed)

    @property
    def changed(self):
        return any(item[3] for item in self._items)

    def changed_items(self):
        return [item[0] for item in self._items if item[3]]

    def before(self):
        return dict((name, before) for name, before, _after, _changed in self._items)

    def after(self):
        return dict((name, after) for name, _before, after, _changed in self._items)

    def diff(self, header=None):
        """The ``diff`` return value: before/after of every recorded sub-resource."""
        result = {"before": self.before(), "after": self.after()}
        if header:
            result["before_header"] = header
            result["after_header"] = header
        return result

    def result(self, module, header, **values):
        """A module result: ``values``, ``changed`` from the tracker and, under ``--diff``, ``diff``."""
        result = dict(values, changed=self.changed)
        if module._diff:
            result["diff"] = self.diff(header=header)
        return result
