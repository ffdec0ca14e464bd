"""The shared-infrastructure declaration rules (plugin_utils/_shared_declaration.build_plan)."""

import copy

import pytest

from ansible_collections.fusion.pos.plugins.plugin_utils._shared_declaration import DeclarationError
from ansible_collections.fusion.pos.plugins.plugin_utils._shared_declaration import build_plan

GOOD = {
    "environment": "qa",
    "regions": [{"region": "us-east-1", "availability_zones": ["us-east-1a", "us-east-1b"]}],
    "rds_instances": [{"name": "db-POS-01", "region": "us-east-1", "availability_zone": "us-east-1a", "edition": "web"}],
    "brokers": [{"name": "mq-POS-01", "region": "us-east-1"}],
    "operators": [{"name": "Jane Doe", "address": "203.0.113.7"}],
    "pos_hosts": {"POS01": {"region": "us-east-1", "availability_zone": "us-east-1a", "rds_instance": "db-POS-01",
                            "broker": "mq-POS-01", "pos_version": "24.2.1"}},
}


def declaration(**changes):
    result = copy.deepcopy(GOOD)
    result.update(changes)
    return result


def host(**changes):
    return {"POS01": dict(GOOD["pos_hosts"]["POS01"], **changes)}


def rds(**changes):
    return [dict(GOOD["rds_instances"][0], **changes)]


def test_a_good_declaration_becomes_a_plan_with_placement_and_cidrs():
    plan = build_plan(**GOOD)
    assert plan["operators"] == [{"name": "Jane Doe", "cidr": "203.0.113.7/32"}]
    assert plan["rds_instances"][0]["hosts"] == ["POS01"]
    assert plan["brokers"][0]["hosts"] == ["POS01"]
    assert plan["pos_hosts"][0]["name"] == "POS01"
    assert plan["pos_hosts"][0]["subnet"] == "public"


@pytest.mark.parametrize("changes, expected", [
    ({"environment": "prod"}, "invalid environment 'prod'"),
    ({"regions": []}, "regions: at least one region must be declared"),
    ({"regions": [{"region": "us-east-1", "availability_zones": ["us-east-1a"]}]}, "regions[us-east-1]: availability_zones must be two"),
    ({"regions": [{"region": "us-east-1", "availability_zones": ["us-east-1a", "us-west-2b"]}]}, "regions[us-east-1]: availability_zones"),
    ({"regions": [{"region": "US East", "availability_zones": ["a", "b"]}]}, "regions[US East]: invalid AWS region"),
    ({"rds_instances": rds(name="db-pos-01")}, "rds_instances[db-pos-01]: invalid RDS instance name"),
    ({"rds_instances": rds(name="db-POS-1")}, "rds_instances[db-POS-1]: invalid RDS instance name"),
    ({"rds_instances": rds(edition="standard")}, "rds_instances[db-POS-01]: unknown edition 'standard'"),
    ({"rds_instances": rds(edition=None)}, "rds_instances[db-POS-01]: missing edition"),
    ({"rds_instances": rds(region="eu-west-1")}, "rds_instances[db-POS-01]: region 'eu-west-1' is not declared"),
    ({"rds_instances": rds(availability_zone="us-east-1b")},
     "pos_hosts[POS01]: is in us-east-1/us-east-1a but its RDS instance db-POS-01 is in us-east-1/us-east-1b"),
    ({"rds_instances": rds() + rds(name="DB-POS-01")}, "rds_instances[DB-POS-01]: invalid RDS instance name"),
    ({"brokers": [{"name": "mq-POS-1", "region": "us-east-1"}]}, "brokers[mq-POS-1]: invalid broker name"),
    ({"brokers": [{"name": "mq-POS-01", "region": "us-east-1"}] * 2}, "brokers[mq-POS-01]: declared twice"),
    ({"pos_hosts": {"POS1": GOOD["pos_hosts"]["POS01"]}}, "pos_hosts[POS1]: invalid POS host name 'POS1'"),
    ({"pos_hosts": {"pos01": GOOD["pos_hosts"]["POS01"]}}, "pos_hosts[pos01]: invalid POS host name"),
    ({"pos_hosts": {"POS01": None}}, "pos_hosts[POS01]: no pos_host declaration"),
    ({"pos_hosts": host(broker="mq-POS-02")}, "pos_hosts[POS01]: broker mq-POS-02 is not declared under brokers"),
    ({"pos_hosts": host(broker="rabbit")}, "pos_hosts[POS01]: invalid broker name 'rabbit'"),
    ({"pos_hosts": host(rds_instance="db-POS-09")}, "pos_hosts[POS01]: RDS instance db-POS-09 is not declared"),
    ({"pos_hosts": host(availability_zone="us-east-1c")}, "pos_hosts[POS01]: availability zone 'us-east-1c' is not one of the two"),
    ({"pos_hosts": host(pos_version="latest")}, "pos_hosts[POS01]: pos_version 'latest' is not a pinned version"),
    ({"pos_hosts": host(pos_version=None)}, "pos_hosts[POS01]: missing pos_version"),
    ({"pos_hosts": host(pos_version="24.2.1\n")}, "pos_hosts[POS01]: pos_version '24.2.1\\n' is not a pinned version"),
    ({"regions": [{"region": "us-east-1\n", "availability_zones": ["us-east-1a", "us-east-1b"]}]}, "invalid AWS region"),
    ({"regions": [{"region": "zz-nowhere-1", "availability_zones": ["zz-nowhere-1a", "zz-nowhere-1b"]}]},
     "regions[zz-nowhere-1]: unknown AWS region 'zz-nowhere-1'"),
    ({"pos_hosts": host(subnet="dmz")}, "pos_hosts[POS01]: subnet 'dmz': public or private"),
    ({"operators": [{"name": "Jane", "address": "not-an-ip"}]}, "operators[Jane]: address 'not-an-ip' is not an IPv4"),
    ({"operators": [{"name": "Jane", "address": "10.0.0.1/8"}]}, "operators[Jane]: address '10.0.0.1/8' is not an IPv4"),
    ({"operators": [{"name": "Jane", "address": "203.0.113.7"}, {"name": "jane", "address": "203.0.113.8"}]},
     "operators[jane]: operator name declared twice"),
    ({"operators": [{"name": "Jane", "address": "203.0.113.7"}, {"name": "Joe", "address": "203.0.113.7/32"}]},
     "operators[Joe]: address 203.0.113.7/32 declared for another operator too"),
    ({"operators": [{"name": "Jane <script>", "address": "203.0.113.7"}]}, "operators[Jane <script>]: operator name"),
    ({"operators": [{"address": "203.0.113.7"}]}, "operators[0]: missing name"),
])
def test_a_bad_declaration_is_refused_naming_the_entry(changes, expected):
    with pytest.raises(DeclarationError) as caught:
        build_plan(**declaration(**changes))
    assert expected in str(caught.value)
    assert str(caught.value).startswith("shared declaration refused")


def test_every_bad_entry_is_named_in_one_message():
    with pytest.raises(DeclarationError) as caught:
        build_plan(**declaration(rds_instances=rds(edition="standard"), brokers=[{"name": "mq-1", "region": "us-east-1"}]))
    assert "rds_instances[db-POS-01]" in str(caught.value)
    assert "brokers[mq-1]" in str(caught.value)


def in_region(region):
    """GOOD moved to ``region`` (its zones a and b)."""
    zone = region + "a"
    return declaration(regions=[{"region": region, "availability_zones": [zone, region + "b"]}],
                       rds_instances=rds(region=region, availability_zone=zone),
                       brokers=[{"name": "mq-POS-01", "region": region}],
                       pos_hosts=host(region=region, availability_zone=zone))


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "ap-southeast-7"])
def test_a_region_botocore_knows_is_accepted(region):
    assert [r["region"] for r in build_plan(**in_region(region))["regions"]] == [region]


def test_absent_optional_keys_stay_absent_so_the_roles_defaults_apply():
    # the argument spec adds absent sub-options as None; `item.instance_class | default(...)` needs them absent
    validated = declaration(rds_instances=rds(instance_class=None, allocated_storage=None),
                            brokers=[{"name": "mq-POS-01", "region": "us-east-1", "instance_type": None}])
    plan = build_plan(**validated)
    assert "instance_class" not in plan["rds_instances"][0] and "allocated_storage" not in plan["rds_instances"][0]
    assert "instance_type" not in plan["brokers"][0]


def test_given_optional_keys_are_kept_in_the_plan():
    plan = build_plan(**declaration(rds_instances=rds(instance_class="db.t3.large"), pos_hosts=host(ami_id="ami-1")))
    assert plan["rds_instances"][0]["instance_class"] == "db.t3.large"
    assert plan["pos_hosts"][0]["ami_id"] == "ami-1"


@pytest.mark.parametrize("changes, expected", [
    ({"pos_hosts": host(colour="blue")}, "pos_hosts[POS01]: unsupported option colour. Supported parameters include:"),
    ({"pos_hosts": host(pos_version=["24.2.1"])}, "pos_hosts[POS01]: pos_version \"['24.2.1']\" is not a pinned version"),
    ({"pos_hosts": {"POS01": "us-east-1"}}, "pos_hosts[POS01]: must be a mapping, got 'us-east-1'"),
], ids=["unknown-key", "list-as-version", "not-a-mapping"])
def test_a_pos_host_declaration_is_checked_against_its_option_spec(changes, expected):
    with pytest.raises(DeclarationError) as caught:
        build_plan(**declaration(**changes))
    assert expected in str(caught.value)


def test_a_pos_version_written_as_a_number_becomes_a_string():
    plan = build_plan(**declaration(pos_hosts=host(pos_version=24.2)))
    assert plan["pos_hosts"][0]["pos_version"] == "24.2"
