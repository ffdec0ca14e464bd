# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The caller identity and the account guards of docs/specification.md section 6.

``caller_identity()`` makes the one STS call; ``check_account()`` is pure and raises
``FusionModuleError`` with one clear line for the first rule the caller breaks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError, aws_call
from ansible_collections.fusion.pos.plugins.module_utils import _naming

_ARN_RE = re.compile(r"^arn:(?P<partition>[^:]+):(?P<service>[^:]+):[^:]*:(?P<account>[0-9]{12}):(?P<resource>.+)$")


@aws_call("read the caller identity", "STS")
def get_caller_identity(sts):
    return sts.get_caller_identity()


def parse_arn(arn):
    """``{partition, service, account, resource}`` of an ARN; FusionModuleError when it is none."""
    match = _ARN_RE.match(arn or "")
    if not match:
        raise FusionModuleError("caller identity %r is not an ARN this collection understands" % (arn,))
    return match.groupdict()


def is_root_arn(arn):
    parts = parse_arn(arn)
    return parts["service"] == "iam" and parts["resource"] == "root"


def caller_identity(sts):
    """``{account_id, arn, partition, user_id}`` of whoever signs the calls."""
    answer = get_caller_identity(sts)
    arn = answer["Arn"]
    parts = parse_arn(arn)
    return {
        "account_id": answer.get("Account") or parts["account"],
        "arn": arn,
        "partition": parts["partition"],
        "user_id": answer.get("UserId", ""),
    }


def check_account(identity, environments, production_account_id, account_id=None):
    """Refuse (FusionModuleError) when the caller may not provision ``environments``.

    - an account root identity never provisions;
    - the caller's account must be the declared ``account_id`` (when given);
    - production and staging only in the production account, qa, dev and demo never there.
    """
    production_account_id = _naming.validate_account_id(production_account_id)
    if account_id not in (None, ""):
        account_id = _naming.validate_account_id(account_id)
    environments = [_naming.validate_environment(env) for env in environments or []]
    caller_account = identity["account_id"]
    if is_root_arn(identity["arn"]):
        raise FusionModuleError(
            "refusing to run as the root identity of account %s (%s): use an IAM user or role"
            % (caller_account, identity["arn"])
        )
    if account_id and caller_account != account_id:
        raise FusionModuleError(
            "refusing to run: the caller %s is in account %s but the inventory declares account %s"
            % (identity["arn"], caller_account, account_id)
        )
    for env in sorted(set(environments)):
        in_production = caller_account == production_account_id
        if _naming.account_fits_environment(env) and not in_production:
            raise FusionModuleError(
                "refusing to run: environment %s lives only in the POS Production account %s, "
                "but the caller is in account %s" % (env, production_account_id, caller_account)
            )
        if not _naming.account_fits_environment(env) and in_production:
            raise FusionModuleError(
                "refusing to run: environment %s never lives in the POS Production account %s "
                "(the caller's account)" % (env, production_account_id)
            )
    return identity
