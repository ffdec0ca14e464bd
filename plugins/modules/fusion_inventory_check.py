#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_inventory_check
short_description: Validate the fusion.pos org inventories and resolve the orgs of a run
version_added: 0.1.0
description:
  - Reads every environment inventory under O(path) (each sub-directory, for example
    C(inventories/production), C(inventories/qa), C(inventories/sandbox)) as files, without AWS.
  - Environment settings (C(group_vars/all/*.yml), or C(group_vars/all.yml)) must declare
    C(fusion_environment), C(fusion_account_id), C(fusion_production_account_id), C(fusion_region),
    C(aws_endpoint_url) (empty for AWS itself), C(fusion_secrets_backend), C(ansible_connection=local)
    and C(ansible_python_interpreter). C(fusion_region) must be a region botocore knows (the one region
    rule of the collection, also used by M(fusion.pos.fusion_shared_declaration)).
  - Each org is one file C(<org>.yml) declaring exactly one host, the org, in group C(orgs), with
    C(org_site_title) and optionally C(fusion_environment), C(org_sites), C(org_placement),
    C(org_iam_access_key), C(org_pos_domain), C(org_pos_version); nothing else. A file named like an org ID is always
    taken for an org file; other files without an C(orgs) group (for example C(pos_hosts.yml) of the
    shared infrastructure) are left to their own checks.
  - Org IDs follow the org-ID rule, every name derived from them fits its AWS limit, and they are
    unique across all environments compared case-insensitively. An inventory with
    C(fusion_sandbox=true) (the local emulator) is checked on its own and left out of the
    cross-environment rule, so it may mirror real org IDs.
  - An environment fits its account, that is production and staging only where C(fusion_account_id) is the
    production account, qa, dev and demo only elsewhere.
  - When O(path) is not one of the inventory files (AWX / Automation Controller gives a job its
    inventory as an executable script), the sibling inventories cannot be read, so the orgs of the
    loaded inventory are checked from their variables instead (O(loaded), by default taken from
    C(hostvars) for the hosts of group C(orgs)). Outside a sandbox the inventory must then declare
    C(fusion_other_environment_orgs), every org ID of the other environment inventories, and no
    loaded org may be one of them (compared case-insensitively). Read as files, every real
    inventory's C(fusion_other_environment_orgs) must list exactly the other inventories' org IDs.
  - With O(org), also resolves the orgs a run asked for against O(groups); every item must name a
    declared org of the loaded inventory or a group of them (no wildcards or patterns).
  - Fails with every problem found, one line each. Never changes anything.
  - Runs on the controller, in-process (an action plugin of the same name; this file only documents
    it), since it only reads the inventory files there.
author: fusion.pos contributors (@fusion-pos)
options:
  path:
    description:
      - The directory that holds the environment inventories (C(inventories)), or an inventory
        source (a directory such as C(inventories/qa) or an org file in it), whose parent is then used.
    type: path
    required: true
  org:
    description: What the run was asked for with C(-e org=...) (org IDs or group names, comma-separated).
    type: str
  groups:
    description:
      - The groups of the loaded inventory (the C(groups) variable), to resolve O(org) with.
      - Every item of O(org) must be a declared org of the loaded inventory or one of its groups.
    type: dict
    default: {}
  loaded:
    description:
      - The variables of each loaded org (C(fusion_environment), C(fusion_sandbox),
        C(fusion_other_environment_orgs)), keyed by org, used when O(path) is not one of the
        inventory files.
      - Omitted, they are read from C(hostvars) for the hosts of group C(orgs) in O(groups).
    type: dict
    version_added: 0.2.0
requirements:
  - PyYAML
extends_documentation_fragment:
  - fusion.pos.read_only
attributes:
  action:
    support: full
    description: An action plugin; runs on the controller and needs no connection to a host.
"""

EXAMPLES = r"""
- name: Check every inventory
  fusion.pos.fusion_inventory_check:
    path: inventories

- name: Resolve and check the orgs of this run
  fusion.pos.fusion_inventory_check:
    path: "{{ ansible_inventory_sources[0] }}"
    org: "{{ org }}"
    groups: "{{ groups }}"
"""

RETURN = r"""
checked_from:
  description: C(files) when the inventory files were read, C(variables) when the loaded variables were checked.
  returned: always
  type: str
  sample: files
orgs:
  description: Every declared org with its environment, inventory and file.
  returned: always
  type: dict
  sample: {xmsqa1: {environment: qa, inventory: qa, file: inventories/qa/xmsqa1.yml, account_id: "222222222222"}}
inventories:
  description: Every environment inventory with its account settings.
  returned: always
  type: dict
  sample: {qa: {environment: qa, account_id: "222222222222", production_account_id: "111111111111", sandbox: false}}
run_orgs:
  description: The orgs of the run, sorted.
  returned: always
  type: list
  elements: str
errors:
  description: Every problem found (the module fails when there is any).
  returned: failure
  type: list
  elements: str
"""
