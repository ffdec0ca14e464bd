# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated credentials of shared resources (RDS master, broker admin) in AWS Secrets Manager.

The value of a secret never leaves this file: handlers return only the secret's name and whether it
exists, so nothing secret reaches a module result, a diff or a log.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import secrets
import string

from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call, error_code

# Safe for SQL Server (no / " @ or space) and for Amazon MQ (no , : =), and for shells and URLs.
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_.~!#%^*+"
PASSWORD_LENGTH = 32


def generate_password(length=PASSWORD_LENGTH):
    """A strong random password: at least one upper, one lower, one digit and one symbol."""
    while True:
        value = "".join(secrets.choice(PASSWORD_ALPHABET) for _position in range(length))
        if (any(c.islower() for c in value) and any(c.isupper() for c in value)
                and any(c.isdigit() for c in value) and any(not c.isalnum() for c in value)):
            return value


@aws_call("read the secret", "secret {0}")
def _describe_secret(client, name):
    try:
        return client.describe_secret(SecretId=name)
    except client.exceptions.ResourceNotFoundException:
        return None


@aws_call("read the secret value", "secret {0}")
def _get_secret_value(client, name):
    return client.get_secret_value(SecretId=name)["SecretString"]


@aws_call("create the secret", "secret {0}")
def _create_secret(client, name, value, description, tags):
    return client.create_secret(Name=name, SecretString=value, Description=description,
                                Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())])


@aws_call("store a new secret value", "secret {0}")
def _put_secret_value(client, name, value):
    return client.put_secret_value(SecretId=name, SecretString=value)


def secret_exists(client, name):
    described = _describe_secret(client, name)
    return bool(described) and not described.get("DeletedDate")


def read_password(client, name):
    """The password kept in secret ``name`` (a JSON object with ``username`` and ``password``)."""
    raw = _get_secret_value(client, name)
    try:
        return json.loads(raw)["password"]
    except (ValueError, KeyError, TypeError):
        return raw


def store_password(client, name, username, password, description, tags, exists=False):
    value = json.dumps({"username": username, "password": password}, sort_keys=True)
    if exists:
        _put_secret_value(client, name, value)
    else:
        _create_secret(client, name, value, description, tags)


__all__ = ["generate_password", "secret_exists", "read_password", "store_password", "error_code"]
