#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fusion_mssql_database
short_description: An org's (or a POS host's tenant-manager) database and login on a shared RDS SQL Server
version_added: 0.1.0
description:
  - Makes database C(POS_<org>) and SQL-authentication login C(POS_<org>_user) exist on RDS instance
    O(instance) (C(db-POS-NN)) for O(org), or C(POS_<host>) and C(POS_<host>_user) for the
    tenant manager of POS host O(pos_host).
  - The login has password expiration and the password policy off, is enabled, and its default
    database is its own; a user of the same name in that database is a member of C(db_owner) there
    and of nothing else. The login is a member of no server role and has no user in any other
    database. Drift (login disabled, other default database, expiration checking on, user out of
    C(db_owner), extra roles, users of the login in other databases) is repaired.
  - The password is the one in the password manager at C(fusion-pos/<environment>/<org or host>/db-login)
    (created with a generated value when missing, never rotated). It is set at creation, and again
    only when a test login with the stored password fails (or the login was disabled); see
    docs/sqlserver.md.
  - Connects as the RDS master user (credentials from C(fusion-pos/<environment>/<instance>/master),
    as stored by M(fusion.pos.fusion_rds_instance)) over TLS, validating the server certificate
    against O(ca_bundle). The endpoint comes from RDS unless O(endpoint) is given.
  - Reads the catalog, plans the statements, and executes them only outside check mode. Every
    identifier is bracket-quoted; values are parameters; the password is embedded on the server
    side with C(QUOTENAME) and C(sp_executesql) and never appears in a statement, a result, a diff
    or an error.
  - With O(connect=false) (a sandbox without SQL Server) it makes no call at all and reports in one
    line which database and login it would make.
  - The driver is python-tds with pyOpenSSL on the controller (pure Python wheels).
author: fusion.pos contributors (@fusion-pos)
requirements:
  - python-tds
  - pyOpenSSL
options:
  org:
    description: The org ID; the database is C(POS_<org>), the login C(POS_<org>_user). Exclusive with O(pos_host).
    type: str
  pos_host:
    description: The POS host C(POSNN) whose tenant-manager database C(POS_<host>) and login C(POS_<host>_user) are made.
    type: str
  environment:
    description: The environment; part of the secret paths. O(state=absent) is refused in production and staging.
    type: str
    required: true
    choices: [production, staging, qa, dev, demo]
  instance:
    description: The RDS instance, C(db-POS-NN).
    type: str
    required: true
  endpoint:
    description:
      - C(host[:port]) to reach the instance through instead of its RDS endpoint (a tunnel, a private
        name). Without a port, the instance's port is used.
    type: str
  ca_bundle:
    description:
      - PEM file with the certificate authorities that sign the server certificate (the RDS CA bundle,
        for example C(global-bundle.pem) from AWS's trust store).
      - Required unless O(connect=false).
    type: path
  validate_hostname:
    description: Check that the server certificate names the host connected to.
    type: bool
    default: true
  login_timeout:
    description: Seconds to wait for a connection.
    type: int
    default: 15
  connect:
    description: C(false) makes no call at all and returns the names only (a sandbox without SQL Server).
    type: bool
    default: true
  state:
    description:
      - C(present) makes database, login and user exist as described.
      - C(absent) drops the user (and any user of the login in other databases) and the login; the
        database only with O(drop_database=true). Refused in production and staging.
    type: str
    choices: [present, absent]
    default: present
  drop_database:
    description: With O(state=absent), drop the database too.
    type: bool
    default: false
extends_documentation_fragment:
  - fusion.pos.connection
  - fusion.pos.password_manager
  - fusion.pos.exact_check_mode
attributes:
  check_mode:
    description: Reads the catalog (and tests the password), executes nothing, returns the planned statements.
  diff_mode:
    description: Before and after of the catalog facts (database, login settings, user and roles, other users); never a password.
"""

EXAMPLES = r"""
- name: The org's database and login on its shared SQL Server
  fusion.pos.fusion_mssql_database:
    org: xmsqa1
    environment: qa
    instance: db-POS-01
    ca_bundle: /etc/ssl/rds/global-bundle.pem

- name: The tenant-manager database of POS01, reached through a tunnel
  fusion.pos.fusion_mssql_database:
    pos_host: POS01
    environment: qa
    instance: db-POS-01
    endpoint: 127.0.0.1:11433
    ca_bundle: /etc/ssl/rds/global-bundle.pem
    validate_hostname: false

- name: Sandbox without SQL Server
  fusion.pos.fusion_mssql_database:
    org: xmsqa1
    environment: qa
    instance: db-POS-01
    connect: false
"""

RETURN = r"""
database:
  description: The database name.
  returned: always
  type: str
  sample: POS_xmsqa1
login:
  description: The login name.
  returned: always
  type: str
  sample: POS_xmsqa1_user
user:
  description: The database user name (the login's name).
  returned: always
  type: str
  sample: POS_xmsqa1_user
instance:
  description: The RDS instance.
  returned: always
  type: str
  sample: db-POS-01
endpoint:
  description: C(host:port) connected to (empty with O(connect=false) and no O(endpoint)).
  returned: always
  type: str
  sample: db-pos-01.abcdefghij.us-east-1.rds.amazonaws.com:1433
password_secret:
  description: The password-manager path of the login's password (never the password).
  returned: always
  type: str
  sample: fusion-pos/qa/xmsqa1/db-login
master_secret:
  description: The password-manager path of the master credentials used.
  returned: always
  type: str
  sample: fusion-pos/qa/db-POS-01/master
sql_server_reachable:
  description: False when O(connect=false) (nothing was checked).
  returned: always
  type: bool
msg:
  description: The one-line note of a run with O(connect=false).
  returned: when connect is false
  type: str
catalog:
  description: The catalog facts read before any change (no SID, no password; C(login.password) is C(matches), C(differs) or C(unknown)).
  returned: when connected
  type: dict
statements:
  description:
    - The statements executed (planned, in check mode), in order, including C(USE) context switches.
    - Each has C(kind), C(sql) (parameters as C(%(name)s)) and C(params), the password masked.
  returned: always
  type: list
  elements: dict
  sample: [{kind: create_database, sql: "CREATE DATABASE [POS_xmsqa1]", params: {}}]
changing_statements:
  description: How many of RV(statements) change something (not C(USE)); 0 on a run with nothing to do.
  returned: when connected
  type: int
"""

from ansible_collections.fusion.pos.plugins.module_utils._module import FusionAWSModule
from ansible_collections.fusion.pos.plugins.module_utils._mssql_database import RESOURCE


def main():
    # Argument spec, validation and work: RESOURCE in module_utils/_mssql_database.py.
    FusionAWSModule(RESOURCE).run()


if __name__ == "__main__":
    main()
