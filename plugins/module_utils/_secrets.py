# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The password manager of fusion.pos: one small interface, AWS Secrets Manager by default.

A backend is a class with

- ``describe(path)``: the metadata of the secret at ``path`` (``SecretInfo``) or None; never the value;
- ``get(path)``: the value (a string) or None when there is no such secret;
- ``create(path, value, tags=None, description=None)``: store a new secret, give back its
  ``SecretInfo``; fails when one exists (nothing here ever overwrites or rotates a value);
- ``tag(path, tags)``: add or update tags on an existing secret (never touches its value);
- ``delete(path, recovery_window_days)``: schedule the secret's deletion; it can be restored
  during the recovery window (deprovisioning never deletes a value outright).

``BACKENDS`` maps the names accepted by the ``secret_backend`` options to the classes, so another
store (HashiCorp Vault, 1Password, ...) is one more class with these four methods and one more entry.
Values are generated here (``generate_password()``), never by the store, so every store makes the
same kind of secret.
``ensure_secret_absent()`` schedules a secret's deletion once (a secret already scheduled is left
as it is).

Two kinds of value, both created only when missing and never rotated (``ensure_secret()``):

- a bare generated password (``fusion_secret``: org database logins, RabbitMQ users);
- the credentials of a service user, JSON ``{"password": ..., "username": ...}``
  (``credentials_value()``, ``ensure_credentials()``, ``read_credentials()``): the RDS master user
  and the Amazon MQ admin user, whose password must also be handed to RDS or Amazon MQ.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import secrets
import string
import uuid

from ansible_collections.fusion.pos.plugins.module_utils import _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError, aws_call

DEFAULT_LENGTH = 32
# Characters that break connection strings, URLs, shells or SQL literals when a secret is pasted.
DEFAULT_EXCLUDE = "\"'`\\/@:;,%&$#!?={}[]()<>|^~ "
PASSWORD_ALPHABET = string.ascii_letters + string.digits + string.punctuation


class SecretInfo:
    """What may be shown about a secret: its name, ARN, version, tags; never its value."""

    def __init__(self, name, arn=None, version_id=None, tags=None, deleted=False):
        self.name = name
        self.arn = arn
        self.version_id = version_id
        self.tags = dict(tags or {})
        self.deleted = deleted

    def as_dict(self):
        return {"name": self.name, "arn": self.arn, "version_id": self.version_id, "tags": dict(self.tags)}


def generate_password(length=DEFAULT_LENGTH, exclude=DEFAULT_EXCLUDE):
    """A random password of ``length`` characters (``secrets`` module, never the store).

    It holds at least one character of every class (lower case, upper case, digit, punctuation)
    that ``exclude`` leaves; at least three classes must be left (SQL Server's complexity rule).
    """
    alphabet = "".join(char for char in PASSWORD_ALPHABET if char not in (exclude or ""))
    if length < 12:
        raise FusionModuleError("a generated secret needs at least 12 characters, got %d" % length)
    classes = [klass for klass in (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation)
               if set(klass) & set(alphabet)]
    if len(classes) < 3:
        raise FusionModuleError("the excluded characters leave fewer than three of the classes lower case, "
                                "upper case, digits and punctuation")
    while True:
        value = "".join(secrets.choice(alphabet) for _index in range(length))
        if all(set(value) & set(klass) for klass in classes):
            return value


# --- AWS Secrets Manager: one function per call ---------------------------------------------

NOT_FOUND = ("ResourceNotFoundException",)


@aws_call("read the secret's metadata", "secret {0}", missing=NOT_FOUND)
def _describe_secret(sm, name):
    return sm.describe_secret(SecretId=name)


@aws_call("read the secret's value", "secret {0}", missing=NOT_FOUND)
def _get_secret_value(sm, name):
    return sm.get_secret_value(SecretId=name)


TOKEN_NAMESPACE = uuid.UUID("5f0c3f52-6a43-4c8e-9a55-2f5cf0a1b7d1")


def client_request_token(path, generation):
    """The ``ClientRequestToken`` (the version ID) of the first version of the secret at ``path``:
    deterministic per path and generation marker (one marker per create, kept over its retries), so a
    create sent again after a lost answer is recognised as the same one."""
    return str(uuid.uuid5(TOKEN_NAMESPACE, "fusion.pos secret %s generation %s" % (path, generation)))


def _secret_made(sm, name, value, tags, description, kms_key_id, token):  # pylint: disable=unused-argument
    """After a lost CreateSecret answer: the secret, if its version is the one this create sent."""
    answer = _describe_secret(sm, name)
    if answer is None or token not in (answer.get("VersionIdsToStages") or {}):
        return None
    return dict(Name=answer.get("Name", name), ARN=answer.get("ARN"), VersionId=token)


@aws_call("create the secret", "secret {0}", found=_secret_made, done=("ResourceExistsException",))
def _create_secret(sm, name, value, tags, description, kms_key_id, token):
    kwargs = dict(Name=name, SecretString=value, Tags=_tags.to_list(tags), ClientRequestToken=token)
    if description:
        kwargs["Description"] = description
    if kms_key_id:
        kwargs["KmsKeyId"] = kms_key_id
    return sm.create_secret(**kwargs)


@aws_call("tag the secret", "secret {0}")
def _tag_secret(sm, name, tags):
    return sm.tag_resource(SecretId=name, Tags=_tags.to_list(tags))


@aws_call("schedule the secret's deletion", "secret {0}")
def _delete_secret(sm, name, recovery_window_days):
    return sm.delete_secret(SecretId=name, RecoveryWindowInDays=recovery_window_days)


def _current_version(answer):
    for version, stages in (answer.get("VersionIdsToStages") or {}).items():
        if "AWSCURRENT" in stages:
            return version
    return None


class AWSSecretsManagerStore:
    """The default store: AWS Secrets Manager, in the module's account and region."""

    name = "aws_secretsmanager"

    def __init__(self, module, kms_key_id=None, sm_client=None):
        # module: a _module.Context (or anything with client(service)), whose clients it shares
        self.client = sm_client if sm_client is not None else module.client("secretsmanager")
        self.kms_key_id = kms_key_id

    def describe(self, path):
        answer = _describe_secret(self.client, path)
        if answer is None:
            return None
        tags = _tags.to_dict(answer.get("Tags"))
        return SecretInfo(answer.get("Name", path), answer.get("ARN"), _current_version(answer), tags,
                          deleted=bool(answer.get("DeletedDate")))

    def get(self, path):
        answer = _get_secret_value(self.client, path)
        if answer is None:
            return None
        return answer.get("SecretString")

    def create(self, path, value, tags=None, description=None):
        token = client_request_token(path, secrets.token_hex(8))
        answer = _create_secret(self.client, path, value, dict(tags or {}), description, self.kms_key_id, token)
        return SecretInfo(answer.get("Name", path), answer.get("ARN"), answer.get("VersionId"), tags)

    def tag(self, path, tags):
        _tag_secret(self.client, path, dict(tags))

    def delete(self, path, recovery_window_days):
        _delete_secret(self.client, path, recovery_window_days)


BACKENDS = {AWSSecretsManagerStore.name: AWSSecretsManagerStore}
DEFAULT_BACKEND = AWSSecretsManagerStore.name

# The options of a module that stores what it generates (doc fragment fusion.pos.password_manager).
# The old names of fusion_secret (backend, kms_key_id) stay as aliases everywhere: one vocabulary.
PASSWORD_MANAGER_ARGS = dict(
    secret_backend=dict(type="str", choices=sorted(BACKENDS), default=DEFAULT_BACKEND, aliases=["backend"]),
    secret_kms_key_id=dict(type="str", no_log=False, aliases=["kms_key_id"]),
)


def store(module, backend=DEFAULT_BACKEND, **options):
    """The password-manager backend named ``backend``."""
    if backend not in BACKENDS:
        raise FusionModuleError("unknown password-manager backend %r: one of %s"
                                % (backend, ", ".join(sorted(BACKENDS))))
    return BACKENDS[backend](module, **options)


def module_store(module):
    """The backend chosen by a module's ``PASSWORD_MANAGER_ARGS`` options."""
    return store(module, module.params["secret_backend"], kms_key_id=module.params["secret_kms_key_id"])


def ensure_secret(backend, path, tags, generate, check_mode, description=None):
    """Create the secret at ``path`` with ``generate()`` when it does not exist; never rotate.

    Returns ``(changed, before, after, info)``: before/after are what ``--diff`` shows (existence
    and tags only), ``info`` the SecretInfo (None when check mode would create it).
    """
    current = backend.describe(path)
    if current is not None and current.deleted:
        raise FusionModuleError(
            "secret %s is scheduled for deletion: restore it (or let the deletion finish) before "
            "provisioning again; fusion.pos never replaces a secret's value on its own" % path
        )
    if current is None:
        after = {"exists": True, "tags": dict(tags)}
        if check_mode:
            return True, {"exists": False}, after, None
        info = backend.create(path, generate(), tags=tags, description=description)
        return True, {"exists": False}, after, info
    before = {"exists": True, "tags": dict(current.tags)}
    missing = _tags.missing(current.tags, tags)
    if not missing:
        return False, before, before, current
    new_tags = dict(current.tags)
    new_tags.update(missing)
    if not check_mode:
        backend.tag(path, missing)
    current.tags = new_tags
    return True, before, {"exists": True, "tags": new_tags}, current


MIN_RECOVERY_WINDOW_DAYS = 7
MAX_RECOVERY_WINDOW_DAYS = 30
DEFAULT_RECOVERY_WINDOW_DAYS = 7


def validate_recovery_window(days):
    """The recovery window of a scheduled deletion: 7 to 30 days (AWS Secrets Manager's range)."""
    if not isinstance(days, int) or isinstance(days, bool) or not MIN_RECOVERY_WINDOW_DAYS <= days <= MAX_RECOVERY_WINDOW_DAYS:
        raise FusionModuleError("recovery_window_days must be %d to %d days, got %r"
                                % (MIN_RECOVERY_WINDOW_DAYS, MAX_RECOVERY_WINDOW_DAYS, days))
    return days


def ensure_secret_absent(backend, path, recovery_window_days, check_mode):
    """Schedule the deletion of the secret at ``path`` (restorable for ``recovery_window_days``).

    Returns ``(changed, before, after)``: a missing secret, or one already scheduled for deletion,
    is left as it is (no write); the value is never read.
    """
    validate_recovery_window(recovery_window_days)
    current = backend.describe(path)
    if current is None:
        return False, {"exists": False}, {"exists": False}
    if current.deleted:
        scheduled = {"exists": True, "deletion_scheduled": True}
        return False, scheduled, scheduled
    if not check_mode:
        backend.delete(path, recovery_window_days)
    return (True, {"exists": True, "deletion_scheduled": False},
            {"exists": True, "deletion_scheduled": True, "recovery_window_days": recovery_window_days})


# --- credentials of a service user (JSON {username, password}) ------------------------------

def credentials_value(username, password):
    """The stored form of a service user's credentials: JSON ``{"password": ..., "username": ...}``."""
    return json.dumps({"username": username, "password": password}, sort_keys=True)


def read_credentials(backend, path):
    """The credentials stored at ``path`` as ``{"username": ..., "password": ...}``; None when missing.

    A value that is not such a JSON object is taken as a bare password (``username`` None).
    """
    value = backend.get(path)
    if value is None:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("password"), str):
        return {"username": parsed.get("username"), "password": parsed["password"]}
    return {"username": None, "password": value}


def ensure_credentials(backend, path, username, tags, check_mode, description=None,
                       length=DEFAULT_LENGTH, exclude=DEFAULT_EXCLUDE):
    """``ensure_secret()`` for the credentials of service user ``username``.

    When the secret is missing, a password is generated (``generate_password()``) and stored as
    ``credentials_value()``. Returns ``(changed, before, after, info, password)``: ``password`` is the
    one generated and stored now, for the caller to hand to the service (never to a result); None
    when the secret already existed (read it with ``read_credentials()`` if needed) or in check mode.
    """
    generated = []

    def generate():
        generated.append(generate_password(length, exclude))
        return credentials_value(username, generated[0])

    changed, before, after, info = ensure_secret(backend, path, tags, generate, check_mode, description=description)
    return changed, before, after, info, (generated[0] if generated else None)
