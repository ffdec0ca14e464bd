"""The shared declaration's argument spec: nested option specs for the lists (plugin_utils/_shared_declaration.py)."""

import copy

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.fusion.pos.plugins.plugin_utils._shared_declaration import (
    DECLARATION_SPEC, argument_refusal, spec_errors,
)

GOOD = {
    "environment": "qa",
    "regions": [{"region": "us-east-1", "availability_zones": ["us-east-1a", "us-east-1b"]}],
    "rds_instances": [{"name": "db-POS-01", "region": "us-east-1", "availability_zone": "us-east-1a", "edition": "web"}],
    "brokers": [{"name": "mq-POS-01", "region": "us-east-1"}],
    "operators": [{"name": "Jane Doe", "address": "203.0.113.7"}],
    "pos_hosts": {"POS01": {"region": "us-east-1"}},
}


def validate(**changes):
    args = copy.deepcopy(GOOD)
    args.update(changes)
    return ArgumentSpecValidator(DECLARATION_SPEC).validate(args)


def test_a_good_declaration_passes_the_spec():
    assert validate().error_messages == []


def test_absent_sub_options_come_back_as_none():
    validated = validate().validated_parameters
    assert validated["rds_instances"][0]["instance_class"] is None
    assert validated["brokers"][0]["engine_version"] is None


def test_sub_options_are_converted_to_their_types():
    validated = validate(rds_instances=[dict(GOOD["rds_instances"][0], allocated_storage="100")]).validated_parameters
    assert validated["rds_instances"][0]["allocated_storage"] == 100


@pytest.mark.parametrize("changes, expected", [
    ({"regions": [{"region": "us-east-1", "availability_zones": ["us-east-1a", "us-east-1b"], "zones": 2}]},
     "unsupported option regions.zones. Supported parameters include: availability_zones, region."),
    ({"regions": [{"availability_zones": ["us-east-1a", "us-east-1b"]}]}, "missing required arguments: region found in regions"),
    ({"regions": ["us-east-1"]}, "Elements value for option 'regions' is of type str and we were unable to convert to dict"),
    ({"rds_instances": [dict(GOOD["rds_instances"][0], allocated_storage="lots")]},
     "argument 'allocated_storage' is of type str found in 'rds_instances'. and we were unable to convert to int"),
    ({"rds_instances": [dict(GOOD["rds_instances"][0], storage=20)]}, "unsupported option rds_instances.storage."),
    ({"brokers": [{"name": "mq-POS-01"}]}, "missing required arguments: region found in brokers"),
    ({"operators": [{"address": "203.0.113.7"}]}, "missing required arguments: name found in operators"),
    ({"operators": [{"name": "Jane", "address": "203.0.113.7", "email": "j@example.com"}]}, "unsupported option operators.email."),
    ({"pos_hosts": ["POS01"]}, "argument 'pos_hosts' is of type list and we were unable to convert to dict"),
], ids=["unknown-region-key", "region-without-name", "region-as-string", "storage-not-a-number", "unknown-rds-key",
        "broker-without-region", "operator-without-name", "unknown-operator-key", "pos-hosts-as-list"])
def test_a_declaration_that_breaks_the_spec_is_refused_in_one_line(changes, expected):
    refusal = argument_refusal(validate(**changes).errors)
    assert refusal.startswith("shared declaration refused: ")
    assert expected in refusal
    assert "\n" not in refusal


def test_an_error_repeated_inside_another_is_said_once():
    texts = spec_errors(validate(regions=["us-east-1"]).errors)
    assert len(texts) == 1 and texts[0].startswith("Elements value for option 'regions'")


def test_every_spec_error_is_in_the_refusal():
    refusal = argument_refusal(validate(brokers=[{"name": "mq-POS-01"}], operators=[{"address": "203.0.113.7"}]).errors)
    assert "found in brokers" in refusal and "found in operators" in refusal
