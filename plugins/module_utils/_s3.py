# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The S3 calls of fusion.pos: one AWS call per function, each wearing ``aws_call``.

Reads of an optional sub-resource answer ``None`` (or an empty value) when it is not there,
instead of failing; every other error becomes one ``FusionAWSError`` line.

Writes that follow a ``CreateBucket`` retry ``NoSuchBucket`` (S3 is eventually consistent right
after a create); ``aws_call`` bounds the wait.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    from botocore.exceptions import ClientError
except ImportError:  # pragma: no cover - reported by FusionAWSModule (BOTO3_IMPORT_ERROR)
    ClientError = None

from ansible_collections.fusion.pos.plugins.module_utils import _tags
from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call, error_code, is_retryable

# Right after CreateBucket the new bucket may not be visible everywhere yet.
AFTER_CREATE = ("NoSuchBucket",)
DELETE_BATCH = 1000


def partition(client):
    return getattr(client.meta, "partition", None) or "aws"


# --- buckets -----------------------------------------------------------------------------------

@aws_call("list the buckets", "buckets starting with {0}")
def list_bucket_names(client, prefix):
    """Names of this account's buckets whose name starts with ``prefix`` (one ListBuckets call)."""
    response = client.list_buckets(Prefix=prefix)
    return [item["Name"] for item in response.get("Buckets", [])]


@aws_call("look the bucket up", "bucket {0}")
def bucket_name_is_free(client, bucket):
    """True when HeadBucket says 404 (nobody owns the name); False for any other answer.

    Any answer but 404 (200: ours or, under the emulator, someone else's; 403: another account's;
    301: in another region) means the global name is taken.
    """
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) in ("404", "NoSuchBucket", "NotFound"):
            return True
        if is_retryable(exc):
            raise
        return False
    return False


@aws_call("create the bucket", "bucket {0}", done=("BucketAlreadyOwnedByYou",))
def create_bucket(client, bucket, region):
    """CreateBucket with ACLs disabled (ObjectOwnership=BucketOwnerEnforced) from the start."""
    kwargs = dict(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced")
    if region and region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    client.create_bucket(**kwargs)


@aws_call("delete the bucket", "bucket {0}", done=("NoSuchBucket",))
def delete_bucket(client, bucket):
    client.delete_bucket(Bucket=bucket)


# --- tags --------------------------------------------------------------------------------------

@aws_call("read the tags", "bucket {0}", missing=("NoSuchTagSet", "NoSuchTagSetError"), default={})
def get_bucket_tags(client, bucket):
    """The bucket's tags as a dict; ``{}`` when it has none."""
    return _tags.to_dict(client.get_bucket_tagging(Bucket=bucket).get("TagSet"))


@aws_call("write the tags", "bucket {0}", retry_codes=AFTER_CREATE)
def put_bucket_tags(client, bucket, tags):
    client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": _tags.to_list(tags)})


# --- public access block -----------------------------------------------------------------------

@aws_call("read the public access block", "bucket {0}", missing=("NoSuchPublicAccessBlockConfiguration",))
def get_public_access_block(client, bucket):
    """The four public-access-block flags as a dict; None when the bucket has no block."""
    response = client.get_public_access_block(Bucket=bucket)
    return dict(response.get("PublicAccessBlockConfiguration", {}))


@aws_call("write the public access block", "bucket {0}", retry_codes=AFTER_CREATE)
def put_public_access_block(client, bucket, config):
    client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=dict(config))


# --- object ownership --------------------------------------------------------------------------

@aws_call("read the object ownership", "bucket {0}", missing=("OwnershipControlsNotFoundError",))
def get_object_ownership(client, bucket):
    """The ObjectOwnership setting (e.g. ``BucketOwnerEnforced``); None when not set."""
    response = client.get_bucket_ownership_controls(Bucket=bucket)
    rules = response.get("OwnershipControls", {}).get("Rules", [])
    return rules[0].get("ObjectOwnership") if rules else None


@aws_call("write the object ownership", "bucket {0}", retry_codes=AFTER_CREATE)
def put_object_ownership(client, bucket, ownership):
    client.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]})


# --- objects -----------------------------------------------------------------------------------

@aws_call("look the object up", "object s3://{0}/{1}", missing=("404", "NoSuchKey", "NotFound"), default=False)
def object_exists(client, bucket, key):
    client.head_object(Bucket=bucket, Key=key)
    return True


@aws_call("write the object", "object s3://{0}/{1}", retry_codes=AFTER_CREATE)
def put_empty_object(client, bucket, key):
    client.put_object(Bucket=bucket, Key=key, Body=b"")


@aws_call("list the object versions", "bucket {0}")
def list_object_versions_page(client, bucket, key_marker=None, version_marker=None):
    """One page of ListObjectVersions: ``([(key, version id)], next key marker, next version marker)``.

    Versions and delete markers both count (either keeps DeleteBucket from succeeding). The next
    markers are None on the last page.
    """
    kwargs = dict(Bucket=bucket, MaxKeys=DELETE_BATCH)
    if key_marker:
        kwargs["KeyMarker"] = key_marker
        if version_marker:
            kwargs["VersionIdMarker"] = version_marker
    response = client.list_object_versions(**kwargs)
    items = [(item["Key"], item.get("VersionId")) for item in response.get("Versions", [])]
    items += [(item["Key"], item.get("VersionId")) for item in response.get("DeleteMarkers", [])]
    if response.get("IsTruncated"):
        return items, response.get("NextKeyMarker"), response.get("NextVersionIdMarker")
    return items, None, None


@aws_call("delete objects", "bucket {0}")
def delete_object_versions(client, bucket, items):
    """DeleteObjects for up to 1000 ``(key, version id)`` pairs; any per-object error fails."""
    objects = []
    for key, version in items:
        entry = {"Key": key}
        if version:
            entry["VersionId"] = version
        objects.append(entry)
    response = client.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    errors = response.get("Errors") or []
    if errors:
        first = errors[0]
        raise ClientError({"Error": {"Code": first.get("Code", "DeleteFailed"),
                                     "Message": "%d object(s) not deleted, first %s: %s"
                                     % (len(errors), first.get("Key"), first.get("Message", ""))}},
                          "DeleteObjects")


# --- bucket policy -----------------------------------------------------------------------------

@aws_call("read the bucket policy", "bucket {0}", missing=("NoSuchBucketPolicy",))
def get_bucket_policy(client, bucket):
    """The bucket policy as a dict; None when the bucket has no policy.

    A missing bucket raises FusionAWSError with code ``NoSuchBucket``.
    """
    response = client.get_bucket_policy(Bucket=bucket)
    return json.loads(response["Policy"])


@aws_call("write the bucket policy", "bucket {0}")
def put_bucket_policy(client, bucket, policy):
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy, sort_keys=False))


@aws_call("delete the bucket policy", "bucket {0}")
def delete_bucket_policy(client, bucket):
    client.delete_bucket_policy(Bucket=bucket)
