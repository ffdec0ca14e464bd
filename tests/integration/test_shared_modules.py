"""The shared-infrastructure resources (module_utils RESOURCEs) against the emulator: the one region
rule before any AWS call, and the one "exactly one resource carries this Name tag" rule."""

import fusion_testlib
import pytest

from ansible_collections.fusion.pos.plugins.module_utils import _mq_broker, _pos_host, _rds_instance, _security_group, _vpc
from ansible_collections.fusion.pos.plugins.module_utils._module import Context, run_resource

pytestmark = pytest.mark.emulator

# (resource, its own parameters in us-east-1)
RESOURCES = [
    (_vpc.RESOURCE, {"availability_zones": ["us-east-1a", "us-east-1b"]}),
    (_security_group.RESOURCE, {"name": "SG-POS-OPS", "description": "POS operators",
                                "rules": [{"ports": ["1433"], "cidr": "203.0.113.7", "description": "Jane Doe"}]}),
    (_rds_instance.RESOURCE, {"name": "db-POS-01", "environment": "qa", "edition": "web", "engine_version": "15.00.4365.2.v1",
                              "instance_class": "db.t3.small", "allocated_storage": 20, "backup_retention_days": 1,
                              "availability_zone": "us-east-1a", "security_groups": ["SG-POS-DB", "SG-POS-OPS"]}),
    (_mq_broker.RESOURCE, {"name": "mq-POS-01", "environment": "qa", "instance_type": "mq.t3.micro", "engine_version": "3.13"}),
    (_pos_host.RESOURCE, {"name": "POS01", "availability_zone": "us-east-1a", "instance_type": "t3.large", "pos_version": "24.2.1",
                          "rds_instance": "db-POS-01", "broker": "mq-POS-01", "security_groups": ["SG-POS-HOST"],
                          "ami_name_filter": "Windows_Server-20*-English-Full-Base-*", "ami_owners": ["amazon"]}),
]
IDS = [resource.name for resource, _params in RESOURCES]
VPC_NAME = "vpc-POS-us-east-1"
# the resources that find the region's VPC by its Name tag (a broker lives outside any VPC)
FOUND_IN_THE_VPC = [row for row in RESOURCES if row[0] is not _mq_broker.RESOURCE]


def params_for(resource, own, url, region="us-east-1"):
    """Module parameters as AnsibleModule would give them: every option's default, then ``own``."""
    params = dict((key, spec.get("default")) for key, spec in resource.argument_spec().items())
    params.update(own, endpoint_url=url, access_key=fusion_testlib.TEST_ACCESS_KEY,
                  secret_key=fusion_testlib.TEST_SECRET_KEY, region=region)
    if "availability_zone" in own:
        params["availability_zone"] = region + "a"
    if "availability_zones" in own:
        params["availability_zones"] = [region + "a", region + "b"]
    return params


@pytest.mark.parametrize("region, message", [
    ("us-east-1\n", "invalid AWS region 'us-east-1\\n'"),
    ("zz-nowhere-1", "unknown AWS region 'zz-nowhere-1'"),
])
@pytest.mark.parametrize("resource, own", RESOURCES, ids=IDS)
def test_a_bad_region_is_refused_before_any_aws_call(aws, resource, own, region, message):
    result = run_resource(resource, Context(params_for(resource, own, aws.url, region), check_mode=True))
    assert result["failed"] is True
    assert message in result["msg"]
    assert aws.calls() == []


@pytest.mark.parametrize("resource, own", RESOURCES, ids=IDS)
def test_a_region_botocore_knows_is_accepted(aws, resource, own):
    resource.validate(params_for(resource, own, aws.url, "ap-southeast-7"))


@pytest.fixture
def two_vpcs(boto):
    ec2 = boto("ec2")
    ids = []
    for _round in range(2):
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": VPC_NAME}])
        ids.append(vpc_id)
    return sorted(ids)


@pytest.mark.parametrize("resource, own", FOUND_IN_THE_VPC, ids=[resource.name for resource, _params in FOUND_IN_THE_VPC])
def test_two_vpcs_with_the_name_are_refused_in_one_line(aws, two_vpcs, resource, own):
    result = run_resource(resource, Context(params_for(resource, own, aws.url), check_mode=True))
    assert result.get("failed") is True, result
    # fusion_vpc says why it cannot repair them (docs/idempotency.md): neither carries ManagedBy=fusion.pos
    assert result["msg"].startswith("2 VPCs carry Name tag %s: %s" % (VPC_NAME, ", ".join(two_vpcs))) and "\n" not in result["msg"]
