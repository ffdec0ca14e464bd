"""The idempotency tokens of the creates that have one (docs/idempotency.md)."""

import uuid

from ansible_collections.fusion.pos.plugins.module_utils import _ec2, _mq, _secrets


def test_launch_token_is_deterministic_per_host_subnet_and_image():
    token = _ec2.launch_token("POS01", "subnet-1", "ami-1")
    assert token == _ec2.launch_token("POS01", "subnet-1", "ami-1")
    assert token != _ec2.launch_token("POS02", "subnet-1", "ami-1")
    assert token != _ec2.launch_token("POS01", "subnet-1", "ami-1", "i-terminated")
    assert len(token) <= 64 and token.startswith("fusion-pos-POS01-")


def test_secret_token_is_a_uuid_per_path_and_generation():
    token = _secrets.client_request_token("fusion-pos/qa/xmsqa1/db-login", "g1")
    assert uuid.UUID(token) and 32 <= len(token) <= 64
    assert token == _secrets.client_request_token("fusion-pos/qa/xmsqa1/db-login", "g1")
    assert token != _secrets.client_request_token("fusion-pos/qa/xmsqa1/db-login", "g2")
    assert token != _secrets.client_request_token("fusion-pos/qa/xmsqa2/db-login", "g1")


def test_broker_creator_request_id_is_per_name_and_generation():
    assert _mq.creator_request_id("mq-POS-01", "g") == _mq.creator_request_id("mq-POS-01", "g")
    assert _mq.creator_request_id("mq-POS-01", "g") != _mq.creator_request_id("mq-POS-02", "g")
