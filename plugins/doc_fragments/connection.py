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
    aliases: [aws_access_key_id, aws_access_key]
  secret_key:
    description:
      - AWS secret access key, used together with O(access_key).
    type: str
    aliases: [aws_secret_access_key, aws_secret_key]
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
  validate_certs:
    description:
      - When V(false), the TLS certificates of the AWS endpoints are not verified. Only for a
        test endpoint; prefer O(aws_ca_bundle).
    type: bool
    default: true
  aws_ca_bundle:
    description:
      - A CA bundle to verify the AWS endpoints' certificates with (a private CA in front of AWS).
      - When not given, C(AWS_CA_BUNDLE) is honoured.
    type: path
  aws_config:
    description:
      - botocore C(Config) parameters (for example C(connect_timeout), C(proxies)), merged over the
        collection's own (no botocore retries, since the collection retries itself; 10 s to
        connect, 60 s to read).
    type: dict
  debug_botocore_endpoint_logs:
    description:
      - Return the AWS calls the task made as C(resource_actions) (C(service:Operation)).
      - When not given, C(ANSIBLE_DEBUG_BOTOCORE_LOGS) is honoured.
    type: bool
    default: false
requirements:
  - python >= 3.9
  - boto3 >= 1.34.0
notes:
  - Throttling and transient AWS errors are retried with full-jitter exponential backoff
    (8 tries by default; C(FUSION_POS_AWS_RETRY_TRIES) changes it), and so are lost connections
    and answers (connection closed, read timeout).
  - A create whose answer was lost is never sent blindly again, it first reads what the first
    attempt made (idempotency tokens where the API has them); see docs/idempotency.md.
  - C(FUSION_POS_AWS_READ_TIMEOUT) (default 60 seconds) and C(FUSION_POS_AWS_CONNECT_TIMEOUT)
    (default 10) set the client's timeouts.
  - All connection options can be set once for every fusion.pos AWS module with
    C(module_defaults) and the action group C(group/fusion.pos.aws); they are the options (names,
    aliases, environment variables) of the amazon.aws modules, so the same C(module_defaults) serve
    the amazon.aws and community.aws modules of the group too.
"""
