"""The naming filters (plugins/filter/naming.py): as Python callables and through real Ansible templating."""

import json
import pathlib
import subprocess
import sys

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.fusion.pos.plugins.filter.naming import FilterModule
from ansible_collections.fusion.pos.plugins.module_utils._naming import ORG_ID_RULE

REPO = pathlib.Path(__file__).resolve().parents[2]
FILTERS = FilterModule().filters()

DOCUMENTED = [
    "org_id", "bucket_name", "bucket_fallback_names", "iam_user_name", "iam_user_arn", "org_tags",
    "org_db_name", "org_db_login", "tenant_manager_db_name", "tenant_manager_login", "hub_vhost",
    "site_vhost", "org_vhosts", "rabbitmq_user", "tenant_host_name", "secret_path", "rds_instance_name",
    "broker_name", "pos_host_name", "site_id", "environment_name", "account_id", "org_bucket_policy_statements",
    "vpc_name", "internet_gateway_name", "subnet_name", "route_table_name", "db_subnet_group_name",
    "security_group_name", "management_url_parameter",
]

# (filter, input, args, expected)
FILTER_TABLE = [
    ("org_id", "xmsqa1", [], "xmsqa1"),
    ("bucket_name", "xmsqa1", [], "fusion-rms-xmsqa1"),
    ("iam_user_name", "xmsqa1", [], "rms_xmsqa1"),
    ("iam_user_arn", "xmsqa1", ["123456789012"], "arn:aws:iam::123456789012:user/rms_xmsqa1"),
    ("org_tags", "xmsqa1", [], {"OrgId": "xmsqa1"}),
    ("org_tags", "xmsqa1", [{"Team": "pos"}], {"OrgId": "xmsqa1", "Team": "pos"}),
    ("org_db_name", "xmsqa1", [], "POS_xmsqa1"),
    ("org_db_login", "xmsqa1", [], "POS_xmsqa1_user"),
    ("tenant_manager_db_name", "POS01", [], "POS_POS01"),
    ("tenant_manager_login", "POS01", [], "POS_POS01_user"),
    ("hub_vhost", "xmsqa1", [], "xmsqa1"),
    ("site_vhost", "xmsqa1", ["store1"], "xmsqa1_store1"),
    ("org_vhosts", "xmsqa1", [["store1"]], ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1"]),
    ("rabbitmq_user", "xmsqa1", [], "rms_xmsqa1"),
    ("tenant_host_name", "xmsqa1", [], "xmsqa1.fusionPOS.com"),
    ("secret_path", "xmsqa1", ["qa", "db-login"], "fusion-pos/qa/xmsqa1/db-login"),
    ("secret_path", "db-POS-01", ["production", "master"], "fusion-pos/production/db-POS-01/master"),
    ("rds_instance_name", "db-POS-01", [], "db-POS-01"),
    ("broker_name", "mq-POS-01", [], "mq-POS-01"),
    ("pos_host_name", "POS01", [], "POS01"),
    ("site_id", "store1", [], "store1"),
    ("environment_name", "qa", [], "qa"),
    ("account_id", "123456789012", [], "123456789012"),
    ("vpc_name", "us-east-1", [], "vpc-POS-us-east-1"),
    ("internet_gateway_name", "eu-west-2", [], "igw-POS-eu-west-2"),
    ("subnet_name", "us-east-1a", ["public"], "subnet-POS-public-us-east-1a"),
    ("route_table_name", "us-east-1", ["private"], "rtb-POS-private-us-east-1"),
    ("db_subnet_group_name", "us-east-1", [], "db-subnets-pos-public-us-east-1"),
    ("security_group_name", "ops", [], "SG-POS-OPS"),
    ("security_group_name", "db", [], "SG-POS-DB"),
    ("security_group_name", "host", [], "SG-POS-HOST"),
    ("management_url_parameter", "mq-POS-01", ["qa"], "/fusion-pos/qa/mq-POS-01/management-url"),
]

# (filter, input, args, text the error must contain)
BAD_TABLE = [
    ("org_id", "Bad-Org", [], ORG_ID_RULE),
    ("bucket_name", "XMSQA1", [], ORG_ID_RULE),
    ("bucket_fallback_names", "xms_qa1", [], ORG_ID_RULE),
    ("iam_user_name", "{{ x }}", [], ORG_ID_RULE),
    ("iam_user_arn", "xmsqa1", ["12"], "exactly 12 digits"),
    ("org_tags", "$(id)", [], ORG_ID_RULE),
    ("org_db_name", "1org", [], ORG_ID_RULE),
    ("org_db_login", "a" * 41, [], ORG_ID_RULE),
    ("tenant_manager_db_name", "pos01", [], "a POS host is named POSNN"),
    ("hub_vhost", "org;rm", [], ORG_ID_RULE),
    ("site_vhost", "xmsqa1", ["Store 1"], "a site ID is lower-case letters and digits"),
    ("org_vhosts", "../x", [], ORG_ID_RULE),
    ("rabbitmq_user", "", [], ORG_ID_RULE),
    ("tenant_host_name", "xms.qa1", [], ORG_ID_RULE),
    ("secret_path", "xmsqa1", ["prod", "db-login"], "invalid environment"),
    ("rds_instance_name", "db-POS-1", [], "an RDS instance is named db-POS-NN"),
    ("broker_name", "mq-pos-01", [], "an Amazon MQ broker is named mq-POS-NN"),
    ("pos_host_name", "POS1", [], "a POS host is named POSNN"),
    ("environment_name", "production1", [], "invalid environment"),
    ("org_bucket_policy_statements", "fusion-rms-xmsqa1", ["123456789012", "XMSQA1"], ORG_ID_RULE),
    ("vpc_name", "zz-nowhere-1", [], "unknown AWS region"),
    ("internet_gateway_name", "us-east-1\n", [], "invalid AWS region"),
    ("subnet_name", "us-east-1", ["public"], "invalid availability zone"),
    ("subnet_name", "us-east-1a", ["dmz"], "invalid subnet kind"),
    ("route_table_name", "us-east-1", ["shared"], "invalid subnet kind"),
    ("db_subnet_group_name", "US-EAST-1", [], "invalid AWS region"),
    ("security_group_name", "OPS", [], "a POS security group is SG-POS-<purpose>"),
    ("management_url_parameter", "mq-POS-1", ["qa"], "an Amazon MQ broker is named mq-POS-NN"),
]


def test_every_documented_filter_exists_and_nothing_else():
    assert sorted(FILTERS) == sorted(DOCUMENTED)


@pytest.mark.parametrize("name", DOCUMENTED)
def test_every_filter_has_its_documentation_file(name):
    doc = REPO / "plugins" / "filter" / ("%s.yml" % name)
    assert doc.is_file(), doc
    assert ("name: %s" % name) in doc.read_text()


@pytest.mark.parametrize("name, value, args, expected", FILTER_TABLE, ids=[row[0] for row in FILTER_TABLE])
def test_filter_derives_the_name(name, value, args, expected):
    assert FILTERS[name](value, *args) == expected


@pytest.mark.parametrize("name, value, args, rule", BAD_TABLE, ids=[row[0] for row in BAD_TABLE])
def test_filter_raises_ansible_filter_error_quoting_the_rule(name, value, args, rule):
    with pytest.raises(AnsibleFilterError) as err:
        FILTERS[name](value, *args)
    assert rule in str(err.value)


def test_fallback_names_filter_matches_the_naming_module():
    assert FILTERS["bucket_fallback_names"]("xmsqa1")[0].startswith("fusion-rms-xmsqa1-")
    assert len(FILTERS["bucket_fallback_names"]("xmsqa1")) == 5


def test_policy_statements_filter_builds_the_three_statements():
    statements = FILTERS["org_bucket_policy_statements"]("fusion-rms-xmsqa1", "123456789012", "xmsqa1")
    assert [s["Sid"] for s in statements] == ["FusionPublicReadPub", "FusionOrgUserObjects", "FusionOrgUserList"]


def test_filters_keep_the_names_of_the_functions_they_wrap():
    assert FILTERS["bucket_name"].__name__ == "bucket_name"


# --- through ansible's own templating engine ------------------------------------------------
# Run in a fresh interpreter: Ansible's collection loader must own the ``ansible_collections``
# package, which this test process already imported from .deps through conftest.py.

TEMPLATE_SCRIPT = r"""
import json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
from ansible.errors import AnsibleFilterError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
templar = Templar(loader=DataLoader(), variables={"org": "xmsqa1", "account": "123456789012"})
out = []
for expr in json.loads(sys.argv[2]):
    try:
        out.append({"value": templar.template(trust_as_template(expr))})
    except Exception as exc:  # report, the test decides
        cause, filter_error = exc, False
        while cause is not None:
            filter_error = filter_error or isinstance(cause, AnsibleFilterError)
            cause = cause.__cause__
        out.append({"error": type(exc).__name__, "message": str(exc), "filter_error": filter_error})
print(json.dumps(out))
"""

TEMPLATES = [
    ("{{ org | fusion.pos.bucket_name }}", "fusion-rms-xmsqa1"),
    ("{{ org | fusion.pos.iam_user_name }}", "rms_xmsqa1"),
    ("{{ org | fusion.pos.org_vhosts(['store1']) }}", ["xmsqa1", "xmsqa1_corp", "xmsqa1_store1"]),
    ("{{ org | fusion.pos.secret_path('qa', 'db-login') }}", "fusion-pos/qa/xmsqa1/db-login"),
    ("{{ org | fusion.pos.org_tags({'Team': 'pos'}) }}", {"OrgId": "xmsqa1", "Team": "pos"}),
    ("{{ org | fusion.pos.iam_user_arn(account) }}", "arn:aws:iam::123456789012:user/rms_xmsqa1"),
    ("{{ 'POS01' | fusion.pos.tenant_manager_login }}", "POS_POS01_user"),
    ("{{ org | fusion.pos.tenant_host_name }}", "xmsqa1.fusionPOS.com"),
    ("{{ 'host' | fusion.pos.security_group_name }}", "SG-POS-HOST"),
    ("{{ 'us-east-1a' | fusion.pos.subnet_name('private') }}", "subnet-POS-private-us-east-1a"),
    ("{{ (org | fusion.pos.bucket_fallback_names) | length }}", 5),
    ("{{ (org | fusion.pos.bucket_name) | fusion.pos.org_bucket_policy_statements(account, org) | map(attribute='Sid') }}",
     ["FusionPublicReadPub", "FusionOrgUserObjects", "FusionOrgUserList"]),
]
BAD_TEMPLATES = [
    "{{ 'Bad_Org' | fusion.pos.bucket_name }}",
    "{{ 'xmsqa1;reboot' | fusion.pos.iam_user_name }}",
    "{{ none | fusion.pos.org_db_name }}",
    "{{ 42 | fusion.pos.hub_vhost }}",
]


@pytest.fixture(scope="module")
def templated():
    exprs = [expr for expr, _expected in TEMPLATES] + BAD_TEMPLATES
    proc = subprocess.run([sys.executable, "-c", TEMPLATE_SCRIPT, str(REPO / ".deps"), json.dumps(exprs)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return dict(zip(exprs, json.loads(proc.stdout.strip().splitlines()[-1])))


@pytest.mark.parametrize("expr, expected", TEMPLATES, ids=[expr for expr, _expected in TEMPLATES])
def test_filter_works_in_a_real_template(templated, expr, expected):
    assert templated[expr] == {"value": expected}


@pytest.mark.parametrize("expr", BAD_TEMPLATES)
def test_bad_org_fails_the_template_with_a_filter_error_quoting_the_rule(templated, expr):
    result = templated[expr]
    assert result.get("filter_error") is True, result
    assert ORG_ID_RULE in result["message"]
