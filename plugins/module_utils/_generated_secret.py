# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated secrets of an org or a shared resource (``fusion.pos.fusion_secret``).

One handler per secret path (``_secrets.ensure_secret``: create with a generated value when
missing, never rotate, add missing tags; with ``state: absent``, ``_secrets.ensure_secret_absent``:
schedule the deletion with a recovery window), recorded in one ``DifferenceTracker``. ``RESOURCE`` is
what the module and the org step run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils import _secrets
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.fusion.pos.plugins.module_utils._module import Resource


def secret_tags(owner, extra):
    tags = dict((str(key), str(value)) for key, value in (extra or {}).items())
    try:
        return _naming.org_tags(owner, tags)
    except _naming.NamingError:  # a shared resource, not an org
        return tags


def purposes_of(params):
    return [params["purpose"]] if params["purpose"] else list(params["purposes"] or [])


def validate(params):
    purposes = purposes_of(params)
    if not purposes:
        raise FusionModuleError("secrets of %s: purposes must name at least one purpose" % params["owner"])
    for purpose in purposes:
        _naming.secret_path(params["environment"], params["owner"], purpose)
    if params["state"] == "absent":
        _secrets.validate_recovery_window(params["recovery_window_days"])
        return
    exclude = _secrets.DEFAULT_EXCLUDE if params["exclude_characters"] is None else params["exclude_characters"]
    # Fails now, before any AWS call, when length or exclusions cannot make a password.
    _secrets.generate_password(params["length"], exclude)


def work(ctx):
    params = ctx.params
    paths = [_naming.secret_path(params["environment"], params["owner"], purpose) for purpose in purposes_of(params)]
    tags = secret_tags(params["owner"], params["tags"])
    exclude = _secrets.DEFAULT_EXCLUDE if params["exclude_characters"] is None else params["exclude_characters"]
    length = params["length"]

    def generate():
        return _secrets.generate_password(length, exclude)

    backend = _secrets.module_store(ctx)
    tracker = DifferenceTracker()
    secrets = []
    if params["state"] == "absent":
        for path in paths:
            changed, before, after = _secrets.ensure_secret_absent(
                backend, path, params["recovery_window_days"], ctx.check_mode)
            tracker.add(path, before, after, changed)
            secrets.append(dict(name=path, existed=before["exists"], deletion_scheduled=after.get("deletion_scheduled", False),
                                scheduled_now=changed))
        result = dict(created=False, secrets=secrets)
        if params["purpose"]:
            result["secret"] = secrets[0]
        return tracker.result(ctx, "secrets of %s" % params["owner"], **result)
    for path in paths:
        changed, before, after, info = _secrets.ensure_secret(
            backend, path, tags, generate, ctx.check_mode, description=params["description"])
        tracker.add(path, before, after, changed)
        entry = info.as_dict() if info is not None else {"name": path, "arn": None, "version_id": None, "tags": tags}
        entry["created"] = before == {"exists": False}
        secrets.append(entry)
    result = dict(created=any(item["created"] for item in secrets), secrets=secrets)
    if params["purpose"]:
        result["secret"] = secrets[0]
    return tracker.result(ctx, "secrets of %s" % params["owner"], **result)


RESOURCE = Resource(
    "fusion_secret",
    dict(
        environment=dict(type="str", required=True, choices=list(_naming.ENVIRONMENTS)),
        owner=dict(type="str", required=True),
        purpose=dict(type="str"),
        purposes=dict(type="list", elements="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        recovery_window_days=dict(type="int", default=_secrets.DEFAULT_RECOVERY_WINDOW_DAYS),
        length=dict(type="int", default=32),
        exclude_characters=dict(type="str", no_log=False),
        description=dict(type="str"),
        tags=dict(type="dict", default={}),
        **_secrets.PASSWORD_MANAGER_ARGS
    ),
    work,
    validate=validate,
    mutually_exclusive=[("purpose", "purposes")],
    required_one_of=[("purpose", "purposes")],
)
