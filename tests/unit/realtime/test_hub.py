"""Deliveries never go backwards, whatever order publications reach a process."""

import pytest

from chat_app.realtime import hub


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    monkeypatch.setattr(hub, "_delivered", {})
    monkeypatch.setattr(hub, "_activity", {})
    monkeypatch.setattr(hub, "_changed", set())


def update(**values):
    return {"delta": {"view": values}}


def test_an_earlier_block_snapshot_arriving_late_is_not_delivered():
    newer = update(block_3=["m41", "m42"], head=3, typists=[], **{"live:a": {"n": 42}})
    older = update(block_3=["m41"], head=3, typists=["bob"], **{"live:a": {"n": 41}})

    def versions(seq):
        return {
            "block:sala-1:3": (seq, ["block_3"]),
            "head:sala-1": (seq, ["head", "typists"]),
            "live:a": (seq, ["live:a"]),
        }

    assert hub._fresh(newer, versions(42)) == newer
    # Published first on another process, it reached this one second: nothing of
    # it may take the block, the head, who types or the latest message back.
    assert hub._fresh(older, versions(41)) == update()


def test_an_announcement_read_earlier_never_overwrites_a_later_one():
    later = update(members=["ana", "bia"])
    earlier = update(members=["ana"])
    assert hub._fresh(later, {"members:sala-1": (2000, ["members"])}) == later
    assert hub._fresh(earlier, {"members:sala-1": (1000, ["members"])}) == (update())


def test_blocks_are_versioned_apart_from_each_other_and_from_other_rooms():
    assert hub._fresh(update(block_4=[1]), {"block:sala-1:4": (33, ["block_4"])})
    other_slot = update(block_3=[2])
    assert hub._fresh(other_slot, {"block:sala-1:3": (32, ["block_3"])}) == other_slot
    other_room = update(block_4=[3])
    assert hub._fresh(other_room, {"block:sala-2:4": (5, ["block_4"])}) == other_room


def test_latest_messages_relayed_here_never_go_back_and_are_taken_once():
    hub.note_activity({"a": {"n": 5, "text": "five"}, "b": {"n": 1}})
    # Published earlier on another process, relayed here later.
    hub.note_activity({"a": {"n": 4, "text": "four"}})
    assert hub.latest_numbers() == {"a": 5, "b": 1}
    assert hub.take_activity() == {"a": {"n": 5, "text": "five"}, "b": {"n": 1}}
    assert hub.take_activity() == {}
    hub.note_activity({"b": {"n": 2}})
    assert hub.take_activity() == {"b": {"n": 2}}


def test_an_edit_of_the_latest_message_is_news_only_if_its_preview_changed():
    hub.note_activity({"a": {"n": 5, "v": 10, "by": "ana", "text": "oi"}})
    hub.take_activity()
    # Reacted to: read again later, the same preview.
    hub.note_activity({"a": {"n": 5, "v": 20, "by": "ana", "text": "oi"}})
    assert hub.take_activity() == {}
    hub.note_activity({"a": {"n": 5, "v": 30, "by": "", "text": ""}})  # deleted
    assert hub.take_activity() == {"a": {"n": 5, "v": 30, "by": "", "text": ""}}
    # The edit read before the deletion, relayed after it, changes nothing.
    hub.note_activity({"a": {"n": 5, "v": 25, "by": "ana", "text": "olá"}})
    assert hub.take_activity() == {}
