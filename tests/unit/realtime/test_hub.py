"""Deliveries never go backwards, whatever order publications reach a process."""

import pytest

from chat_app.realtime import hub


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    monkeypatch.setattr(hub, "_delivered", {})
    monkeypatch.setattr(hub, "_highest", {})
    monkeypatch.setattr(hub, "_growth", 0)
    monkeypatch.setattr(hub, "_counted", {})
    monkeypatch.setattr(hub, "_recent", set())


def update(**values):
    return {"delta": {"view": values}}


def test_an_earlier_block_snapshot_arriving_late_is_not_delivered():
    newer = update(block_3=["m41", "m42"], head=3, typists=[], latest={"a": 42})
    older = update(block_3=["m41"], head=3, typists=["bob"], latest={"a": 41})

    def versions(seq):
        return {
            "block:sala-1:3": (seq, ["block_3"]),
            "head:sala-1": (seq, ["head", "typists"]),
        }

    assert hub._fresh(newer, versions(42), ["latest"]) == newer
    # Published first on another process, it reached this one second: nothing of
    # it may take the block, the head, who types or the count back.
    assert hub._fresh(older, versions(41), ["latest"]) == update(latest={"a": 42})


def test_an_announcement_read_earlier_never_overwrites_a_later_one():
    later = update(members=["ana", "bia"])
    earlier = update(members=["ana"])
    assert hub._fresh(later, {"members:sala-1": (2000, ["members"])}, None) == later
    assert hub._fresh(earlier, {"members:sala-1": (1000, ["members"])}, None) == (
        update()
    )


def test_blocks_are_versioned_apart_from_each_other_and_from_other_rooms():
    assert hub._fresh(update(block_4=[1]), {"block:sala-1:4": (33, ["block_4"])}, None)
    other_slot = update(block_3=[2])
    assert (
        hub._fresh(other_slot, {"block:sala-1:3": (32, ["block_3"])}, None)
        == other_slot
    )
    other_room = update(block_4=[3])
    assert (
        hub._fresh(other_room, {"block:sala-2:4": (5, ["block_4"])}, None) == other_room
    )


def test_latest_numbers_never_go_back():
    counters = ["latest"]
    assert hub._fresh(update(latest={"a": 5, "b": 1}), None, counters) == update(
        latest={"a": 5, "b": 1}
    )
    # Read before the message above was stored, delivered after it.
    assert hub._fresh(update(latest={"a": 4, "b": 2}), None, counters) == update(
        latest={"a": 5, "b": 2}
    )


def test_counters_say_when_any_number_grew_and_give_the_highest():
    growth, latest = hub.counters("latest")
    assert latest == {}
    hub._fresh(update(latest={"a": 5, "b": 0}), None, ["latest"])
    grown, latest = hub.counters("latest")
    assert grown != growth
    assert latest == {"a": 5, "b": 0}  # a room without messages yet included
    # A number delivered again, or a lower one, is no news for the watchers.
    hub._fresh(update(latest={"a": 4, "b": 0}), None, ["latest"])
    assert hub.counters("latest") == (grown, {"a": 5, "b": 0})
