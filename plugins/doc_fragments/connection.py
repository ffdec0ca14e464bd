# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # AWS connection options shared by every fusion.pos AWS module.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - The AWS region to use.
      - When not given, the standard AWS environment decides (C(AWS_REGION), C(AWS_DEFAULT_REGION),
        the profile's region), then C(us-east-1).
    type: str
    aliases: [aws_region]
  endpoint_url:
    description:
      - URL to send the AWS API calls to, for example the local AWS emulator.
      - When not given, botocore honours C(AWS_ENDPOINT_URL) and the service-specific
        C(AWS_ENDPOINT_URL_<SERVICE>) variables.
    type: str
    aliases: [aws_endpoint_url]
  access_key:
    description:
      - AWS access key ID. When not given, the standard AWS credential chain is used
        (C(AWS_ACCESS_KEY_ID), the profile, instance roles, ...).
    type: str
    aliases: [aws_access_key_id]
  secret_key:
    description:
      - AWS secret access key, used together with O(access_key).
    type: str
    aliases: [aws_secret_access_key]
  session_token:
    description:
      - AWS session token for temporary credentials.
    type: str
    aliases: [aws_session_token]
  profile:
    description:
      - Named profile from the AWS configuration files. When not given, C(AWS_PROFILE) is honoured.
    type: str
    aliases: [aws_profile]
requirements:
  - python >= 3.9
  - boto3 >= 1.34.0
notes:
  - Throttling and transient AWS errors are retried with full-jitter exponential backoff
    (8 tries by default; C(FUSION_POS_AWS_RETRY_TRIES) changes it).
  - All connection options can be set once for every fusion.pos AWS module with
    C(module_defaults) and the action group C(group/fusion.pos.aws).
"""
