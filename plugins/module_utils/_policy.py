# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalise IAM/S3 policy documents so that equivalent policies compare equal.

Both sides of every comparison go through ``normalize_policy``/``normalize_statement``:

- statement order does not matter (statements are sorted by their canonical JSON);
- ``Action``/``NotAction``/``Resource``/``NotResource`` and condition values: a one-element list
  equals the scalar, order and duplicates do not matter;
- ``Principal: "*"`` equals ``{"AWS": "*"}``; principal lists are sorted;
- an AWS principal given as a 12-digit account ID equals ``arn:<partition>:iam::<id>:root``.

The normal form is also what ``--diff`` shows.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

_LISTY_KEYS = ("Action", "NotAction", "Resource", "NotResource")
_ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
POLICY_VERSION = "2012-10-17"


def _scalar_text(item):
    # JSON spelling for booleans: YAML's false and the policy text "false" mean the same to AWS.
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def _as_sorted_list(value):
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    return sorted(set(_scalar_text(item) for item in items))


def _principal_value(value, partition):
    value = str(value)
    if _ACCOUNT_RE.match(value):
        return "arn:%s:iam::%s:root" % (partition, value)
    return value


def normalize_principal(principal, partition="aws"):
    if principal is None:
        return None
    if principal == "*":
        principal = {"AWS": "*"}
    if not isinstance(principal, dict):
        raise ValueError("a principal must be \"*\" or a mapping, got %r" % (principal,))
    result = {}
    for key, value in principal.items():
        values = _as_sorted_list(value)
        if key == "AWS":
            values = sorted(set(_principal_value(item, partition) for item in values))
        result[key] = values
    return result


def normalize_condition(condition):
    result = {}
    for operator, block in (condition or {}).items():
        if not isinstance(block, dict):
            raise ValueError("condition %s must be a mapping, got %r" % (operator, block))
        result[operator] = dict((key, _as_sorted_list(value)) for key, value in block.items())
    return result


def normalize_statement(statement, partition="aws"):
    """A canonical copy of one policy statement."""
    if not isinstance(statement, dict):
        raise ValueError("a policy statement must be a mapping, got %r" % (statement,))
    result = {}
    for key, value in statement.items():
        if key in _LISTY_KEYS:
            result[key] = _as_sorted_list(value)
        elif key in ("Principal", "NotPrincipal"):
            result[key] = normalize_principal(value, partition)
        elif key == "Condition":
            result[key] = normalize_condition(value)
        else:
            result[key] = value
    return result


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def normalize_statements(statements, partition="aws"):
    normal = [normalize_statement(item, partition) for item in statements or []]
    return sorted(normal, key=canonical_json)


def normalize_policy(policy, partition="aws"):
    """A canonical copy of a whole policy document (a dict or its JSON text); None stays None."""
    if policy is None:
        return None
    if isinstance(policy, str):
        policy = json.loads(policy)
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    result = dict((key, value) for key, value in policy.items() if key != "Statement")
    result["Statement"] = normalize_statements(statements, partition)
    return result


def policies_equal(left, right, partition="aws"):
    return normalize_policy(left, partition) == normalize_policy(right, partition)


def statements_equal(left, right, partition="aws"):
    return normalize_statement(left, partition) == normalize_statement(right, partition)


def merge_statements(current, desired, purge=False, partition="aws"):
    """The statement list after making ``desired`` exist exactly as given (matched by ``Sid``).

    Statements of ``current`` whose Sid is not in ``desired`` stay, unless ``purge``; a changed
    statement keeps its place, new ones are appended.
    """
    wanted = dict((item["Sid"], item) for item in desired)
    result = []
    seen = set()
    for item in current or []:
        sid = item.get("Sid") if isinstance(item, dict) else None
        if sid in wanted:
            if sid not in seen:
                result.append(item if statements_equal(item, wanted[sid], partition) else wanted[sid])
                seen.add(sid)
        elif not purge:
            result.append(item)
    result.extend(item for item in desired if item["Sid"] not in seen)
    return result


def remove_statements(current, sids):
    """The statement list without the statements whose Sid is in ``sids``."""
    sids = set(sids)
    return [item for item in current or [] if not (isinstance(item, dict) and item.get("Sid") in sids)]
