"""`flask retention purge` clears every kind of expired personal detail in one run."""


def test_purge_reports_each_kind_and_is_safe_to_repeat(runner):
    for _ in range(2):
        result = runner.invoke(args=["retention", "purge"])
        assert result.exit_code == 0, result.output
        assert "Contact details removed from 0 item(s)" in result.output
        assert "past registration(s)" in result.output
        assert "rate-limit counters removed" in result.output


def test_purge_refuses_negative_days(runner):
    result = runner.invoke(args=["retention", "purge", "--days", "-1"])
    assert result.exit_code != 0
