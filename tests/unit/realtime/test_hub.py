"""Deliveries never go backwards, whatever order publications reach a process."""

import pytest

from chat_app.realtime import hub


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    monkeypatch.setattr(hub, "_delivered", {})
    monkeypatch.setattr(hub, "_highest", {})


def update(**values):
    return {"delta": {"view": values}}


def test_an_earlier_block_snapshot_arriving_late_is_not_delivered():
    newer = update(block_3=["m41", "m42"], head=3, typists=[])
    older = update(block_3=["m41"], head=3, typists=["ana"])
    versions_42 = {"block:sala-1:3": (42, ["block_3"]), "head:sala-1": (42, ["head"])}
    versions_41 = {"block:sala-1:3": (41, ["block_3"]), "head:sala-1": (41, ["head"])}
    assert hub._fresh(newer, versions_42, None) == newer
    # Published first on another process, it reached this one second: only the
    # parts no newer version covers (who types) still go out.
    assert hub._fresh(older, versions_41, None) == update(typists=["ana"])


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
