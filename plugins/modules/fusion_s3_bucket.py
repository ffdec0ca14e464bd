#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_s3_bucket
short_description: The S3 bucket of a Fusion POS organization
version_added: 0.1.0
description:
  - Makes the S3 bucket of one org exist (or not) exactly as the fusion.pos specification says
    (docs/specification.md section 4) - tag C(OrgId=<org>) plus any extra tags, a public access block
    with C(BlockPublicAcls=true), C(IgnorePublicAcls=true), C(BlockPublicPolicy=false),
    C(RestrictPublicBuckets=false) (public access is limited by the bucket policy, see
    M(fusion.pos.fusion_bucket_policy)), object ownership C(BucketOwnerEnforced) (ACLs disabled)
    and an empty C(pub/) folder object.
  - The bucket is named C(fusion-rms-<org>). When another AWS account owns that global name, the
    first free of five deterministic fallback names C(fusion-rms-<org>-<8 hex digits>) is used and
    reported (RV(fallback)); later runs find it again by its C(OrgId) tag, never creating a second
    bucket.
  - A bucket of this account that carries the name but no C(OrgId) tag is adopted (tagged). A bucket
    of this account tagged with another org's C(OrgId) is never used, changed or deleted; the task
    fails instead.
  - Drift (a changed public access block, a removed tag, a deleted C(pub/) folder, changed object
    ownership) is repaired.
  - The org ID, the name and the tags are validated before any AWS call.
author: fusion.pos contributors (@fusion-pos)
options:
  org:
    description:
      - The org ID. 1 to 40 characters, lower-case letters and digits, starting with a letter.
    type: str
    required: true
  state:
    description:
      - V(present) makes the bucket exist as described; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Use this bucket name instead of the convention name C(fusion-rms-<org>) (and no fallback names).
      - A bucket of this name in this account without an C(OrgId) tag is adopted.
    type: str
  tags:
    description:
      - Extra tags besides C(OrgId=<org>), which is always set from O(org) and cannot be given here
        with another value.
      - Non-string values are turned into strings.
    type: dict
    default: {}
  purge_tags:
    description:
      - Remove the tags that are neither C(OrgId) nor in O(tags).
      - When V(false), tags set by others are kept.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), also delete a bucket that still holds objects besides the C(pub/)
        folder object - every object, every version and every delete marker.
      - Without it such a bucket is left alone and the task fails (only the C(pub/) marker is
        deleted with an otherwise empty bucket).
    type: bool
    default: false
  policy_account_id:
    description:
      - When set, the same run also makes the convention's three bucket-policy statements exist
        (public read on C(pub/*); object and list rights for C(arn:aws:iam::<policy_account_id>:user/rms_<org>)),
        exactly as M(fusion.pos.fusion_bucket_policy) with the
        C(fusion.pos.org_bucket_policy_statements) filter would - statement by statement, compared
        in normal form, statements that others added kept.
      - Saves one module run per org (the C(provision.yml) path); use M(fusion.pos.fusion_bucket_policy)
        for any other statements, for O(fusion.pos.fusion_bucket_policy#module:purge) and for removals.
      - The 12-digit account ID, taken from the caller identity - never a literal.
      - Only with O(state=present).
    type: str
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  check_mode:
    details:
      - Reads the real state and makes no write call; reports the same C(changed) as the real run,
        also in an empty account.
notes:
  - Calls per run on an existing, conforming bucket - C(ListBuckets), C(GetBucketTagging),
    C(GetPublicAccessBlock), C(GetBucketOwnershipControls), C(HeadObject); no write.
  - Right after C(CreateBucket) the follow-up writes retry C(NoSuchBucket) (eventual consistency),
    with a bounded, jittered backoff.
seealso:
  - module: fusion.pos.fusion_bucket_policy
"""

EXAMPLES = r"""
- name: Bucket of org xmsqa1
  fusion.pos.fusion_s3_bucket:
    org: xmsqa1
    tags:
      Environment: qa
  register: org_bucket

- name: Its policy (the name may be a fallback name)
  fusion.pos.fusion_bucket_policy:
    bucket: "{{ org_bucket.bucket }}"
    statements: "{{ org_bucket.bucket | fusion.pos.org_bucket_policy_statements(account_id, 'xmsqa1') }}"

- name: Bucket and the convention's policy statements in one run
  fusion.pos.fusion_s3_bucket:
    org: xmsqa1
    policy_account_id: "{{ caller.account }}"

- name: Make the tags exactly OrgId plus Environment
  fusion.pos.fusion_s3_bucket:
    org: xmsqa1
    tags:
      Environment: qa
    purge_tags: true

- name: Delete the bucket of org xmsqa1 with everything in it
  fusion.pos.fusion_s3_bucket:
    org: xmsqa1
    state: absent
    force: true
"""

RETURN = r"""
bucket:
  description:
    - The name of the org's bucket (the one that would be created in check mode).
    - With O(state=absent), the bucket deleted; V(null) when there was none.
  returned: always
  type: str
  sample: fusion-rms-xmsqa1
changes:
  description: The sub-resources this run changed (in check mode - would change), in the order they are handled.
  returned: always
  type: list
  elements: str
  sample: [bucket, tags, public_access_block, pub_folder, policy]
bucket_arn:
  description: The ARN of RV(bucket).
  returned: always
  type: str
  sample: arn:aws:s3:::fusion-rms-xmsqa1
convention_name:
  description: The convention name C(fusion-rms-<org>).
  returned: always
  type: str
  sample: fusion-rms-xmsqa1
fallback:
  description: Whether RV(bucket) is a fallback name because another AWS account owns the convention name.
  returned: always
  type: bool
  sample: false
created:
  description: Whether the bucket was (in check mode - would be) created by this run.
  returned: always
  type: bool
  sample: true
deleted:
  description: Whether the bucket was (in check mode - would be) deleted by this run.
  returned: always
  type: bool
  sample: false
tags:
  description: The bucket's tags after the run; V(null) with O(state=absent).
  returned: always
  type: dict
  sample: {"OrgId": "xmsqa1", "Environment": "qa"}
public_access_block:
  description: The public access block after the run; V(null) with O(state=absent).
  returned: always
  type: dict
  sample: {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}
object_ownership:
  description: The object ownership after the run; V(null) with O(state=absent).
  returned: always
  type: str
  sample: BucketOwnerEnforced
policy:
  description: The bucket policy after the run, in normal form (only with O(policy_account_id)).
  returned: when O(policy_account_id) is set
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Sid": "FusionPublicReadPub", "Effect": "Allow"}]}
diff:
  description:
    - Before and after of every sub-resource (C(bucket), C(tags), C(public_access_block),
      C(object_ownership), C(pub_folder), C(policy) with O(policy_account_id); with O(state=absent) C(bucket) - its C(name) and
      C(object_versions), the number of object versions and delete markers deleted with it - and C(tags)).
  returned: with --diff
  type: dict
  sample: {"before": {"bucket": null, "tags": null}, "after": {"bucket": "fusion-rms-xmsqa1", "tags": {"OrgId": "xmsqa1"}}}
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._s3_bucket import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_s3_bucket.py (shared with the org step).
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
