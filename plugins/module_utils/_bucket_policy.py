# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The work of ``fusion.pos.fusion_bucket_policy``: a bucket policy managed statement by statement.

Statements are matched by ``Sid``; both sides are compared in the normal form of ``_policy``, so an
equivalent policy is no change and no write. Statements that others added stay unless ``purge``.
A policy left without statements is deleted, never written empty.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils import _policy
from ansible_collections.fusion.pos.plugins.module_utils import _s3
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionAWSError, FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

EFFECTS = ("Allow", "Deny")


class PolicySpec:
    """The validated inputs (built before any client exists)."""

    def __init__(self, params):
        self.bucket = _naming.check_bucket_name(params["bucket"])
        self.state = params.get("state") or "present"
        self.purge = bool(params.get("purge"))
        if self.purge and self.state == "absent":
            raise FusionModuleError("purge applies to state=present only (state=absent removes the statements listed)")
        self.statements = validate_statements(params.get("statements") or [], self.state == "present")

    @property
    def sids(self):
        return [item["Sid"] for item in self.statements]


def validate_statements(statements, complete):
    """The statements, each a mapping with a unique non-empty ``Sid``.

    ``complete``: each must also be a whole statement (Effect, Action or NotAction, Resource or
    NotResource, a principal that normalises); for state=absent ``{Sid: X}`` is enough.
    """
    seen = set()
    for index, statement in enumerate(statements, 1):
        if not isinstance(statement, dict):
            raise FusionModuleError("statement %d: a policy statement must be a mapping, got %r" % (index, statement))
        sid = statement.get("Sid")
        if not isinstance(sid, str) or not sid.strip():
            raise FusionModuleError("statement %d has no Sid: every statement needs a unique, non-empty Sid" % index)
        if sid in seen:
            raise FusionModuleError("statement %d: duplicate Sid %r: every statement needs a unique Sid" % (index, sid))
        seen.add(sid)
        if complete:
            _check_complete(statement, sid)
    return list(statements)


def _check_complete(statement, sid):
    if statement.get("Effect") not in EFFECTS:
        raise FusionModuleError("statement %s: Effect must be Allow or Deny, got %r" % (sid, statement.get("Effect")))
    if "Action" not in statement and "NotAction" not in statement:
        raise FusionModuleError("statement %s: needs Action or NotAction" % sid)
    if "Resource" not in statement and "NotResource" not in statement:
        raise FusionModuleError("statement %s: needs Resource or NotResource" % sid)
    if statement.get("Principal") is None and statement.get("NotPrincipal") is None:
        raise FusionModuleError("statement %s: a bucket policy statement needs Principal or NotPrincipal" % sid)
    try:
        _policy.normalize_statement(statement)
    except ValueError as exc:
        raise FusionModuleError("statement %s: %s" % (sid, exc))


def _statement_list(policy):
    statements = (policy or {}).get("Statement") or []
    return [statements] if isinstance(statements, dict) else list(statements)


def _by_sid(normal_policy):
    return dict((item.get("Sid"), item) for item in (normal_policy or {}).get("Statement", []) if item.get("Sid"))


def _normalize(policy, bucket, partition):
    try:
        return _policy.normalize_policy(policy, partition)
    except ValueError as exc:
        raise FusionModuleError("bucket %s: cannot compare the bucket policy: %s" % (bucket, exc))


def read_policy(s3, spec, check_mode):
    """``(exists, policy)``; a missing bucket is an error except in check mode."""
    try:
        return True, _s3.get_bucket_policy(s3, spec.bucket)
    except FusionAWSError as exc:
        if exc.code != "NoSuchBucket":
            raise
        if check_mode or spec.state == "absent":
            return False, None
        raise FusionModuleError("bucket %s: cannot manage its policy: the bucket does not exist "
                                "(create it first with fusion.pos.fusion_s3_bucket)" % spec.bucket)


def desired_policy(current, spec, partition):
    """The policy document after the run; None when no statement is left."""
    statements = _statement_list(current)
    if spec.state == "present":
        statements = _policy.merge_statements(statements, spec.statements, spec.purge, partition)
    else:
        statements = _policy.remove_statements(statements, spec.sids)
    if not statements:
        return None
    policy = dict(current) if current else {"Version": _policy.POLICY_VERSION}
    policy["Statement"] = statements
    return policy


def handle_policy(s3, spec, current, bucket_exists, check_mode):
    """``(changed, before, after)`` in normal form, and the document to write (None: delete)."""
    partition = _s3.partition(s3)
    wanted = desired_policy(current, spec, partition)
    before = _normalize(current, spec.bucket, partition)
    after = _normalize(wanted, spec.bucket, partition)
    if before == after:
        return (False, before, after), wanted
    if not check_mode and bucket_exists:
        if wanted is None:
            _s3.delete_bucket_policy(s3, spec.bucket)
        else:
            _s3.put_bucket_policy(s3, spec.bucket, wanted)
    return (True, before, after), wanted


def policy_text(normal_policy):
    """The normal form as indented JSON text for ``--diff`` (whatever the callback's format); None stays None."""
    if normal_policy is None:
        return None
    return json.dumps(normal_policy, indent=4, sort_keys=True) + "\n"


def ensure(module, spec, s3):
    """The ``run_module`` work: everything after validation and client creation."""
    tracker = DifferenceTracker()
    exists, current = read_policy(s3, spec, module.check_mode)
    outcome, _wanted = handle_policy(s3, spec, current, exists, module.check_mode)
    tracker.record("policy", outcome)
    before, after = tracker.before()["policy"], tracker.after()["policy"]
    old, new = _by_sid(before), _by_sid(after)
    result = dict(
        changed=tracker.changed,
        bucket=spec.bucket,
        policy=after,
        sids_added=sorted(sid for sid in new if sid not in old),
        sids_updated=sorted(sid for sid in new if sid in old and new[sid] != old[sid]),
        sids_removed=sorted(sid for sid in old if sid not in new),
    )
    if module._diff:
        header = "s3://%s policy" % spec.bucket
        result["diff"] = dict(before=policy_text(before), after=policy_text(after), before_header=header, after_header=header)
    return result


def validate(params):
    PolicySpec(params)


def work(ctx):
    return ensure(ctx, PolicySpec(ctx.params), ctx.client("s3"))


RESOURCE = Resource(
    "fusion_bucket_policy",
    dict(
        bucket=dict(type="str", required=True),
        statements=dict(type="list", elements="dict", default=[]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        purge=dict(type="bool", default=False),
    ),
    work,
    validate=validate,
)
