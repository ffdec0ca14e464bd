# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account guard (``fusion.pos.fusion_account_guard``): one caller-identity read, the rules of
``_sts.check_account``, no write. ``RESOURCE`` is what the module and the in-process guard run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils import _sts
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource


def validate(params):
    for env in params["environments"]:
        _naming.validate_environment(env)
    _naming.validate_account_id(params["production_account_id"])
    if params["account_id"]:
        _naming.validate_account_id(params["account_id"])


def work(ctx):
    identity = _sts.caller_identity(ctx.client("sts"))
    _sts.check_account(identity, ctx.params["environments"], ctx.params["production_account_id"],
                       ctx.params["account_id"])
    return dict(changed=False, **identity)


RESOURCE = Resource(
    "fusion_account_guard",
    dict(
        environments=dict(type="list", elements="str", required=True),
        production_account_id=dict(type="str", required=True),
        account_id=dict(type="str"),
    ),
    work,
    validate=validate,
)
