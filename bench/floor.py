#!/usr/bin/env python
"""The floor: provision.yml's per-org AWS work as a bare boto3 script, nothing else.

    python bench/floor.py --endpoint URL --orgs benchorg1,benchorg2,... [--workers 8]

The same calls as the fusion.pos org steps make for each org (read first, write only what is
missing; the same caller-identity read once), with none of Ansible: no inventory, no validation,
no per-org result, no diff. One boto3 session, one client per service, a thread pool of the same
size as the org steps use. bench/bench.py runs it as its own process (Python start-up and the
boto3 import included) and counts its calls with the emulator's recorder like any other scenario.
"""

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PUBLIC_ACCESS_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
                       "RestrictPublicBuckets": False}


def code(exc):
    return exc.response.get("Error", {}).get("Code", "")


def policy(bucket, account, org):
    user = "arn:aws:iam::%s:user/rms_%s" % (account, org)
    arn = "arn:aws:s3:::%s" % bucket
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "FusionPublicReadPub", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn + "/pub/*"},
        {"Sid": "FusionOrgUserObjects", "Effect": "Allow", "Principal": {"AWS": user},
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": arn + "/*"},
        {"Sid": "FusionOrgUserList", "Effect": "Allow", "Principal": {"AWS": user}, "Action": "s3:ListBucket", "Resource": arn}]})


def iam_user(iam, org):
    name = "rms_" + org
    try:
        iam.get_user(UserName=name)
    except ClientError as exc:
        if code(exc) != "NoSuchEntity":
            raise
        iam.create_user(UserName=name, Tags=[{"Key": "OrgId", "Value": org}])
        return
    iam.list_user_tags(UserName=name)
    try:
        iam.get_login_profile(UserName=name)
    except ClientError as exc:
        if code(exc) != "NoSuchEntity":
            raise
    iam.list_attached_user_policies(UserName=name)
    iam.list_user_policies(UserName=name)


def bucket(s3, org, account):
    name = "fusion-rms-" + org
    if not s3.list_buckets(Prefix=name).get("Buckets"):
        s3.create_bucket(Bucket=name, ObjectOwnership="BucketOwnerEnforced")
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "OrgId", "Value": org}]})
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK)
        s3.put_object(Bucket=name, Key="pub/", Body=b"")
        s3.put_bucket_policy(Bucket=name, Policy=policy(name, account, org))
        return
    s3.get_bucket_tagging(Bucket=name)
    s3.get_public_access_block(Bucket=name)
    s3.get_bucket_ownership_controls(Bucket=name)
    s3.head_object(Bucket=name, Key="pub/")
    s3.get_bucket_policy(Bucket=name)


def secrets(sm, org):
    for purpose in ("db-login", "rabbitmq"):
        path = "fusion-pos/qa/%s/%s" % (org, purpose)
        try:
            sm.describe_secret(SecretId=path)
        except ClientError as exc:
            if code(exc) != "ResourceNotFoundException":
                raise
            sm.create_secret(Name=path, SecretString="x" * 32, Tags=[{"Key": "OrgId", "Value": org}])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--orgs", required=True)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    orgs = [org for org in args.orgs.split(",") if org]
    session = boto3.session.Session(region_name="us-east-1")
    config = Config(retries={"total_max_attempts": 1})
    clients = dict((service, session.client(service, endpoint_url=args.endpoint, config=config))
                   for service in ("sts", "iam", "s3", "secretsmanager"))
    account = clients["sts"].get_caller_identity()["Account"]
    # Step by step for all orgs, as the org steps do: IAM users, then buckets, then secrets.
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(lambda org: iam_user(clients["iam"], org), orgs))
        list(pool.map(lambda org: bucket(clients["s3"], org, account), orgs))
        list(pool.map(lambda org: secrets(clients["secretsmanager"], org), orgs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
