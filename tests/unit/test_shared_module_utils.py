"""Helpers of the shared-infrastructure modules that need no AWS (module_utils only, no module file)."""

import pytest

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _naming, _secrets
from ansible_collections.fusion.pos.plugins.module_utils._aws import FusionModuleError
from ansible_collections.fusion.pos.plugins.module_utils._pos_host import choose_image
from ansible_collections.fusion.pos.plugins.module_utils._rds_instance import production_rule
from ansible_collections.fusion.pos.plugins.module_utils._security_group import wanted_rules


@pytest.mark.parametrize("func, args, expected", [
    (_naming.vpc_name, ("us-east-1",), "vpc-POS-us-east-1"),
    (_naming.igw_name, ("eu-west-2",), "igw-POS-eu-west-2"),
    (_naming.subnet_name, ("public", "us-east-1a"), "subnet-POS-public-us-east-1a"),
    (_naming.route_table_name, ("private", "us-east-1"), "rtb-POS-private-us-east-1"),
    (_naming.db_subnet_group_name, ("us-east-1",), "db-subnets-pos-public-us-east-1"),
    (_naming.security_group_name, ("ops",), "SG-POS-OPS"),
    (_naming.security_group_name, ("db",), "SG-POS-DB"),
    (_naming.security_group_name, ("host",), "SG-POS-HOST"),
    (_naming.management_url_parameter, ("qa", "mq-POS-01"), "/fusion-pos/qa/mq-POS-01/management-url"),
])
def test_shared_part_names_are_fixed(func, args, expected):
    assert func(*args) == expected


@pytest.mark.parametrize("func, args", [
    (_naming.vpc_name, ("us-east-1; rm -rf /",)),
    (_naming.igw_name, ("zz-nowhere-1",)),
    (_naming.route_table_name, ("public", "us-east-1\n")),
    (_naming.subnet_name, ("public", "us-east-1a\n")),
    (_naming.db_subnet_group_name, ("",)),
])
def test_a_part_of_an_unknown_region_has_no_name(func, args):
    with pytest.raises(_naming.NamingError):
        func(*args)


@pytest.mark.parametrize("address, cidr", [("203.0.113.7", "203.0.113.7/32"), (" 198.51.100.0/24 ", "198.51.100.0/24")])
def test_an_operator_address_becomes_a_cidr(address, cidr):
    assert _ec2.normalise_cidr(address, "address") == cidr


def test_rules_expand_ports_and_take_the_operator_name_as_description():
    rules = wanted_rules("SG-POS-HOST", [{"ports": ["5985", "5986"], "cidr": "203.0.113.7", "description": "Jane Doe"},
                                         {"ports": ["8000-8010"], "cidr": "0.0.0.0/0", "description": ""}])
    assert [(r["from_port"], r["to_port"], r["cidr"], r["description"]) for r in rules] == [
        (5985, 5985, "203.0.113.7/32", "Jane Doe"), (5986, 5986, "203.0.113.7/32", "Jane Doe"), (8000, 8010, "0.0.0.0/0", "")]


@pytest.mark.parametrize("rules, message", [
    ([{"ports": ["1433"], "cidr": "203.0.113.7", "description": "a"}, {"ports": ["1433"], "cidr": "203.0.113.7/32", "description": "b"}],
     "two rules for ports 1433"),
    ([{"ports": ["70000"], "cidr": "203.0.113.7", "description": "a"}], "out of range"),
    ([{"ports": ["http"], "cidr": "203.0.113.7", "description": "a"}], "a port or a range"),
    ([{"ports": ["1433"], "cidr": "203.0.113.7", "description": "Jane \"DROP\""}], "cannot be a security group rule description"),
])
def test_bad_rules_are_refused(rules, message):
    with pytest.raises(FusionModuleError) as caught:
        wanted_rules("SG-POS-OPS", rules)
    assert message in str(caught.value)


def test_permissions_round_trip_to_rules():
    rules = wanted_rules("SG", [{"ports": ["1433"], "cidr": "203.0.113.7", "description": "Jane"}])
    assert _ec2.rules_from_permissions(_ec2.permissions_from_rules(rules)) == rules


def test_revoked_rules_name_no_description():
    rules = wanted_rules("SG", [{"ports": ["1433"], "cidr": "203.0.113.7", "description": "Jane"}])
    assert _ec2.permissions_from_rules(rules, descriptions=False) == [
        {"IpProtocol": "tcp", "FromPort": 1433, "ToPort": 1433, "IpRanges": [{"CidrIp": "203.0.113.7/32"}]}]


def test_generated_passwords_are_strong_and_safe_for_sql_server_and_amazon_mq():
    values = set(_secrets.generate_password() for _round in range(50))
    assert len(values) == 50
    for value in values:
        assert len(value) == 32
        assert not set(value) & set('/"@ ,:=\'')


@pytest.mark.parametrize("environment, asked, protected", [
    ("production", False, True),
    ("staging", False, True),
    ("qa", False, False),
    ("dev", False, False),
    ("demo", True, True),
])
def test_deletion_protection_is_always_on_in_the_production_account(environment, asked, protected):
    assert production_rule(environment, asked) is protected


@pytest.mark.parametrize("found, expected", [([], None), ([{"VpcId": "vpc-1"}], {"VpcId": "vpc-1"})])
def test_none_or_one_resource_with_a_name_is_found(found, expected):
    assert _ec2.find_one_by_name(found, "vpc-POS-us-east-1", "VPCs", "VpcId") == expected


def test_two_resources_with_one_name_are_refused_in_one_line():
    with pytest.raises(FusionModuleError) as caught:
        _ec2.find_one_by_name([{"VpcId": "vpc-2"}, {"VpcId": "vpc-1"}], "vpc-POS-us-east-1", "VPCs", "VpcId")
    assert str(caught.value) == "2 VPCs carry Name tag vpc-POS-us-east-1: vpc-1, vpc-2"


class FakeEC2:
    def __init__(self, images):
        self.images = images

    def describe_images(self, **_kwargs):
        return {"Images": self.images}


def test_the_newest_windows_release_is_chosen_from_the_filter():
    images = [{"ImageId": "ami-1", "Name": "Windows_Server-2019-English-Full-Base-2025.11.12", "CreationDate": "2025-11-12"},
              {"ImageId": "ami-2", "Name": "Windows_Server-2022-English-Full-Base-2025.10.15", "CreationDate": "2025-10-15"},
              {"ImageId": "ami-3", "Name": "Windows_Server-2022-English-Full-Base-2025.11.12", "CreationDate": "2025-11-12"}]
    params = {"ami_id": None, "ami_name_filter": "Windows_Server-20*-English-Full-Base-*", "ami_owners": ["amazon"], "name": "POS01"}
    assert choose_image(FakeEC2(images), params)["ImageId"] == "ami-3"


def test_no_matching_image_is_a_clear_error():
    params = {"ami_id": None, "ami_name_filter": "nothing-*", "ami_owners": ["amazon"], "name": "POS01"}
    with pytest.raises(FusionModuleError) as caught:
        choose_image(FakeEC2([]), params)
    assert "POS host POS01: no available x86_64 AMI" in str(caught.value)
