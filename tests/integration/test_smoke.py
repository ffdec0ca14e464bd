"""The test harness itself: emulator, recorder and a real playbook run."""

from fusion_testlib import module_play


def test_filter_and_caller_identity_reach_the_emulator(playbook, aws):
    result = playbook(module_play([
        {"name": "names", "ansible.builtin.set_fact": {"bucket": "{{ 'xmsqa1' | fusion.pos.bucket_name }}"}},
        {"name": "who", "amazon.aws.aws_caller_info": {}, "register": "who"},
    ]))
    assert result.rc == 0, result.output
    assert result.result("names")["ansible_facts"]["bucket"] == "fusion-rms-xmsqa1"
    assert result.result("who")["account"] == "123456789012"
    calls = aws.calls()
    assert ("sts", "GetCallerIdentity") in [(c.service, c.action) for c in calls]
    assert aws.writes() == []
