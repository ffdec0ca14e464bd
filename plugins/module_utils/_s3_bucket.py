# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The work of ``fusion.pos.fusion_s3_bucket``: find the org's bucket, then one handler per sub-resource.

Finding the bucket (as few calls as possible):

1. candidates: the convention name ``fusion-rms-<org>`` and its deterministic fallbacks (or only the
   ``name`` override);
2. one ``ListBuckets(Prefix=<first candidate>)`` tells which candidates this account owns;
3. the ``OrgId`` tag of each owned candidate (usually none or one) decides: ``OrgId=<org>`` is ours;
   no OrgId tag: adopted (tagged); another org's OrgId: refused, never touched;
4. nothing owned: CreateBucket for each candidate in turn until one is made; ``BucketAlreadyExists``
   means another account owns that global name, so the next candidate is tried. Check mode, which
   may not write, asks HeadBucket instead: 404 is free, any other answer is taken.

Handlers return ``(changed, before, after)`` and never write in check mode; a bucket just created is
not read back (its sub-resources are known to be absent or set by CreateBucket).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils import _bucket_policy
from ansible_collections.fusion.pos.plugins.module_utils import _s3
from ansible_collections.fusion.pos.plugins.module_utils import _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionAWSError, FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource

PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": False,
    "RestrictPublicBuckets": False,
}
OBJECT_OWNERSHIP = "BucketOwnerEnforced"
TAGS_MAX = 50  # S3: tags per bucket


class BucketSpec:
    """The validated inputs (built before any client exists)."""

    def __init__(self, params):
        self.org = _naming.validate_org_id(params["org"])
        self.convention_name = _naming.bucket_name(self.org)
        if params.get("name"):
            self.candidates = [_naming.check_bucket_name(params["name"])]
        else:
            self.candidates = [self.convention_name] + _naming.bucket_fallback_names(self.org)
        self.state = params.get("state") or "present"
        self.extra_tags = _tags.validate(params.get("tags"), self.org, limit=TAGS_MAX, what="bucket")
        self.purge_tags = bool(params.get("purge_tags"))
        self.force = bool(params.get("force"))
        self.policy_account_id = None
        if params.get("policy_account_id"):
            if self.state != "present":
                raise FusionModuleError("policy_account_id applies to state=present only")
            self.policy_account_id = _naming.validate_account_id(params["policy_account_id"])

    @property
    def first_choice(self):
        return self.candidates[0]


def org_of(tags):
    """The org a bucket's tags name (``OrgId``; the docs' ``OrgID`` spelling is read too), or None."""
    if _naming.ORG_TAG_KEY in tags:
        return tags[_naming.ORG_TAG_KEY]
    for key, value in tags.items():
        if key.lower() == _naming.ORG_TAG_KEY.lower():
            return value
    return None


def bucket_arn(s3, bucket):
    return "arn:%s:s3:::%s" % (_s3.partition(s3), bucket) if bucket else None


# --- finding the bucket ------------------------------------------------------------------------

def find_owned_bucket(s3, spec, purpose="use"):
    """``(name, tags)`` of the org's bucket in this account, or ``(None, None)``.

    Raises FusionModuleError when the owned candidates carry only another org's OrgId.
    """
    listed = set(_s3.list_bucket_names(s3, spec.first_choice))
    untagged = foreign = None
    for name in [item for item in spec.candidates if item in listed]:
        tags = _s3.get_bucket_tags(s3, name)
        owner = org_of(tags)
        if owner == spec.org:
            return name, tags
        if owner is None:
            untagged = untagged or (name, tags)
        else:
            foreign = foreign or (name, owner)
    if untagged:
        return untagged
    if foreign:
        raise FusionModuleError(
            "bucket %s: refusing to %s it for org %s: this account's bucket of that name is tagged %s=%s "
            "(another org; name collision), so it is left alone" % (foreign[0], purpose, spec.org, _naming.ORG_TAG_KEY, foreign[1]))
    return None, None


# --- handlers: (changed, before, after) --------------------------------------------------------

def handle_existence(s3, spec, found, check_mode):
    """The bucket itself: keep the one found, or create the first free candidate name.

    A real run sends CreateBucket straight away: ``BucketAlreadyExists`` is S3's own answer that
    another account owns the global name, so the next candidate is tried (no HeadBucket first: one
    call per created bucket fewer). Check mode may not write, so there HeadBucket tells which name
    a real run would get.
    """
    if found:
        return False, found, found
    region = s3.meta.region_name
    for name in spec.candidates:
        if check_mode:
            if _s3.bucket_name_is_free(s3, name):
                return True, None, name
            continue  # another account owns this global name
        try:
            _s3.create_bucket(s3, name, region)
        except FusionAWSError as exc:
            if exc.code == "BucketAlreadyExists":  # another account owns this global name
                continue
            raise
        return True, None, name
    if len(spec.candidates) == 1:
        raise FusionModuleError("bucket %s: cannot create a bucket for org %s: another AWS account owns this name"
                                % (spec.first_choice, spec.org))
    raise FusionModuleError(
        "bucket %s: cannot create a bucket for org %s: the name and all %d fallback names belong to other AWS accounts"
        % (spec.first_choice, spec.org, len(spec.candidates) - 1))


def handle_tags(s3, bucket, current, spec, check_mode):
    """``OrgId=<org>`` plus the extra tags; tags not given stay unless purge_tags."""
    desired = _naming.org_tags(spec.org, spec.extra_tags)
    have = dict(current or {})
    after = desired if spec.purge_tags else dict(have, **desired)
    if current is not None and after == have:
        return False, have, have
    if not check_mode:
        _s3.put_bucket_tags(s3, bucket, after)
    return True, current, after


def handle_public_access_block(s3, bucket, created, check_mode):
    current = None if created else _s3.get_public_access_block(s3, bucket)
    if current == PUBLIC_ACCESS_BLOCK:
        return False, current, current
    if not check_mode:
        _s3.put_public_access_block(s3, bucket, PUBLIC_ACCESS_BLOCK)
    return True, current, dict(PUBLIC_ACCESS_BLOCK)


def handle_object_ownership(s3, bucket, created, check_mode):
    if created:  # CreateBucket already set it
        return True, None, OBJECT_OWNERSHIP
    current = _s3.get_object_ownership(s3, bucket)
    if current == OBJECT_OWNERSHIP:
        return False, current, current
    if not check_mode:
        _s3.put_object_ownership(s3, bucket, OBJECT_OWNERSHIP)
    return True, current, OBJECT_OWNERSHIP


def handle_pub_folder(s3, bucket, created, check_mode):
    key = _naming.public_prefix()
    present = False if created else _s3.object_exists(s3, bucket, key)
    if present:
        return False, key, key
    if not check_mode:
        _s3.put_empty_object(s3, bucket, key)
    return True, None, key


# --- deletion ----------------------------------------------------------------------------------

def scan_objects(s3, bucket, stop_at_other):
    """``(marker versions, count of other versions, first other key)`` over all object versions.

    The ``pub/`` marker does not count as content. With ``stop_at_other`` the scan ends at the
    first other key (enough to refuse).
    """
    marker_key = _naming.public_prefix()
    markers, others, first_other = [], 0, None
    key_marker = version_marker = None
    while True:
        items, key_marker, version_marker = _s3.list_object_versions_page(s3, bucket, key_marker, version_marker)
        for key, version in items:
            if key == marker_key:
                markers.append((key, version))
            else:
                others += 1
                first_other = first_other or key
        if key_marker is None or (stop_at_other and others):
            return markers, others, first_other


def delete_in_batches(s3, bucket, items):
    for start in range(0, len(items), _s3.DELETE_BATCH):
        _s3.delete_object_versions(s3, bucket, items[start:start + _s3.DELETE_BATCH])


def empty_bucket(s3, bucket):
    """Delete every object version and delete marker, page by page; the number deleted."""
    deleted = 0
    while True:
        items, _key_marker, _version_marker = _s3.list_object_versions_page(s3, bucket)
        if not items:
            return deleted
        delete_in_batches(s3, bucket, items)
        deleted += len(items)


def handle_deletion(s3, spec, bucket, check_mode):
    """``(changed, before, after)`` of deleting the bucket with its object versions.

    ``before`` is ``{"name": bucket, "object_versions": n}`` (n: versions and delete markers
    deleted, or that would be), ``after`` None.
    Decision: a bucket holding anything but the ``pub/`` marker is refused unless ``force``.
    """
    if spec.force and not check_mode:
        count = empty_bucket(s3, bucket)
    else:
        markers, others, first_other = scan_objects(s3, bucket, stop_at_other=not spec.force)
        if others and not spec.force:
            raise FusionModuleError(
                "bucket %s: refusing to delete it: it holds objects (first: %s) besides the %s marker; "
                "set force=true to delete them with the bucket" % (bucket, first_other, _naming.public_prefix()))
        count = len(markers) + others
        if not check_mode:
            delete_in_batches(s3, bucket, markers)
    if not check_mode:
        _s3.delete_bucket(s3, bucket)
    return True, {"name": bucket, "object_versions": count}, None


# --- the module's work -------------------------------------------------------------------------

def handle_org_policy(s3, spec, bucket, created, check_mode):
    """The convention's statements on the bucket policy, exactly as fusion_bucket_policy makes them.

    Same statements (from ``_naming``), same Sid-by-Sid merge and normal-form comparison
    (``_bucket_policy.handle_policy``): statements that others added stay.
    """
    statements = _naming.org_bucket_policy_statements(bucket, spec.policy_account_id, spec.org, _s3.partition(s3))
    policy_spec = _bucket_policy.PolicySpec({"bucket": bucket, "statements": statements, "state": "present", "purge": False})
    current = None if created else _s3.get_bucket_policy(s3, bucket)
    outcome, _wanted = _bucket_policy.handle_policy(s3, policy_spec, current, not (created and check_mode), check_mode)
    return outcome


def _result(spec, s3, bucket, tracker, created, deleted, tags, pab, ownership, diff):
    result = dict(
        changed=tracker.changed,
        changes=tracker.changed_items(),
        bucket=bucket,
        bucket_arn=bucket_arn(s3, bucket),
        convention_name=spec.convention_name,
        fallback=bool(bucket) and bucket != spec.first_choice,
        created=created,
        deleted=deleted,
        tags=tags,
        public_access_block=pab,
        object_ownership=ownership,
    )
    if diff:
        result["diff"] = tracker.diff(header="s3://%s" % (bucket or spec.first_choice))
    return result


def ensure_present(module, spec, s3):
    check = module.check_mode
    tracker = DifferenceTracker()
    found, current_tags = find_owned_bucket(s3, spec)
    tracker.record("bucket", handle_existence(s3, spec, found, check))
    bucket = tracker.after()["bucket"]
    created = found is None
    tracker.record("tags", handle_tags(s3, bucket, None if created else current_tags, spec, check))
    tracker.record("public_access_block", handle_public_access_block(s3, bucket, created, check))
    tracker.record("object_ownership", handle_object_ownership(s3, bucket, created, check))
    tracker.record("pub_folder", handle_pub_folder(s3, bucket, created, check))
    if spec.policy_account_id:
        tracker.record("policy", handle_org_policy(s3, spec, bucket, created, check))
    after = tracker.after()
    result = _result(spec, s3, bucket, tracker, created, False, after["tags"], after["public_access_block"],
                     after["object_ownership"], module._diff)
    if spec.policy_account_id:
        result["policy"] = after["policy"]
    return result


def ensure_absent(module, spec, s3):
    tracker = DifferenceTracker()
    bucket, tags = find_owned_bucket(s3, spec, purpose="delete")
    if bucket is None:
        tracker.add("bucket", None, None)
        return _result(spec, s3, None, tracker, False, False, None, None, None, module._diff)
    tracker.record("bucket", handle_deletion(s3, spec, bucket, module.check_mode))
    tracker.add("tags", tags, None)
    return _result(spec, s3, bucket, tracker, False, True, None, None, None, module._diff)


def ensure(module, spec, s3):
    """The ``run_module`` work: everything after validation and client creation."""
    if spec.state == "absent":
        return ensure_absent(module, spec, s3)
    return ensure_present(module, spec, s3)


def validate(params):
    BucketSpec(params)


def work(ctx):
    """Everything after validation: the spec (every input checked) first, then the client."""
    spec = BucketSpec(ctx.params)
    return ensure(ctx, spec, ctx.client("s3"))


RESOURCE = Resource(
    "fusion_s3_bucket",
    dict(
        org=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str"),
        tags=dict(type="dict", default={}),
        purge_tags=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        policy_account_id=dict(type="str"),
    ),
    work,
    validate=validate,
)
