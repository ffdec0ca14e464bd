# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one source of truth for fusion.pos names (docs/specification.md sections 2 and 3).

Every role, module, filter and test derives names from here; nothing else spells a pattern.
Each function validates its inputs and checks the derived name against the AWS (or SQL Server,
RabbitMQ, DNS) limits of the thing it names, raising NamingError with a message that quotes the rule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
import threading

ORG_ID_RULE = (
    "an org ID is 1 to 40 characters, lower-case letters and digits only, "
    "starting with a letter (^[a-z][a-z0-9]*$)"
)
ORG_ID_MAX = 40
# \Z, not $: "$" also matches before a trailing newline, which would let "xmsqa1\n" through.
_ORG_ID_RE = re.compile(r"^[a-z][a-z0-9]*\Z")

ENVIRONMENTS = ("production", "staging", "qa", "dev", "demo")
PRODUCTION_ACCOUNT_ENVIRONMENTS = ("production", "staging")

BUCKET_PREFIX = "fusion-rms-"
PUBLIC_PREFIX = "pub/"
ORG_TAG_KEY = "OrgId"
IAM_USER_PREFIX = "rms_"
DEFAULT_POS_DOMAIN = "fusionPOS.com"
TENANT_RECIPE = "POS_Tenant"
SECRET_ROOT = "fusion-pos"
FALLBACK_CANDIDATES = 5

RDS_INSTANCE_RULE = "an RDS instance is named db-POS-NN (two or more digits, e.g. db-POS-01)"
BROKER_RULE = "an Amazon MQ broker is named mq-POS-NN (two or more digits, e.g. mq-POS-01)"
POS_HOST_RULE = "a POS host is named POSNN (two or more digits, e.g. POS01)"
SITE_ID_RULE = "a site ID is lower-case letters and digits, starting with a letter (e.g. store1)"
_RDS_RE = re.compile(r"^db-POS-[0-9]{2,}\Z")
_BROKER_RE = re.compile(r"^mq-POS-[0-9]{2,}\Z")
_HOST_RE = re.compile(r"^POS[0-9]{2,}\Z")
_SITE_RE = re.compile(r"^[a-z][a-z0-9]*\Z")
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", "--x-s3", "--table-s3")
_IAM_USER_RE = re.compile(r"^[A-Za-z0-9+=,.@_-]{1,64}\Z")
_DNS_LABEL_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")
_SECRET_RE = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}\Z")
_PURPOSE_RE = re.compile(r"^[a-z][a-z0-9-]*\Z")
_SQL_IDENTIFIER_MAX = 128
_VHOST_MAX = 255


class NamingError(ValueError):
    """A name or an input to a name breaks a fusion.pos naming rule."""


REGION_RULE = "an AWS region botocore knows, such as us-east-1"
# The shape of a region name, for when botocore's list cannot be read (botocore missing).
_REGION_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]+\Z")
_KNOWN_REGIONS = []
_KNOWN_REGIONS_LOCK = threading.Lock()


def known_regions(loader=None):
    """The regions of every AWS partition, as botocore's endpoint data lists them (read once per process).

    ``loader``: a botocore loader whose data to use (the warmed one of ``_aws.warm_up``, so the data is
    parsed once in ansible's main process and inherited by its workers). The lock keeps an org step's
    threads from parsing the data once each.
    """
    with _KNOWN_REGIONS_LOCK:
        if not _KNOWN_REGIONS:
            try:
                if loader is None:
                    from botocore.loaders import create_loader  # pylint: disable=import-outside-toplevel
                    loader = create_loader()
                data = loader.load_data("endpoints")
            except Exception:  # pylint: disable=broad-except  # botocore missing or unreadable: shape only
                return None
            for partition in data.get("partitions", []):
                _KNOWN_REGIONS.extend(sorted(partition.get("regions", {})))
    return _KNOWN_REGIONS


def validate_region(region):
    """Return ``region`` when AWS has it (botocore's list), raise NamingError otherwise.

    One rule for every playbook, module and inventory check: a string, ``\\Z``-anchored (no trailing
    newline), and one of botocore's regions (``ap-southeast-10`` passes only once botocore knows it).
    """
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise NamingError("invalid AWS region %r: %s" % (region, REGION_RULE))
    regions = known_regions()
    if regions is not None and region not in regions:
        raise NamingError("unknown AWS region %r: not among the %d regions botocore knows (e.g. us-east-1, eu-west-1)"
                          % (region, len(regions)))
    return region


# --- the parts of the shared infrastructure (docs/shared-infrastructure.md, "Names") ---------------

SUBNET_KINDS = ("public", "private")
SECURITY_GROUP_PURPOSES = ("ops", "db", "host")
SECURITY_GROUP_RULE = "a POS security group is SG-POS-<purpose>, purpose one of ops, db, host"
_AZ_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]+[a-z]\Z")
_NAME_TAG_MAX = 256
_SG_NAME_MAX = 255
_DB_SUBNET_GROUP_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,254}\Z")
_SSM_PARAMETER_RE = re.compile(r"^/[A-Za-z0-9_.\-/]{1,1010}\Z")


def _name_tag(name, what):
    if len(name) > _NAME_TAG_MAX:
        raise NamingError("derived %s %r breaks the AWS limit: a Name tag holds at most %d characters" % (what, name, _NAME_TAG_MAX))
    return name


def validate_availability_zone(az):
    """Return ``az`` when it has the shape of an availability zone of a region AWS has (``us-east-1a``)."""
    az = _text(az, "availability zone")
    if not _AZ_RE.match(az):
        raise NamingError("invalid availability zone %r: a region followed by one letter, e.g. us-east-1a" % az)
    validate_region(az[:-1])
    return az


def _subnet_kind(kind):
    if kind not in SUBNET_KINDS:
        raise NamingError("invalid subnet kind %r: one of %s" % (kind, ", ".join(SUBNET_KINDS)))
    return kind


def vpc_name(region):
    """``vpc-POS-<region>``: the Name tag of the region's POS VPC."""
    return _name_tag("vpc-POS-%s" % validate_region(region), "VPC name")


def igw_name(region):
    """``igw-POS-<region>``: the Name tag of the VPC's internet gateway."""
    return _name_tag("igw-POS-%s" % validate_region(region), "internet gateway name")


def subnet_name(kind, az):
    """``subnet-POS-<public|private>-<az>``: the Name tag of a subnet of the POS VPC."""
    return _name_tag("subnet-POS-%s-%s" % (_subnet_kind(kind), validate_availability_zone(az)), "subnet name")


def route_table_name(kind, region):
    """``rtb-POS-<public|private>-<region>``: the Name tag of a route table of the POS VPC."""
    return _name_tag("rtb-POS-%s-%s" % (_subnet_kind(kind), validate_region(region)), "route table name")


def db_subnet_group_name(region):
    """``db-subnets-pos-public-<region>``: the RDS DB subnet group on the public subnets.

    RDS stores subnet group names in lower case; it is spelled that way so that it reads back the same.
    """
    return _check("db-subnets-pos-public-%s" % validate_region(region), _DB_SUBNET_GROUP_RE, "DB subnet group name",
                  "1 to 255 lower-case letters, digits and '-'")


def security_group_name(purpose):
    """``SG-POS-OPS`` (operators), ``SG-POS-DB`` (databases), ``SG-POS-HOST`` (POS hosts)."""
    if purpose not in SECURITY_GROUP_PURPOSES:
        raise NamingError("invalid security group purpose %r: %s" % (purpose, SECURITY_GROUP_RULE))
    name = "SG-POS-%s" % purpose.upper()
    if len(name) > _SG_NAME_MAX:  # pragma: no cover - the purposes are short
        raise NamingError("derived security group name %r breaks the AWS limit of %d characters" % (name, _SG_NAME_MAX))
    return name


def management_url_parameter(environment, broker):
    """``/fusion-pos/<environment>/<broker>/management-url``: the SSM parameter of a broker's management URL."""
    return _check("/" + secret_path(environment, validate_broker(broker), "management-url"), _SSM_PARAMETER_RE,
                  "SSM parameter name", "1 to 1011 of A-Za-z0-9_.-/")


def _text(value, what):
    if not isinstance(value, str):
        raise NamingError("%s must be a string, got %s %r" % (what, type(value).__name__, value))
    return value


def validate_org_id(org):
    """Return ``org`` when it follows the org-ID rule; raise NamingError quoting the rule otherwise."""
    if not isinstance(org, str):
        raise NamingError("invalid org ID %r (a %s, not a string): %s" % (org, type(org).__name__, ORG_ID_RULE))
    if not _ORG_ID_RE.match(org) or len(org) > ORG_ID_MAX:
        raise NamingError("invalid org ID %r: %s" % (org, ORG_ID_RULE))
    return org


def validate_environment(environment):
    environment = _text(environment, "environment")
    if environment not in ENVIRONMENTS:
        raise NamingError(
            "invalid environment %r: one of %s" % (environment, ", ".join(ENVIRONMENTS))
        )
    return environment


def _check(name, pattern, what, limit_text):
    if not pattern.match(name):
        raise NamingError("derived %s %r breaks the AWS limit: %s" % (what, name, limit_text))
    return name


def bucket_name(org):
    """``fusion-rms-<org>``, the convention name of the org's S3 bucket."""
    return check_bucket_name(BUCKET_PREFIX + validate_org_id(org))


def bucket_fallback_names(org):
    """Deterministic fallback bucket names, tried in order when the convention name is taken.

    ``fusion-rms-<org>-<8 hex digits of sha256("<org>:<n>")>``: the same org always gets the same
    candidates, so a later run finds its bucket again without any state kept outside AWS.
    """
    base = bucket_name(org)
    names = []
    for index in range(FALLBACK_CANDIDATES):
        digest = hashlib.sha256(("%s:%d" % (org, index)).encode("ascii")).hexdigest()[:8]
        names.append(check_bucket_name("%s-%s" % (base, digest)))
    return names


def check_bucket_name(name):
    name = _text(name, "bucket name")
    _check(name, _BUCKET_RE, "S3 bucket name", "3 to 63 characters, lower-case letters, digits, '.' and '-'")
    if ".." in name or re.match(r"^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\Z", name):
        raise NamingError("derived S3 bucket name %r breaks the AWS limit: no '..', not an IP address" % name)
    if name.startswith(_BUCKET_RESERVED_PREFIXES) or name.endswith(_BUCKET_RESERVED_SUFFIXES):
        raise NamingError(
            "derived S3 bucket name %r breaks the AWS limit: no prefix %s, no suffix %s"
            % (name, ", ".join(_BUCKET_RESERVED_PREFIXES), ", ".join(_BUCKET_RESERVED_SUFFIXES))
        )
    return name


def public_prefix():
    return PUBLIC_PREFIX


def iam_user_name(org):
    return _check(IAM_USER_PREFIX + validate_org_id(org), _IAM_USER_RE, "IAM user name", "1 to 64 of A-Za-z0-9+=,.@_-")


def iam_user_arn(org, account_id, partition="aws"):
    account_id = validate_account_id(account_id)
    return "arn:%s:iam::%s:user/%s" % (partition, account_id, iam_user_name(org))


def validate_account_id(account_id):
    account_id = str(account_id) if isinstance(account_id, int) else _text(account_id, "AWS account ID")
    if not re.match(r"^[0-9]{12}\Z", account_id):
        raise NamingError("invalid AWS account ID %r: exactly 12 digits" % account_id)
    return account_id


def org_tags(org, extra=None):
    """The tags every per-org resource carries: ``OrgId=<org>`` plus any extra tags."""
    org = validate_org_id(org)
    tags = dict(extra or {})
    for key, value in tags.items():
        if str(key).lower() == ORG_TAG_KEY.lower() and (key != ORG_TAG_KEY or value != org):
            raise NamingError(
                "extra tag %s=%r conflicts with the billing tag: it is spelled %s and its value is the org ID %r"
                % (key, value, ORG_TAG_KEY, org)
            )
    tags[ORG_TAG_KEY] = org
    return tags


def _sql_identifier(name, what):
    if len(name) > _SQL_IDENTIFIER_MAX:
        raise NamingError("derived %s %r breaks the SQL Server limit of %d characters" % (what, name, _SQL_IDENTIFIER_MAX))
    return name


def org_db_name(org):
    return _sql_identifier("POS_%s" % validate_org_id(org), "database name")


def org_db_login(org):
    return _sql_identifier("POS_%s_user" % validate_org_id(org), "database login")


def _matching(value, what, pattern, max_length, rule):
    """``value`` when it is a string matching ``pattern`` of at most ``max_length`` characters;
    otherwise NamingError ``invalid <what> <value>: <rule>``."""
    value = _text(value, what)
    if not pattern.match(value) or len(value) > max_length:
        raise NamingError("invalid %s %r: %s" % (what, value, rule))
    return value


def validate_pos_host(host):
    return _matching(host, "POS host name", _HOST_RE, 15, POS_HOST_RULE + ", at most 15 characters")


def validate_rds_instance(name):
    return _matching(name, "RDS instance name", _RDS_RE, 63, RDS_INSTANCE_RULE)


def validate_broker(name):
    return _matching(name, "broker name", _BROKER_RE, 50, BROKER_RULE)


def validate_site_id(site):
    return _matching(site, "site ID", _SITE_RE, 40, SITE_ID_RULE)


def tenant_manager_db_name(host):
    return _sql_identifier("POS_%s" % validate_pos_host(host), "database name")


def tenant_manager_login(host):
    return _sql_identifier("POS_%s_user" % validate_pos_host(host), "database login")


def _vhost(name):
    if len(name) > _VHOST_MAX:
        raise NamingError("derived RabbitMQ vhost %r breaks the limit of %d characters" % (name, _VHOST_MAX))
    return name


def hub_vhost(org):
    return _vhost(validate_org_id(org))


def site_vhost(org, site):
    return _vhost("%s_%s" % (validate_org_id(org), validate_site_id(site)))


def org_vhosts(org, sites=None):
    """The hub vhost, ``<org>_corp`` and one ``<org>_<site>`` per site, without duplicates."""
    names = [hub_vhost(org), site_vhost(org, "corp")]
    for site in sites or []:
        name = site_vhost(org, site)
        if name not in names:
            names.append(name)
    return names


def rabbitmq_user(org):
    return "%s_%s" % (IAM_USER_PREFIX.rstrip("_"), validate_org_id(org))


def tenant_host_name(org, domain=DEFAULT_POS_DOMAIN):
    label = _check(validate_org_id(org), _DNS_LABEL_RE, "DNS label", "1 to 63 letters, digits and '-'")
    domain = _text(domain, "POS domain")
    host = "%s.%s" % (label, domain)
    if len(host) > 253 or not all(_DNS_LABEL_RE.match(part) for part in domain.split(".")):
        raise NamingError("derived tenant host name %r breaks the DNS limit: labels of 1 to 63 letters, digits and '-', 253 in all" % host)
    return host


def secret_path(environment, owner, purpose):
    """``fusion-pos/<environment>/<org or shared resource>/<purpose>`` (a Secrets Manager name)."""
    environment = validate_environment(environment)
    if isinstance(owner, str) and _ORG_ID_RE.match(owner):
        validate_org_id(owner)
    elif not (isinstance(owner, str) and (_RDS_RE.match(owner) or _BROKER_RE.match(owner) or _HOST_RE.match(owner))):
        raise NamingError(
            "invalid secret owner %r: a shared resource name (db-POS-NN, mq-POS-NN, POSNN) or an org ID, and %s"
            % (owner, ORG_ID_RULE)
        )
    purpose = _text(purpose, "secret purpose")
    if not _PURPOSE_RE.match(purpose):
        raise NamingError("invalid secret purpose %r: lower-case letters, digits and '-', starting with a letter" % purpose)
    return _check("%s/%s/%s/%s" % (SECRET_ROOT, environment, owner, purpose), _SECRET_RE, "secret name", "1 to 512 of A-Za-z0-9/_+=.@-")


def account_fits_environment(environment):
    """True when the environment belongs in the POS Production account."""
    return validate_environment(environment) in PRODUCTION_ACCOUNT_ENVIRONMENTS


def org_bucket_policy_statements(bucket, account_id, org, partition="aws"):
    """The three statements of docs/specification.md section 4.4, each with a stable Sid."""
    bucket = check_bucket_name(bucket)
    user_arn = iam_user_arn(org, account_id, partition)
    bucket_arn = "arn:%s:s3:::%s" % (partition, bucket)
    return [
        {
            "Sid": "FusionPublicReadPub",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "%s/%s*" % (bucket_arn, PUBLIC_PREFIX),
        },
        {
            "Sid": "FusionOrgUserObjects",
            "Effect": "Allow",
            "Principal": {"AWS": user_arn},
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": "%s/*" % bucket_arn,
        },
        {
            "Sid": "FusionOrgUserList",
            "Effect": "Allow",
            "Principal": {"AWS": user_arn},
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
        },
    ]
