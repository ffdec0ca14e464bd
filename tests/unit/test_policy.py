"""The policy normaliser and the statement merge of module_utils/_policy.py."""

import json

import pytest

from ansible_collections.fusion.pos.plugins.module_utils import _policy

ACCOUNT = "123456789012"
ROOT = "arn:aws:iam::%s:root" % ACCOUNT
USER = "arn:aws:iam::%s:user/rms_acme" % ACCOUNT
BUCKET_ARN = "arn:aws:s3:::fusion-rms-acme"


def statement(sid="S1", **fields):
    base = {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": USER}, "Action": "s3:GetObject", "Resource": BUCKET_ARN + "/*"}
    base.update(fields)
    return base


EQUAL_STATEMENTS = [
    ("action-scalar-vs-list", statement(), statement(Action=["s3:GetObject"])),
    ("action-order", statement(Action=["s3:PutObject", "s3:GetObject"]), statement(Action=["s3:GetObject", "s3:PutObject"])),
    ("action-duplicates", statement(Action=["s3:GetObject", "s3:GetObject"]), statement()),
    ("resource-scalar-vs-list", statement(), statement(Resource=[BUCKET_ARN + "/*"])),
    ("not-action-scalar-vs-list", statement(NotAction="s3:DeleteBucket"), statement(NotAction=["s3:DeleteBucket"])),
    ("principal-star-vs-aws-star", statement(Principal="*"), statement(Principal={"AWS": "*"})),
    ("principal-aws-star-list", statement(Principal={"AWS": "*"}), statement(Principal={"AWS": ["*"]})),
    ("account-id-vs-root-arn", statement(Principal={"AWS": ACCOUNT}), statement(Principal={"AWS": ROOT})),
    ("account-id-in-list", statement(Principal={"AWS": [USER, ACCOUNT]}), statement(Principal={"AWS": [ROOT, USER]})),
    ("service-principal-scalar-vs-list", statement(Principal={"Service": "logging.s3.amazonaws.com"}),
     statement(Principal={"Service": ["logging.s3.amazonaws.com"]})),
    ("not-principal", statement(Principal=None, NotPrincipal={"AWS": ACCOUNT}), statement(Principal=None, NotPrincipal={"AWS": ROOT})),
    ("condition-value-scalar-vs-list", statement(Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}}),
     statement(Condition={"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}})),
    ("condition-bool-vs-text", statement(Condition={"Bool": {"aws:SecureTransport": False}}),
     statement(Condition={"Bool": {"aws:SecureTransport": "false"}})),
    ("key-order", {"Effect": "Allow", "Sid": "S1", "Resource": BUCKET_ARN + "/*", "Action": "s3:GetObject", "Principal": {"AWS": USER}},
     statement()),
]

DIFFERENT_STATEMENTS = [
    ("other-action", statement(), statement(Action="s3:PutObject")),
    ("extra-action", statement(), statement(Action=["s3:GetObject", "s3:PutObject"])),
    ("effect", statement(), statement(Effect="Deny")),
    ("other-account", statement(Principal={"AWS": ACCOUNT}), statement(Principal={"AWS": "arn:aws:iam::111122223333:root"})),
    ("star-vs-account", statement(Principal="*"), statement(Principal={"AWS": ACCOUNT})),
    ("sid", statement(), statement(sid="S2")),
    ("condition-value", statement(Condition={"Bool": {"aws:SecureTransport": "false"}}),
     statement(Condition={"Bool": {"aws:SecureTransport": "true"}})),
    ("resource", statement(), statement(Resource=BUCKET_ARN)),
]


@pytest.mark.parametrize("left, right", [case[1:] for case in EQUAL_STATEMENTS], ids=[case[0] for case in EQUAL_STATEMENTS])
def test_equivalent_statements_normalise_equal(left, right):
    assert _policy.statements_equal(left, right)
    assert _policy.canonical_json(_policy.normalize_statement(left)) == _policy.canonical_json(_policy.normalize_statement(right))


@pytest.mark.parametrize("left, right", [case[1:] for case in DIFFERENT_STATEMENTS], ids=[case[0] for case in DIFFERENT_STATEMENTS])
def test_different_statements_stay_different(left, right):
    assert not _policy.statements_equal(left, right)


@pytest.mark.parametrize("partition, expected", [("aws", "arn:aws:iam::%s:root"), ("aws-cn", "arn:aws-cn:iam::%s:root")])
def test_account_id_becomes_the_root_arn_of_the_partition(partition, expected):
    normal = _policy.normalize_principal({"AWS": ACCOUNT}, partition)
    assert normal == {"AWS": [expected % ACCOUNT]}


def test_policy_statement_order_does_not_matter():
    one, two = statement("A"), statement("B", Action="s3:PutObject")
    assert _policy.policies_equal({"Version": "2012-10-17", "Statement": [one, two]},
                                  {"Version": "2012-10-17", "Statement": [two, one]})


def test_policy_as_json_text_equals_the_same_policy_as_dict():
    policy = {"Version": "2012-10-17", "Statement": [statement()]}
    assert _policy.policies_equal(json.dumps(policy), policy)


def test_single_statement_mapping_equals_a_one_element_list():
    assert _policy.policies_equal({"Statement": statement()}, {"Statement": [statement()]})


def test_version_and_id_are_kept_and_compared():
    policy = {"Version": "2008-10-17", "Id": "P1", "Statement": [statement()]}
    normal = _policy.normalize_policy(policy)
    assert normal["Version"] == "2008-10-17" and normal["Id"] == "P1"
    assert not _policy.policies_equal(policy, dict(policy, Version="2012-10-17"))


def test_no_policy_stays_none():
    assert _policy.normalize_policy(None) is None


@pytest.mark.parametrize("principal", ["somebody", ["*"], 42])
def test_principal_that_is_neither_star_nor_mapping_is_refused(principal):
    with pytest.raises(ValueError, match="principal"):
        _policy.normalize_principal(principal)


def test_normalising_does_not_change_the_input():
    original = statement(Action=["s3:PutObject", "s3:GetObject"], Principal="*")
    copy = json.loads(json.dumps(original))
    _policy.normalize_statement(original)
    assert original == copy


# --- merge and removal by Sid ------------------------------------------------------------------

OTHER = statement("Other", Action="s3:ListBucket", Resource=BUCKET_ARN)
NO_SID = {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": BUCKET_ARN}

MERGES = [
    # id, current, desired, purge, expected
    ("adds-new-sid-at-the-end", [OTHER], [statement("A")], False, [OTHER, statement("A")]),
    ("keeps-equivalent-current-as-is", [statement("A", Action=["s3:GetObject"])], [statement("A")], False,
     [statement("A", Action=["s3:GetObject"])]),
    ("replaces-changed-sid-in-place", [statement("A"), OTHER], [statement("A", Effect="Deny")], False,
     [statement("A", Effect="Deny"), OTHER]),
    ("keeps-statements-without-sid", [NO_SID], [statement("A")], False, [NO_SID, statement("A")]),
    ("purge-drops-unlisted-and-sidless", [OTHER, NO_SID, statement("A")], [statement("A")], True, [statement("A")]),
    ("drops-duplicate-current-sid", [statement("A"), statement("A", Effect="Deny")], [statement("A")], False, [statement("A")]),
    ("empty-current", [], [statement("A"), statement("B")], False, [statement("A"), statement("B")]),
    ("purge-to-nothing", [OTHER], [], True, []),
]


@pytest.mark.parametrize("current, desired, purge, expected", [case[1:] for case in MERGES], ids=[case[0] for case in MERGES])
def test_merge_statements_by_sid(current, desired, purge, expected):
    assert _policy.merge_statements(current, desired, purge) == expected


@pytest.mark.parametrize("current, sids, expected", [
    ([OTHER, statement("A")], ["A"], [OTHER]),
    ([OTHER, NO_SID], ["A"], [OTHER, NO_SID]),
    ([statement("A")], ["A"], []),
    (None, ["A"], []),
], ids=["removes-listed", "missing-sid-is-no-change", "removes-last", "no-policy"])
def test_remove_statements_by_sid(current, sids, expected):
    assert _policy.remove_statements(current, sids) == expected
