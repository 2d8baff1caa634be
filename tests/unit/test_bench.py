"""The benchmark's own logic: when an update arrived, and how a row is judged."""

from bench.report import table
from bench.search import (
    END_MS,
    FILE_SHARE,
    SPAN_MS,
    by_kind,
    messages,
    query_mix,
    vocabulary,
)
from bench.targets import BYTES_PER_RECIPIENT
from chat_app.domain.search import document, parse
from harness.protocol import Receiver


def test_a_message_sent_again_whole_counts_as_a_new_arrival_after_the_action():
    receiver = Receiver()
    # A message's frame carries its marker twice: in its text and its HTML.
    receiver.saw('{"text": "bench:7: hi", "html": "<p>bench:7: hi</p>"}')
    first = receiver.arrivals[7]
    assert receiver.repeats == {}
    reacted_at = first + 1e-9
    assert receiver.arrived(7) == first
    assert receiver.arrived(7, reacted_at) is None
    receiver.saw('{"text": "bench:7: hi", "reactions": [{"emoji": "+1"}]}')
    again = receiver.arrived(7, reacted_at)
    assert again is not None and again >= reacted_at
    assert receiver.arrivals[7] == first  # the first arrival stays the first


def fanout_row(action: str | None, app_p99: float, lost: int = 0) -> dict:
    row = {
        "members": 500,
        "workers": 1,
        "app": {"p50_ms": 1, "p99_ms": app_p99, "max_ms": app_p99, "lost": lost},
        "baseline": {"p50_ms": 1, "p99_ms": 100.0, "max_ms": 100, "lost": 0},
    }
    return row if action is None else {**row, "action": action}


def test_the_report_judges_edits_and_reactions_by_the_targets_of_messages():
    results = {
        "fanout": [
            fanout_row(None, 150.0),  # written before actions were measured
            fanout_row("edit", 151.0),
            fanout_row("reaction", 120.0, lost=1),
        ],
        "payload": [
            {"history": 10, "bytes_per_recipient": 600, "text_length": 208},
            {
                "action": "edit",
                "history": 10,
                "members": 11,
                "bytes_per_recipient": BYTES_PER_RECIPIENT,
                "text_length": 208,
            },
            {
                "action": "reaction",
                "history": 10,
                "members": 11,
                "bytes_per_recipient": BYTES_PER_RECIPIENT + 1,
                "text_length": 208,
            },
        ],
    }
    lines = table(results).splitlines()
    assert any(
        line.startswith("| 500 members, message |") and line.endswith("| 1.5x | yes |")
        for line in lines
    )
    assert any(
        line.startswith("| 500 members, edit |") and line.endswith("| 1.5x | no |")
        for line in lines
    )
    assert any(
        line.startswith("| 500 members, reaction |") and line.endswith("| 1.2x | no |")
        for line in lines
    )
    payload = [line for line in lines if line.startswith("| bytes per recipient")]
    assert [line.rsplit("|", 2)[1].strip() for line in payload] == ["yes", "yes", "no"]
    assert "of an edit of a message (to 208 characters)" in payload[1]
    assert "of a reaction to a 208-character message" in payload[2]


def test_a_read_receipt_is_judged_by_the_bytes_target_and_its_row_by_the_fan_out():
    lines = table(
        {
            "fanout": [fanout_row("message, receipts on", 150.0)],
            "payload": [
                {
                    "action": "receipt",
                    "history": 10,
                    "members": 11,
                    "bytes_per_recipient": 291,
                    "text_length": 208,
                }
            ],
        }
    ).splitlines()
    assert any(
        line.startswith("| 500 members, message, receipts on |")
        and line.endswith("| 1.5x | yes |")
        for line in lines
    )
    receipt = next(line for line in lines if line.startswith("| bytes per recipient"))
    assert "of a read receipt (to the author of a 208-character message)" in receipt
    assert receipt.endswith("| yes |")


def test_the_search_mix_has_every_kind_and_never_the_same_search_twice_in_a_row():
    mix = query_mix(vocabulary())
    assert len(mix) >= 200
    assert {kind for kind, _ in mix} >= {
        "common",
        "rare",
        "two words",
        "prefix",
        "phrase",
        "excluded",
        "from:@user",
        "in:#room",
        "has:",
        "after:date",
        "nowhere",
    }
    # A search is timed until the tab's text changes: the next one must differ.
    assert all(a[1] != b[1] for a, b in zip(mix, mix[1:], strict=False))
    assert all(not parse(text).empty for _, text in mix)
    prefixes = [text for kind, text in mix if kind == "prefix"]
    assert all(parse(text).terms[-1].prefix for text in prefixes)
    finished = [parse(text) for _, text in mix if text.endswith(" ")]
    assert not any(term.prefix for query in finished for term in query.terms)


def test_the_generated_history_is_numbered_per_room_and_indexed_by_its_words():
    rows = next(messages(vocabulary()))
    assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    times = [row["sent_at_ms"] for row in rows]
    assert times == sorted(times) and END_MS - SPAN_MS <= times[0] < END_MS
    seqs: dict[str, int] = {}
    for row in rows:
        assert row["seq"] == seqs.get(row["room"], 0) + 1
        seqs[row["room"]] = row["seq"]
        names = [item["name"] for item in row["attachments"]]
        assert row["search_text"] == document(row["text"], names)
    with_files = sum(bool(row["attachments"]) for row in rows) / len(rows)
    assert abs(with_files - FILE_SHARE) < 0.01
    assert len(seqs) > 90


def test_search_figures_are_given_overall_and_per_kind():
    figures = by_kind([("common", 10.0), ("common", 30.0), ("rare", 5.0)])
    assert figures["overall"]["count"] == 3
    assert figures["overall"]["max_ms"] == 30.0
    assert figures["kinds"]["common"]["p50_ms"] == 10.0
    assert figures["kinds"]["rare"]["p99_ms"] == 5.0
