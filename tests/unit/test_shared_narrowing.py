"""Narrowing the validated shared plan to one region and/or a --limit (plugin_utils/_shared_scope.narrow_plan)."""

import pytest

from ansible_collections.fusion.pos.plugins.plugin_utils._shared_declaration import DeclarationError, build_plan
from ansible_collections.fusion.pos.plugins.plugin_utils._shared_scope import narrow_plan, scope_message


def pos(region, az, rds, broker):
    return {"region": region, "availability_zone": az, "rds_instance": rds, "broker": broker, "pos_version": "24.2.1"}


# Two regions; us-east-1 has two RDS instances (db-POS-03 without hosts) and one broker shared by two hosts.
DECLARATION = {
    "environment": "qa",
    "regions": [{"region": "us-east-1", "availability_zones": ["us-east-1a", "us-east-1b"]},
                {"region": "eu-west-1", "availability_zones": ["eu-west-1a", "eu-west-1b"]}],
    "rds_instances": [{"name": "db-POS-01", "region": "us-east-1", "availability_zone": "us-east-1a", "edition": "web"},
                      {"name": "db-POS-02", "region": "eu-west-1", "availability_zone": "eu-west-1a", "edition": "web"},
                      {"name": "db-POS-03", "region": "us-east-1", "availability_zone": "us-east-1b", "edition": "web"}],
    "brokers": [{"name": "mq-POS-01", "region": "us-east-1"}, {"name": "mq-POS-02", "region": "eu-west-1"}],
    "operators": [{"name": "Jane Doe", "address": "203.0.113.7"}],
    "pos_hosts": {"POS01": pos("us-east-1", "us-east-1a", "db-POS-01", "mq-POS-01"),
                  "POS02": pos("eu-west-1", "eu-west-1a", "db-POS-02", "mq-POS-02"),
                  "POS03": pos("us-east-1", "us-east-1a", "db-POS-01", "mq-POS-01")},
}
PLAN = build_plan(**DECLARATION)


def covered(plan):
    return {key: plan["scope"][key] for key in ("regions", "rds_instances", "brokers", "pos_hosts")}


def covers(regions, rds_instances, brokers, pos_hosts):
    return {"regions": regions.split(), "rds_instances": rds_instances.split(), "brokers": brokers.split(),
            "pos_hosts": pos_hosts.split()}


EVERYTHING = covers("eu-west-1 us-east-1", "db-POS-01 db-POS-02 db-POS-03", "mq-POS-01 mq-POS-02", "POS01 POS02 POS03")


@pytest.mark.parametrize("region, limit, limit_hosts, expected", [
    (None, None, None, EVERYTHING),
    (None, "", ["localhost", "POS01", "xmsqa1"], EVERYTHING),
    ("us-east-1", None, None, covers("us-east-1", "db-POS-01 db-POS-03", "mq-POS-01", "POS01 POS03")),
    ("eu-west-1", None, None, covers("eu-west-1", "db-POS-02", "mq-POS-02", "POS02")),
    (None, "POS02", ["POS02"], covers("eu-west-1", "db-POS-02", "mq-POS-02", "POS02")),
    (None, "POS01", ["POS01"], covers("us-east-1", "db-POS-01", "mq-POS-01", "POS01")),
    (None, "POS01,POS02", ["POS01", "POS02"], covers("eu-west-1 us-east-1", "db-POS-01 db-POS-02", "mq-POS-01 mq-POS-02", "POS01 POS02")),
    (None, "POS01,localhost", ["localhost", "POS01"], covers("us-east-1", "db-POS-01", "mq-POS-01", "POS01")),
    ("us-east-1", "pos_hosts", ["POS01", "POS02", "POS03"], covers("us-east-1", "db-POS-01", "mq-POS-01", "POS01 POS03")),
], ids=["nothing", "empty-limit", "region-us", "region-eu", "limit-eu-host", "limit-us-host", "limit-two-regions",
        "limit-with-localhost", "region-and-limit"])
def test_the_plan_keeps_what_the_region_and_the_limit_select(region, limit, limit_hosts, expected):
    assert covered(narrow_plan(PLAN, region, limit, limit_hosts)) == expected


def test_a_narrowed_plan_keeps_every_operator_and_the_full_entries():
    plan = narrow_plan(PLAN, None, "POS02", ["POS02"])
    assert plan["operators"] == PLAN["operators"]
    assert plan["rds_instances"] == [r for r in PLAN["rds_instances"] if r["name"] == "db-POS-02"]
    assert plan["pos_hosts"] == [h for h in PLAN["pos_hosts"] if h["name"] == "POS02"]
    assert plan["regions"] == [{"region": "eu-west-1", "availability_zones": ["eu-west-1a", "eu-west-1b"]}]


@pytest.mark.parametrize("region, limit, limit_hosts, expected", [
    ("ap-south-1", None, None,
     "shared.yml -e region refused: region 'ap-south-1' is not declared in this inventory; declared regions: eu-west-1, us-east-1"),
    ("", None, None, "region '' is not declared in this inventory"),
    (None, "xmsqa1", ["xmsqa1"],
     "shared.yml --limit 'xmsqa1' refused: it selects hosts that are not declared POS hosts: xmsqa1 "
     "(a limit narrows shared.yml to POS hosts; declared POS hosts: POS01, POS02, POS03)"),
    (None, "POS01,xmsqa1", ["POS01", "xmsqa1"], "it selects hosts that are not declared POS hosts: xmsqa1"),
    (None, "localhost", ["localhost"],
     "shared.yml --limit 'localhost' refused: it selects no declared POS host; declared POS hosts: POS01, POS02, POS03"),
    ("us-east-1", "POS02", ["POS02"],
     "shared.yml --limit 'POS02' with -e region=us-east-1 refused: none of POS02 is in us-east-1 (POS02 in eu-west-1)"),
], ids=["undeclared-region", "empty-region", "limit-on-an-org", "limit-with-an-org", "limit-without-pos-host",
        "limit-outside-the-region"])
def test_a_scope_that_selects_nothing_declared_is_refused_naming_what_is_declared(region, limit, limit_hosts, expected):
    with pytest.raises(DeclarationError) as caught:
        narrow_plan(PLAN, region, limit, limit_hosts)
    assert expected in str(caught.value)


@pytest.mark.parametrize("region, limit, limit_hosts, expected", [
    (None, None, None, "the whole declaration: regions eu-west-1, us-east-1; RDS instances db-POS-01, db-POS-02, db-POS-03; "
                       "brokers mq-POS-01, mq-POS-02; POS hosts POS01, POS02, POS03"),
    ("eu-west-1", "pos_hosts", ["POS01", "POS02", "POS03"],
     "narrowed by -e region=eu-west-1 and --limit pos_hosts: regions eu-west-1; RDS instances db-POS-02; "
     "brokers mq-POS-02; POS hosts POS02"),
], ids=["whole", "narrowed"])
def test_the_scope_message_says_what_the_run_covers(region, limit, limit_hosts, expected):
    assert scope_message(narrow_plan(PLAN, region, limit, limit_hosts)) == expected
