#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_rabbitmq_org
short_description: The RabbitMQ virtual hosts, user and permissions of a fusion.pos org on its shared broker
version_added: 0.1.0
description:
  - Makes the RabbitMQ objects of one org exist on its shared Amazon MQ broker C(mq-POS-NN), through the
    RabbitMQ management HTTP API (Amazon MQ offers no C(rabbitmqctl)).
  - Virtual hosts C(<org>) (the hub), C(<org>_corp) and C(<org>_<siteid>) for every site in O(sites).
  - One user C(rms_<org>) without tags, whose password is the one the password manager keeps at
    C(fusion-pos/<environment>/<org>/rabbitmq) (made by the secrets step of C(provision.yml)). The password is
    compared with the user's stored password hash (same algorithm and salt), so it is set only when it differs,
    without logging in as the org and without ever showing a password or hash.
  - Permissions C(.*) (configure, write, read) on the org's declared virtual hosts; the user's permissions and
    topic permissions on any other virtual host are removed.
  - A site taken out of O(sites) keeps its virtual host (and the user's permission there) unless O(prune=true).
    Pruning removes only virtual hosts C(<org>_<site ID>) of this org; never the hub, C(<org>_corp), another
    org's virtual host, or anything Amazon MQ owns (names ending in C(-AWS-OWNED-DO-NOT-DELETE)).
  - The broker must exist in Amazon MQ (made by C(shared.yml)); its management URL is read from the SSM
    parameter C(/fusion-pos/<broker_environment>/<broker>/management-url) that M(fusion.pos.fusion_mq_broker)
    records, unless O(management_url) is given; the admin credentials from the password manager at
    C(fusion-pos/<broker_environment>/<broker>/admin).
  - HTTPS with certificate verification; O(ca_bundle) for a private CA. Plain C(http) only when the URL says so.
  - Exact check mode and C(--diff); a second run makes no write call (no PUT or DELETE).
author: fusion.pos contributors (@fusion-pos)
options:
  org:
    description: The org ID (docs/specification.md section 2).
    type: str
    required: true
  environment:
    description: The org's environment; names the org's password secret C(fusion-pos/<environment>/<org>/rabbitmq).
    type: str
    required: true
    choices: [production, staging, qa, dev, demo]
  broker:
    description: The org's shared broker, C(mq-POS-NN).
    type: str
    required: true
  broker_environment:
    description:
      - The environment the broker was made for by C(shared.yml) (names its admin secret and URL parameter).
      - Defaults to O(environment); set it for a dev or demo org on a broker of the qa estate.
    type: str
    choices: [production, staging, qa, dev, demo]
  sites:
    description: The org's site IDs (lower-case letters and digits, starting with a letter); one vhost C(<org>_<siteid>) each.
    type: list
    elements: str
    default: []
  management_url:
    description:
      - The broker's management API URL (C(https://...)); overrides the URL recorded in SSM.
      - Must not hold credentials.
    type: str
  ca_bundle:
    description: A PEM file of the CA certificates that sign the management endpoint's certificate (a private CA).
    type: path
  management_validate_certs:
    description:
      - Verify the management endpoint's TLS certificate. Leave it on; use O(ca_bundle) for a private CA.
      - Independent of O(validate_certs), which applies to the AWS API calls.
    type: bool
    default: true
  prune:
    description: Remove the site vhosts C(<org>_<site ID>) of this org whose site is no longer in O(sites).
    type: bool
    default: false
  state:
    description:
      - C(present) makes the org's vhosts, user and permissions exist as described.
      - C(absent) removes the org's vhosts (hub and every C(<org>_<site ID>)) and its user, for deprovisioning;
        refused when O(environment) is C(production) or C(staging).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.password_manager
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: Before and after of the org's vhosts, the user (existence, tags, whether its password matches), its permissions.
notes:
  - The password manager options (O(secret_backend)) choose where the org's and the admin's secrets are read;
    this module creates no secret.
"""

EXAMPLES = r"""
- name: RabbitMQ of org xmsqa1 on mq-POS-01
  fusion.pos.fusion_rabbitmq_org:
    org: xmsqa1
    environment: qa
    broker: mq-POS-01
    sites: [store1, store2]

- name: Same, with a private CA and a site removed for good
  fusion.pos.fusion_rabbitmq_org:
    org: xmsqa1
    environment: qa
    broker: mq-POS-01
    sites: [store1]
    prune: true
    ca_bundle: /etc/pki/fusion-ca.pem

- name: Deprovision a dev org's RabbitMQ
  fusion.pos.fusion_rabbitmq_org:
    org: xmsdev9
    environment: dev
    broker_environment: qa
    broker: mq-POS-01
    state: absent
"""

RETURN = r"""
broker:
  description: The broker worked on.
  returned: always
  type: str
  sample: mq-POS-01
management_url:
  description: The management API URL used (from SSM or O(management_url)).
  returned: always
  type: str
  sample: https://b-1234.mq.us-east-1.amazonaws.com
user:
  description: The org's RabbitMQ user.
  returned: always
  type: str
  sample: rms_xmsqa1
vhosts:
  description: The org's declared vhosts (empty when state is absent).
  returned: always
  type: list
  elements: str
  sample: [xmsqa1, xmsqa1_corp, xmsqa1_store1]
retained_vhosts:
  description: Site vhosts of the org no longer declared, kept because O(prune) is false.
  returned: always
  type: list
  elements: str
  sample: [xmsqa1_store9]
pruned_vhosts:
  description: The vhosts removed (or that check mode would remove).
  returned: always
  type: list
  elements: str
  sample: []
password_secret:
  description: Where the org user's password is kept (never the password).
  returned: when state is present
  type: str
  sample: fusion-pos/qa/xmsqa1/rabbitmq
changes:
  description: The parts changed (or that check mode would change).
  returned: always
  type: list
  elements: str
  sample: [vhosts, user, permissions]
resource_actions:
  description: The AWS API actions called (C(service:Operation)); the management API calls are not listed.
  returned: when O(debug_botocore_endpoint_logs=true)
  type: list
  elements: str
  sample: ["mq:ListBrokers", "ssm:GetParameter", "secretsmanager:GetSecretValue"]
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._rabbitmq_org import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_rabbitmq_org.py.
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
