#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_tenant
short_description: The tenants of the orgs placed on one POS host, in the host's tenants.json
version_added: 0.2.0
description:
  - Adds or updates, in C(<tenants_folder>/tenants.json) on the POS host the task runs on (or is
    delegated to), the tenant of every org of O(orgs) - name C(<org>), host name C(<org>.<pos_domain>),
    recipe C(POS_Tenant), database type SQL Server, empty table prefix, and the connection string of
    C(POS_<org>) with login C(POS_<org>_user), the password kept at
    C(fusion-pos/<environment>/<org>/db-login) and the server the org's RDS instance endpoint.
    Every other tenant, and every other setting of these tenants, is left as it is.
  - Before any change, an org whose POS version (its plan's C(pos_version), from C(org_pos_version);
    default the host's) differs from the version pinned on the POS host (its C(PosVersion) EC2 tag) is
    refused; the other orgs go on.
  - One read of the file through the connection (M(ansible.builtin.slurp) or
    M(ansible.windows.win_slurp) by the connection's shell) and, only when a tenant differs and not in
    check mode, one write on the host - M(fusion.pos.fusion_tenant_file) over POSIX, a PowerShell script
    through M(ansible.windows.win_powershell) over Windows - atomic, and only when the content differs.
    The passwords travel only as that module's C(no_log) arguments, so they exist on the host's file
    and nowhere in the controller's output, files or return values; over a POSIX connection
    pipelining is required (C(ansible_pipelining=true)), otherwise the task is refused.
  - C(--diff) shows each tenant before and after with its password masked (C(********), or
    C(******** (differs)) when the stored one is not the password manager's).
  - With O(state=absent) (deprovisioning) the tenants of O(orgs) are taken out of the list instead - one
    read, and one write only when one of them was there; no AWS call, no password read; every other
    tenant is kept as it is.
  - This is an action plugin; AWS is read on the controller, the file on the POS host.
author: fusion.pos contributors (@fusion-pos)
options:
  pos_host:
    description: The POS host C(POSNN) (its C(PosVersion) tag is read from EC2 in O(region)).
    type: str
    required: true
  tenants_folder:
    description: POS Server's C(MonitorTenantsFolder) on the host (the folder of C(tenants.json)); it must exist.
    type: str
    required: true
  orgs:
    description: The orgs whose tenants live on this host.
    type: list
    elements: str
    required: true
  plan:
    description:
      - "The validated plan of C(provision.yml), C({org: entry}): C(org), C(environment), C(tenant_host),
        C(db_name), C(db_login), C(rds_instance), C(rds_region), C(rds_endpoint), C(pos_version) per org."
      - "The key is the tenant's name; the entry's C(org) owns the password (C(fusion-pos/<environment>/<org>/db-login)),
        so the host's default tenant is C({Default: {org: POSNN, tenant_host: '', db_name: POS_POSNN, ...}}).
        An optional C(recipe) replaces C(POS_Tenant)."
    type: dict
    required: true
  secret_backend:
    description: The password-manager backend the database passwords are read from.
    type: str
    choices: [aws_secretsmanager]
    default: aws_secretsmanager
  state:
    description:
      - C(present) - the orgs' tenants are in the list, as described above.
      - C(absent) - the orgs' tenants are not in the list (deprovision.yml).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.exact_check_mode
attributes:
  check_mode:
    details:
      - Reads only; reports exactly the tenants a real run changes.
  diff_mode:
    details:
      - Per org, in RV(results); passwords masked.
seealso:
  - module: fusion.pos.fusion_tenant_file
  - module: ansible.windows.win_powershell
"""

EXAMPLES = r"""
- name: Tenants of the orgs on POS01
  fusion.pos.fusion_tenant:
    pos_host: POS01
    tenants_folder: 'C:\FusionPOS\Server\App_Data'
    orgs: [xmsqa1]
    plan: "{{ org_validate_plan }}"
    region: us-east-1
  delegate_to: POS01

- name: The org's tenant taken off POS01 (deprovisioning)
  fusion.pos.fusion_tenant:
    pos_host: POS01
    tenants_folder: 'C:\FusionPOS\Server\App_Data'
    orgs: [xmsdemo1]
    plan: "{{ org_validate_plan }}"
    state: absent
  delegate_to: POS01
"""

RETURN = r"""
module:
  description: Always V(fusion_tenant), so that a registered loop of this action says what it is.
  returned: always
  type: str
  sample: fusion_tenant
results:
  description:
    - Each org's result (C(changed), C(tenant), C(host_name), C(created), C(diff); C(failed) and a one-line C(msg)).
    - With O(state=absent) - C(changed), C(tenant), C(removed), C(diff).
  returned: always
  type: dict
  sample: {"xmsqa1": {"changed": true, "created": true, "tenant": "xmsqa1", "host_name": "xmsqa1.fusionPOS.com"}}
file:
  description: The tenant list on the host.
  returned: always
  type: str
orgs_changed:
  description: The orgs whose tenant changed (in check mode - would change).
  returned: success
  type: list
  elements: str
orgs_failed:
  description: The orgs refused or failed.
  returned: success
  type: list
  elements: str
"""
