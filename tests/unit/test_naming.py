"""The naming rules of docs/specification.md sections 2 and 3, as implemented by module_utils/_naming.py."""

import re

import pytest

from ansible_collections.fusion.pos.plugins.module_utils import _naming
from ansible_collections.fusion.pos.plugins.module_utils._naming import ORG_ID_RULE, NamingError

ACCOUNT = "123456789012"
ORG_40 = "a" + "b1" * 19 + "z"  # exactly 40 characters
ORG_41 = ORG_40 + "x"
HOST_15 = "POS" + "0" * 11 + "1"  # the longest POS host name (15 characters)


def test_the_40_character_sample_org_is_at_the_limit():
    assert len(ORG_40) == _naming.ORG_ID_MAX == 40
    assert len(ORG_41) == 41
    assert len(HOST_15) == 15


# --- section 3: every name pattern, for example orgs and hosts -------------------------------

NAME_TABLE = [
    # (function, args, expected)
    (_naming.iam_user_name, ("xmsqa1",), "rms_xmsqa1"),
    (_naming.iam_user_name, ("acme2024",), "rms_acme2024"),
    (_naming.bucket_name, ("xmsqa1",), "fusion-rms-xmsqa1"),
    (_naming.bucket_name, ("a",), "fusion-rms-a"),
    (_naming.bucket_name, (ORG_40,), "fusion-rms-" + ORG_40),
    (_naming.public_prefix, (), "pub/"),
    (_naming.org_tags, ("xmsqa1",), {"OrgId": "xmsqa1"}),
    (_naming.org_tags, ("xmsqa1", {"Team": "pos"}), {"OrgId": "xmsqa1", "Team": "pos"}),
    (_naming.org_tags, ("xmsqa1", {"OrgId": "xmsqa1"}), {"OrgId": "xmsqa1"}),
    (_naming.org_db_name, ("xmsqa1",), "POS_xmsqa1"),
    (_naming.org_db_login, ("xmsqa1",), "POS_xmsqa1_user"),
    (_naming.tenant_manager_db_name, ("POS01",), "POS_POS01"),
    (_naming.tenant_manager_login, ("POS01",), "POS_POS01_user"),
    (_naming.tenant_manager_db_name, ("POS123",), "POS_POS123"),
    (_naming.validate_rds_instance, ("db-POS-01",), "db-POS-01"),
    (_naming.validate_rds_instance, ("db-POS-123",), "db-POS-123"),
    (_naming.validate_broker, ("mq-POS-01",), "mq-POS-01"),
    (_naming.validate_pos_host, ("POS01",), "POS01"),
    (_naming.validate_pos_host, (HOST_15,), HOST_15),
    (_naming.hub_vhost, ("xmsqa1",), "xmsqa1"),
    (_naming.site_vhost, ("xmsqa1", "corp"), "xmsqa1_corp"),
    (_naming.site_vhost, ("xmsqa1", "store1"), "xmsqa1_store1"),
    (_naming.org_vhosts, ("xmsqa1",), ["xmsqa1", "xmsqa1_corp"]),
    (_naming.org_vhosts, ("xmsqa1", ["store1", "store2"]), ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1", "xmsqa1_store2"]),
    (_naming.org_vhosts, ("xmsqa1", ["corp", "store1", "store1"]), ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1"]),
    (_naming.rabbitmq_user, ("xmsqa1",), "rms_xmsqa1"),
    (_naming.tenant_host_name, ("xmsqa1",), "xmsqa1.fusionPOS.com"),
    (_naming.tenant_host_name, ("xmsqa1", "pos.example.com"), "xmsqa1.pos.example.com"),
    (_naming.secret_path, ("qa", "xmsqa1", "db-login"), "fusion-pos/qa/xmsqa1/db-login"),
    (_naming.secret_path, ("production", "db-POS-01", "master"), "fusion-pos/production/db-POS-01/master"),
    (_naming.secret_path, ("staging", "mq-POS-02", "admin"), "fusion-pos/staging/mq-POS-02/admin"),
    (_naming.secret_path, ("dev", "POS01", "seq-api-key"), "fusion-pos/dev/POS01/seq-api-key"),
    (_naming.iam_user_arn, ("xmsqa1", ACCOUNT), "arn:aws:iam::123456789012:user/rms_xmsqa1"),
    (_naming.iam_user_arn, ("xmsqa1", 123456789012), "arn:aws:iam::123456789012:user/rms_xmsqa1"),
    (_naming.iam_user_arn, ("xmsqa1", ACCOUNT, "aws-us-gov"), "arn:aws-us-gov:iam::123456789012:user/rms_xmsqa1"),
    (_naming.validate_account_id, (ACCOUNT,), ACCOUNT),
    (_naming.validate_site_id, ("store1",), "store1"),
    (_naming.validate_environment, ("demo",), "demo"),
    (_naming.validate_org_id, (ORG_40,), ORG_40),
]


@pytest.mark.parametrize("func, args, expected", NAME_TABLE,
                         ids=["%s%r" % (row[0].__name__, row[1]) for row in NAME_TABLE])
def test_name_follows_the_convention(func, args, expected):
    assert func(*args) == expected


@pytest.mark.parametrize("environment, production_account", [
    ("production", True), ("staging", True), ("qa", False), ("dev", False), ("demo", False),
])
def test_environment_decides_the_account(environment, production_account):
    assert _naming.account_fits_environment(environment) is production_account


# --- section 2: the org-ID rule -------------------------------------------------------------

BAD_ORG_IDS = [
    "",
    "XMSQA1",
    "Xmsqa1",
    "xms_qa1",
    "xms-qa1",
    "xms.qa1",
    "xms qa1",
    " xmsqa1",
    "xmsqa1 ",
    "xmsqa1\n",
    "\txmsqa1",
    "1xmsqa",
    "9",
    ORG_41,
    "a" * 100,
    "{{ org }}",
    "{{lookup('env','HOME')}}",
    "{% raw %}",
    "xmsqa1;rm -rf /",
    "$(id)",
    "`id`",
    "xms|qa1",
    "xms&qa1",
    "../etc",
    "org/xmsqa1",
    "/tmp/x",
    "xms\\qa1",
    "xmsqä1",
    "xmsqa\u0131",  # dotless i
    "\uff58msqa1",  # full-width x
    "xms\u200bqa1",  # zero-width space
    "xms\x00qa1",
    None,
    0,
    42,
    1.5,
    True,
    ["xmsqa1"],
    {"org": "xmsqa1"},
    b"xmsqa1",
]


def _bad_id(value):
    return repr(value)[:30]


def test_the_bad_id_table_is_large_enough():
    assert len(BAD_ORG_IDS) >= 20


@pytest.mark.parametrize("org", BAD_ORG_IDS, ids=_bad_id)
def test_bad_org_id_is_rejected_quoting_the_rule(org):
    with pytest.raises(NamingError) as err:
        _naming.validate_org_id(org)
    assert ORG_ID_RULE in str(err.value)
    assert "\n" not in str(err.value)


PER_ORG_FUNCTIONS = [
    _naming.bucket_name,
    _naming.bucket_fallback_names,
    _naming.iam_user_name,
    lambda org: _naming.iam_user_arn(org, ACCOUNT),
    _naming.org_tags,
    _naming.org_db_name,
    _naming.org_db_login,
    _naming.hub_vhost,
    lambda org: _naming.site_vhost(org, "store1"),
    _naming.org_vhosts,
    _naming.rabbitmq_user,
    _naming.tenant_host_name,
    lambda org: _naming.secret_path("qa", org, "db-login"),
    lambda org: _naming.org_bucket_policy_statements("fusion-rms-xmsqa1", ACCOUNT, org),
]
PER_ORG_IDS = ["bucket_name", "bucket_fallback_names", "iam_user_name", "iam_user_arn", "org_tags",
               "org_db_name", "org_db_login", "hub_vhost", "site_vhost", "org_vhosts", "rabbitmq_user",
               "tenant_host_name", "secret_path", "org_bucket_policy_statements"]


@pytest.mark.parametrize("derive", PER_ORG_FUNCTIONS, ids=PER_ORG_IDS)
@pytest.mark.parametrize("org", ["", "XMSQA1", "xms-qa1", "1xms", ORG_41, "{{ x }}", "$(id)", "xmsqa1\n", None, 7],
                         ids=_bad_id)
def test_every_per_org_name_rejects_a_bad_org_id(derive, org):
    with pytest.raises(NamingError) as err:
        derive(org)
    assert ORG_ID_RULE in str(err.value)


@pytest.mark.parametrize("derive", PER_ORG_FUNCTIONS, ids=PER_ORG_IDS)
def test_every_per_org_name_accepts_a_40_character_org(derive):
    assert derive(ORG_40)


@pytest.mark.parametrize("derive", PER_ORG_FUNCTIONS, ids=PER_ORG_IDS)
def test_every_per_org_name_rejects_a_41_character_org(derive):
    with pytest.raises(NamingError, match=re.escape(ORG_ID_RULE)):
        derive(ORG_41)


# --- fallback bucket names -----------------------------------------------------------------

@pytest.mark.parametrize("org", ["xmsqa1", "a", "acme2024", ORG_40])
def test_fallback_names_are_deterministic(org):
    assert _naming.bucket_fallback_names(org) == _naming.bucket_fallback_names(org)


@pytest.mark.parametrize("org", ["xmsqa1", "a", "acme2024", ORG_40])
def test_fallback_names_are_distinct_and_differ_from_the_convention_name(org):
    names = _naming.bucket_fallback_names(org)
    assert len(names) == _naming.FALLBACK_CANDIDATES
    assert len(set(names)) == len(names)
    assert _naming.bucket_name(org) not in names


@pytest.mark.parametrize("org", ["xmsqa1", "a", ORG_40])
def test_fallback_names_extend_the_convention_name_with_a_hash(org):
    for name in _naming.bucket_fallback_names(org):
        assert re.match(r"^%s-[0-9a-f]{8}\Z" % re.escape(_naming.bucket_name(org)), name)


def test_fallback_names_of_a_40_character_org_fit_the_bucket_limit():
    names = _naming.bucket_fallback_names(ORG_40)
    assert max(len(name) for name in names) <= 63
    for name in names:
        assert _naming.check_bucket_name(name) == name


def test_fallback_names_of_different_orgs_do_not_overlap():
    orgs = ["xmsqa1", "xmsqa2", "xmsqa", "acme", ORG_40]
    names = [name for org in orgs for name in _naming.bucket_fallback_names(org)]
    assert len(set(names)) == len(names)


def test_fallback_names_are_stable_across_releases():
    # A later run finds its bucket again only if the candidates never change: pin the first one.
    assert _naming.bucket_fallback_names("xmsqa1")[0] == "fusion-rms-xmsqa1-" + _sha8("xmsqa1:0")


def _sha8(text):
    import hashlib  # pylint: disable=import-outside-toplevel
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:8]


# --- every derived name within its limit ----------------------------------------------------

LIMITS = [
    # (what, derive from the longest inputs, limit, allowed characters)
    ("S3 bucket", lambda: _naming.bucket_name(ORG_40), 63, r"[a-z0-9.-]+"),
    ("S3 fallback bucket", lambda: max(_naming.bucket_fallback_names(ORG_40), key=len), 63, r"[a-z0-9.-]+"),
    ("IAM user", lambda: _naming.iam_user_name(ORG_40), 64, r"[A-Za-z0-9+=,.@_-]+"),
    ("org database", lambda: _naming.org_db_name(ORG_40), 128, r"[A-Za-z0-9_]+"),
    ("org database login", lambda: _naming.org_db_login(ORG_40), 128, r"[A-Za-z0-9_]+"),
    ("tenant-manager database", lambda: _naming.tenant_manager_db_name(HOST_15), 128, r"[A-Za-z0-9_]+"),
    ("tenant-manager login", lambda: _naming.tenant_manager_login(HOST_15), 128, r"[A-Za-z0-9_]+"),
    ("hub vhost", lambda: _naming.hub_vhost(ORG_40), 255, r"[a-z0-9_]+"),
    ("site vhost", lambda: _naming.site_vhost(ORG_40, "s" * 40), 255, r"[a-z0-9_]+"),
    ("RabbitMQ user", lambda: _naming.rabbitmq_user(ORG_40), 255, r"[a-z0-9_]+"),
    ("tenant DNS label", lambda: _naming.tenant_host_name(ORG_40).split(".")[0], 63, r"[a-z0-9]+"),
    ("tenant host name", lambda: _naming.tenant_host_name(ORG_40), 253, r"[A-Za-z0-9.-]+"),
    ("secret name", lambda: _naming.secret_path("production", ORG_40, "a" * 40), 512, r"[A-Za-z0-9/_+=.@-]+"),
    ("IAM user ARN", lambda: _naming.iam_user_arn(ORG_40, ACCOUNT), 2048, r"[A-Za-z0-9:/_+=,.@-]+"),
    ("RDS instance", lambda: _naming.validate_rds_instance("db-POS-" + "1" * 56), 63, r"[A-Za-z0-9-]+"),
    ("MQ broker", lambda: _naming.validate_broker("mq-POS-" + "1" * 43), 50, r"[A-Za-z0-9_-]+"),
    ("POS host (NetBIOS)", lambda: _naming.validate_pos_host(HOST_15), 15, r"[A-Za-z0-9]+"),
]


@pytest.mark.parametrize("what, derive, limit, charset", LIMITS, ids=[row[0] for row in LIMITS])
def test_derived_name_fits_its_limit(what, derive, limit, charset):
    name = derive()
    assert len(name) <= limit, what
    assert re.match(r"^%s\Z" % charset, name), what


# --- the other inputs: hosts, shared resources, sites, accounts, environments, secrets ---------

@pytest.mark.parametrize("func, value, rule", [
    (_naming.validate_pos_host, "POS1", _naming.POS_HOST_RULE),
    (_naming.validate_pos_host, "pos01", _naming.POS_HOST_RULE),
    (_naming.validate_pos_host, "POS-01", _naming.POS_HOST_RULE),
    (_naming.validate_pos_host, "POS01\n", _naming.POS_HOST_RULE),
    (_naming.validate_pos_host, HOST_15 + "1", _naming.POS_HOST_RULE),
    (_naming.validate_pos_host, "", _naming.POS_HOST_RULE),
    (_naming.validate_rds_instance, "db-POS-1", _naming.RDS_INSTANCE_RULE),
    (_naming.validate_rds_instance, "db-pos-01", _naming.RDS_INSTANCE_RULE),
    (_naming.validate_rds_instance, "db-POS-01\n", _naming.RDS_INSTANCE_RULE),
    (_naming.validate_rds_instance, "db-POS-" + "1" * 57, _naming.RDS_INSTANCE_RULE),
    (_naming.validate_broker, "mq-POS-1", _naming.BROKER_RULE),
    (_naming.validate_broker, "MQ-POS-01", _naming.BROKER_RULE),
    (_naming.validate_broker, "mq-POS-" + "1" * 44, _naming.BROKER_RULE),
    (_naming.validate_site_id, "Store1", _naming.SITE_ID_RULE),
    (_naming.validate_site_id, "store-1", _naming.SITE_ID_RULE),
    (_naming.validate_site_id, "1store", _naming.SITE_ID_RULE),
    (_naming.validate_site_id, "s" * 41, _naming.SITE_ID_RULE),
    (_naming.validate_account_id, "12345678901", "exactly 12 digits"),
    (_naming.validate_account_id, "1234567890123", "exactly 12 digits"),
    (_naming.validate_account_id, "12345678901a", "exactly 12 digits"),
    (_naming.validate_account_id, "123456789012\n", "exactly 12 digits"),
    (_naming.validate_account_id, None, "AWS account ID must be a string"),
    (_naming.validate_environment, "prod", "one of production, staging, qa, dev, demo"),
    (_naming.validate_environment, "QA", "one of production, staging, qa, dev, demo"),
    (_naming.validate_environment, None, "environment must be a string"),
])
def test_bad_input_is_rejected_quoting_its_rule(func, value, rule):
    with pytest.raises(NamingError) as err:
        func(value)
    assert rule in str(err.value)


@pytest.mark.parametrize("environment, owner, purpose, message", [
    ("qa", "xmsqa1", "DB-login", "invalid secret purpose"),
    ("qa", "xmsqa1", "db login", "invalid secret purpose"),
    ("qa", "xmsqa1", "db-login\n", "invalid secret purpose"),
    ("qa", "xmsqa1", "../x", "invalid secret purpose"),
    ("qa", "Xmsqa1", "db-login", "invalid secret owner"),
    ("qa", "../xmsqa1", "db-login", "invalid secret owner"),
    ("qa", "db-POS-1", "master", "invalid secret owner"),
    ("qa", ORG_41, "db-login", ORG_ID_RULE),
    ("prod", "xmsqa1", "db-login", "invalid environment"),
])
def test_bad_secret_path_input_is_rejected(environment, owner, purpose, message):
    with pytest.raises(NamingError, match=re.escape(message)):
        _naming.secret_path(environment, owner, purpose)


@pytest.mark.parametrize("extra", [{"OrgID": "xmsqa1"}, {"orgid": "x"}, {"OrgId": "other"}])
def test_extra_tags_cannot_respell_or_override_the_billing_tag(extra):
    with pytest.raises(NamingError, match="conflicts with the billing tag"):
        _naming.org_tags("xmsqa1", extra)


def test_org_tags_does_not_change_the_extra_tags_given():
    extra = {"Team": "pos"}
    _naming.org_tags("xmsqa1", extra)
    assert extra == {"Team": "pos"}


@pytest.mark.parametrize("domain", ["", "fusionPOS.com.", "bad_domain.com", "-x.com", "a..com"])
def test_tenant_host_name_rejects_a_bad_domain(domain):
    with pytest.raises(NamingError, match="DNS limit"):
        _naming.tenant_host_name("xmsqa1", domain)


@pytest.mark.parametrize("name", [
    "ab", "a" * 64, "Fusion-rms-x", "fusion_rms_x", "-fusion", "fusion-", "fusion..rms", "192.168.0.1",
    "xn--fusion", "sthree-fusion", "fusion-s3alias", "fusion--ol-s3", "fusion-rms-x\n",
])
def test_check_bucket_name_rejects_names_s3_refuses(name):
    with pytest.raises(NamingError, match="S3 bucket name"):
        _naming.check_bucket_name(name)


@pytest.mark.parametrize("name", ["abc", "a" * 63, "fusion-rms-xmsqa1", "fusion.rms.x"])
def test_check_bucket_name_accepts_valid_names(name):
    assert _naming.check_bucket_name(name) == name


# --- the bucket policy statements (section 4) ----------------------------------------------

def test_org_bucket_policy_statements_are_the_three_of_the_spec():
    statements = _naming.org_bucket_policy_statements("fusion-rms-xmsqa1", ACCOUNT, "xmsqa1")
    user = "arn:aws:iam::123456789012:user/rms_xmsqa1"
    assert statements == [
        {
            "Sid": "FusionPublicReadPub",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::fusion-rms-xmsqa1/pub/*",
        },
        {
            "Sid": "FusionOrgUserObjects",
            "Effect": "Allow",
            "Principal": {"AWS": user},
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": "arn:aws:s3:::fusion-rms-xmsqa1/*",
        },
        {
            "Sid": "FusionOrgUserList",
            "Effect": "Allow",
            "Principal": {"AWS": user},
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::fusion-rms-xmsqa1",
        },
    ]


def test_org_bucket_policy_statements_follow_a_fallback_bucket():
    bucket = _naming.bucket_fallback_names("xmsqa1")[2]
    statements = _naming.org_bucket_policy_statements(bucket, ACCOUNT, "xmsqa1")
    assert [s["Resource"] for s in statements] == [
        "arn:aws:s3:::%s/pub/*" % bucket, "arn:aws:s3:::%s/*" % bucket, "arn:aws:s3:::%s" % bucket,
    ]


def test_org_bucket_policy_statements_have_unique_stable_sids():
    first = _naming.org_bucket_policy_statements("fusion-rms-a", ACCOUNT, "a")
    second = _naming.org_bucket_policy_statements("fusion-rms-b", "210987654321", "b")
    assert [s["Sid"] for s in first] == [s["Sid"] for s in second]
    assert len({s["Sid"] for s in first}) == 3


def test_org_bucket_policy_statements_use_the_partition():
    statements = _naming.org_bucket_policy_statements("fusion-rms-a", ACCOUNT, "a", partition="aws-cn")
    assert statements[0]["Resource"].startswith("arn:aws-cn:s3:::")
    assert statements[1]["Principal"] == {"AWS": "arn:aws-cn:iam::123456789012:user/rms_a"}


@pytest.mark.parametrize("bucket, account, org, message", [
    ("Bad_Bucket", ACCOUNT, "xmsqa1", "S3 bucket name"),
    ("fusion-rms-xmsqa1", "1234", "xmsqa1", "exactly 12 digits"),
    ("fusion-rms-xmsqa1", ACCOUNT, "XMSQA1", ORG_ID_RULE),
])
def test_org_bucket_policy_statements_reject_bad_input(bucket, account, org, message):
    with pytest.raises(NamingError, match=re.escape(message)):
        _naming.org_bucket_policy_statements(bucket, account, org)
