# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The password-manager options of modules that store a generated credential (module_utils/_secrets.py).
    DOCUMENTATION = r"""
options:
  secret_backend:
    description: The password-manager backend that keeps the generated credentials.
    type: str
    choices: [aws_secretsmanager]
    default: aws_secretsmanager
    aliases: [backend]
  secret_kms_key_id:
    description: KMS key for a new secret; the account's default Secrets Manager key when not given.
    type: str
    aliases: [kms_key_id]
"""
