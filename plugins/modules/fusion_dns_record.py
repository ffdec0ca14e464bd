#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_dns_record
short_description: The tenant's DNS record <org>.<pos_domain> in Route 53, pointing at its POS host
version_added: 0.1.0
description:
  - Makes the A record C(<org>.<pos_domain>) (for example C(xmsqa1.fusionPOS.com)) in the Route 53
    hosted zone O(hosted_zone) point at the public IPv4 address of the org's POS host O(pos_host)
    (the one live EC2 instance tagged C(Name=<pos_host>)).
  - The record is read first (C(list_resource_record_sets)) and written with one C(UPSERT) only when
    its TTL or value differ, so a re-run makes no write and a record pointing elsewhere is repaired.
  - With no O(hosted_zone), no AWS call is made; the result says the record is manual
    (RV(manual)) and what to create (RV(record)).
  - A hosted zone that is not found fails with one line; so does a POS host that is not found or
    has no public address, and a record with a routing policy (C(SetIdentifier)), which is left alone.
  - With O(state=absent) the record, when there, is deleted with one C(DELETE) of the record set
    exactly as read (no POS host is read); a retried delete that finds it gone is success. Without
    O(hosted_zone) no call is made and the result says which record to delete by hand.
  - Exact check mode and C(--diff).
  - Runs as an org step of provision.yml and deprovision.yml (role C(fusion.pos.org_dns)).
author: fusion.pos contributors (@fusion-pos)
options:
  org:
    description: The org ID; the record's name is C(<org>.<pos_domain>).
    type: str
    required: true
  pos_domain:
    description: The POS domain of the tenant's host name.
    type: str
    default: fusionPOS.com
  pos_host:
    description:
      - The org's POS host C(POSNN), read from EC2 by its C(Name) tag in O(region).
      - Required when O(hosted_zone) is set and O(state=present).
    type: str
  hosted_zone:
    description:
      - The public Route 53 hosted zone of the POS domain, by name (C(fusionPOS.com)) or ID
        (C(Z0123456789ABCDEFGHIJ)).
      - Empty - no call; the record is reported as manual.
    type: str
    default: ""
  ttl:
    description: The record's TTL in seconds.
    type: int
    default: 300
  state:
    description:
      - C(present) - the record points at the POS host.
      - C(absent) - there is no such record (deprovisioning).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  diff_mode:
    description: The record's name, type, TTL and values before and after.
"""

EXAMPLES = r"""
- name: The tenant's DNS record
  fusion.pos.fusion_dns_record:
    org: xmsqa1
    pos_host: POS01
    hosted_zone: fusionPOS.com
    region: us-east-1

- name: No hosted zone - only report the record to create by hand
  fusion.pos.fusion_dns_record:
    org: xmsqa1
    pos_host: POS01
  register: dns

- name: The tenant's DNS record removed (deprovisioning)
  fusion.pos.fusion_dns_record:
    org: xmsdemo1
    hosted_zone: fusionPOS.com
    state: absent
"""

RETURN = r"""
manual:
  description: True when no hosted zone is configured and the record must be created by hand.
  returned: always
  type: bool
record:
  description: The record (name, type, TTL, value); when RV(manual), the value describes the address to use.
  returned: always
  type: dict
  sample: {name: xmsqa1.fusionPOS.com, type: A, ttl: 300, value: 203.0.113.20}
zone_id:
  description: The hosted zone's ID.
  returned: when a hosted zone is configured
  type: str
zone:
  description: The hosted zone's name.
  returned: when a hosted zone is configured
  type: str
address:
  description: The POS host's public IPv4 address.
  returned: when a hosted zone is configured and O(state=present)
  type: str
pos_host:
  description: The POS host.
  returned: when a hosted zone is configured and O(state=present)
  type: str
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._dns_record import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_dns_record.py (shared with the org step).
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
