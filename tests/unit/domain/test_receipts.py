import pytest

from chat_app.domain.receipts import (
    SPAN_OPEN_MS,
    PendingReport,
    Reader,
    ReadReportError,
    extends,
    gather,
    read_number,
    read_target,
    seen_by,
)


@pytest.mark.parametrize("raw", [0, -1, 2**31, "3", 2.0, None, True, [1], {"n": 1}])
def test_a_read_report_is_a_positive_whole_number(raw):
    with pytest.raises(ReadReportError, match="message number"):
        read_number(raw)


def test_a_mark_moves_only_forward_and_never_past_the_latest():
    assert read_target(reported=5, mark=2, latest=9) == 5
    assert read_target(reported=50, mark=2, latest=9) == 9
    assert read_target(reported=2, mark=2, latest=9) is None
    assert read_target(reported=1, mark=2, latest=9) is None
    assert read_target(reported=50, mark=9, latest=9) is None


def test_a_stretch_is_extended_while_recent_and_unbroken():
    now = 1_000_000
    assert extends(span_at_ms=now - 1000, span_last=4, mark=4, now_ms=now)
    assert not extends(span_at_ms=now - SPAN_OPEN_MS, span_last=4, mark=4, now_ms=now)
    assert not extends(span_at_ms=now - 1000, span_last=3, mark=4, now_ms=now)
    assert not extends(span_at_ms=now + 1000, span_last=4, mark=4, now_ms=now)


def test_seen_by_lists_each_reader_once_never_before_the_message_nor_its_author():
    seen = seen_by(
        number=7,
        author="ana",
        sent_at_ms=500,
        spans=[("bia", 100), ("ana", 600), ("caio", 900), ("bia", 800), ("dora", 700)],
        shown=2,
    )
    assert seen.number == 7
    assert seen.readers == [Reader("bia", 500), Reader("dora", 700)]
    assert seen.more == 1


def test_only_a_tabs_furthest_report_is_kept():
    pending: dict[str, PendingReport] = {}
    gather(pending, tab="t1", username="ana", sid="s1", number=5)
    gather(pending, tab="t1", username="ana", sid="s2", number=3)
    assert pending["t1"] == PendingReport(username="ana", sid="s2", number=5)
    # Another account in the same tab starts over.
    gather(pending, tab="t1", username="bia", sid="s2", number=1)
    assert pending["t1"] == PendingReport(username="bia", sid="s2", number=1)
