#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_bucket_policy
short_description: Statements of an S3 bucket policy, managed by Sid
version_added: 0.1.0
description:
  - Makes the given statements of an S3 bucket policy exist exactly as given (O(state=present)) or
    removes the statements with the given C(Sid)s (O(state=absent)), leaving the statements that
    others added alone unless O(purge) is set.
  - Policies are compared in a normal form, so an equivalent policy is no change and no write -
    statement order, action order, a one-element list versus a scalar, C("*") versus C({"AWS":"*"})
    and a 12-digit account ID versus the account's root ARN do not matter.
  - A policy left without statements is deleted, never written empty. The existing C(Version) and
    C(Id) are kept; a new policy gets C(Version=2012-10-17).
  - The statements of the fusion.pos convention (docs/specification.md section 4.4) come from the filter
    C(fusion.pos.org_bucket_policy_statements).
  - The statements are validated before any AWS call.
author: fusion.pos contributors (@fusion-pos)
options:
  bucket:
    description:
      - The bucket whose policy is managed, for example the C(bucket) that M(fusion.pos.fusion_s3_bucket) returns.
    type: str
    required: true
  statements:
    description:
      - Policy statements, each a mapping with a C(Sid) that is unique in the list.
      - With O(state=present) each must be a whole statement (C(Effect), C(Action) or C(NotAction),
        C(Resource) or C(NotResource), and a principal); with O(state=absent) a mapping with only C(Sid) is enough.
    type: list
    elements: dict
    default: []
  state:
    description:
      - V(present) - the statements exist exactly as given (a statement with the same C(Sid) is
        replaced when it differs).
      - V(absent) - the statements with these C(Sid)s are removed.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), also remove every statement whose C(Sid) is not in O(statements)
        (including statements without a C(Sid)).
      - Not allowed with O(state=absent).
    type: bool
    default: false
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  check_mode:
    details:
      - Reads the real policy and makes no write call. On a bucket that does not exist yet (a dry run
        in an empty account, where the bucket task would create it) it reports what it would write,
        with C(before=null), instead of failing.
notes:
  - One C(GetBucketPolicy) call per run, plus C(PutBucketPolicy) or C(DeleteBucketPolicy) when something changes.
  - Outside check mode, a bucket that does not exist fails the task. With O(state=absent) a missing
    bucket is no change (there is nothing to remove).
seealso:
  - module: fusion.pos.fusion_s3_bucket
"""

EXAMPLES = r"""
- name: Who am I
  amazon.aws.aws_caller_info:
  register: caller

- name: The convention's three statements on the org's bucket
  fusion.pos.fusion_bucket_policy:
    bucket: "{{ org_bucket.bucket }}"
    statements: "{{ org_bucket.bucket | fusion.pos.org_bucket_policy_statements(caller.account, org) }}"

- name: Remove one statement, keep the others
  fusion.pos.fusion_bucket_policy:
    bucket: fusion-rms-xmsqa1
    state: absent
    statements:
      - Sid: FusionPublicReadPub

- name: Exactly these statements and nothing else
  fusion.pos.fusion_bucket_policy:
    bucket: fusion-rms-xmsqa1
    purge: true
    statements:
      - Sid: DenyInsecureTransport
        Effect: Deny
        Principal: "*"
        Action: "s3:*"
        Resource: ["arn:aws:s3:::fusion-rms-xmsqa1", "arn:aws:s3:::fusion-rms-xmsqa1/*"]
        Condition:
          Bool:
            aws:SecureTransport: "false"
"""

RETURN = r"""
bucket:
  description: The bucket.
  returned: always
  type: str
  sample: fusion-rms-xmsqa1
policy:
  description: The policy after the run, in normal form; V(null) when the bucket has no policy.
  returned: always
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Sid": "FusionOrgUserList", "Effect": "Allow",
           "Principal": {"AWS": ["arn:aws:iam::123456789012:user/rms_xmsqa1"]}, "Action": ["s3:ListBucket"],
           "Resource": ["arn:aws:s3:::fusion-rms-xmsqa1"]}]}
sids_added:
  description: The Sids of the statements added.
  returned: always
  type: list
  elements: str
  sample: [FusionOrgUserList]
sids_updated:
  description: The Sids of the statements replaced because they differed.
  returned: always
  type: list
  elements: str
  sample: []
sids_removed:
  description: The Sids of the statements removed (statements without a Sid are not listed).
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description:
    - The policy before and after, in normal form as indented JSON text (V(null) for no policy), so
      that C(--diff) shows JSON whatever the callback's result format.
  returned: with --diff
  type: dict
  sample: {"before": null, "after": "{\n    \"Statement\": [],\n    \"Version\": \"2012-10-17\"\n}\n"}
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._bucket_policy import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_bucket_policy.py (shared with the org step).
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
