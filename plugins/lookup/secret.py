# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: secret
short_description: Read a secret back from the fusion.pos password manager
version_added: 0.1.0
description:
  - Returns the value of each secret path given (for example C(fusion-pos/qa/xmsqa1/db-login)),
    as created by M(fusion.pos.fusion_secret) or M(fusion.pos.fusion_iam_user).
  - Use it only in tasks with C(no_log=true), and never register or print what it returns.
  - Connection settings come from the options below, then the standard AWS environment.
  - Fails when a secret does not exist. A check-mode run that would create it cannot read it, so
    guard such tasks with C(when=not ansible_check_mode).
author: fusion.pos contributors (@fusion-pos)
options:
  _terms:
    description: Secret paths.
    required: true
    type: list
    elements: str
  secret_backend:
    description: The password-manager backend (the same option as the modules' O(secret_backend)).
    type: str
    default: aws_secretsmanager
    aliases: [backend]
  region:
    description: AWS region.
    type: str
  endpoint_url:
    description: URL to send the AWS API calls to (the local emulator); empty means AWS itself.
    type: str
  profile:
    description: Named AWS profile.
    type: str
"""

EXAMPLES = r"""
- name: Use the org's database password without showing it
  ansible.builtin.set_fact:
    db_password: "{{ lookup('fusion.pos.secret', 'fusion-pos/qa/xmsqa1/db-login', endpoint_url=aws_endpoint_url) }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: The secret values, one per path.
  type: list
  elements: str
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.fusion.pos.plugins.module_utils._aws import (
    BOTO3_IMPORT_ERROR, FusionAWSError, FusionModuleError,
)
from ansible_collections.fusion.pos.plugins.module_utils import _secrets
from ansible_collections.fusion.pos.plugins.module_utils._module import Context


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if BOTO3_IMPORT_ERROR:
            raise AnsibleLookupError("the fusion.pos.secret lookup needs boto3")
        ctx = Context(dict(region=self.get_option("region"), endpoint_url=self.get_option("endpoint_url"),
                           profile=self.get_option("profile")))
        try:
            store = _secrets.store(ctx, self.get_option("secret_backend"))
            values = []
            for path in terms:
                value = store.get(path)
                if value is None:
                    raise AnsibleLookupError("secret %s does not exist in the password manager" % path)
                values.append(wrap_var(value))
            return values
        except (FusionAWSError, FusionModuleError) as exc:
            raise AnsibleLookupError(str(exc))
