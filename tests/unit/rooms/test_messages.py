import pytest

from chat_app.domain.messages import (
    BLOCK_SIZE,
    RING_BLOCKS,
    block_number,
    first_seq_of,
    slot_of,
    window_start,
)
from chat_app.domain.validation import validate_message
from chat_app.rooms import reading
from chat_app.rooms.messages import RateLimitedError
from tests.unit.rooms.steps import NOW, enter, post, set_typing, unlimited, view


def test_posting_stores_numbers_groups_and_stops_typing(session, settings):
    enter(session, "t1", "joao")
    set_typing(session, "t1", True, now=NOW)
    first = post(session, settings, "joao", text="a", at=1000)
    second = post(session, settings, "joao", text="b", at=2000)
    other_room = post(session, settings, "ana", room="sala-2", text="c", at=3000)
    assert (first.message.id, second.message.id, other_room.message.id) == (1, 2, 1)
    assert first.typists == []
    assert second.typists is None
    assert not first.message.continues
    assert second.message.continues
    assert second.message.previous_sent_at_ms == 1000
    block = block_number(2)
    assert [m.id for m in second.block] == list(range(first_seq_of(block), 3))
    assert second.slot == slot_of(block)
    assert second.latest == {"sala-1": 2}  # the others are not its news


def test_a_new_message_carries_only_its_block(session, settings):
    posts = [
        post(session, unlimited(settings), "ana", text=str(n), at=n)
        for n in range(BLOCK_SIZE + 2)
    ]
    posted, newest = posts[-1], BLOCK_SIZE + 2
    block = block_number(newest)
    assert posted.slot == slot_of(block)
    assert [m.id for m in posted.block] == list(range(first_seq_of(block), newest + 1))


def test_the_view_holds_the_last_ring_of_blocks(session, settings):
    enter(session, "t1", "joao")
    total = BLOCK_SIZE * RING_BLOCKS + 5
    for number in range(1, total + 1):
        post(session, unlimited(settings), "ana", text=str(number), at=number)
    shown_view = view(session, "sala-1", "joao")
    shown = sorted(m.id for block in shown_view.blocks for m in block)
    assert shown[-1] == total
    assert shown == list(range(window_start(total), total + 1))
    assert len(shown) > BLOCK_SIZE * (RING_BLOCKS - 1)
    assert shown_view.members == ["joao"]
    assert shown_view.blocks[shown_view.head][-1].id == total


def test_more_than_ten_messages_in_ten_seconds_is_refused(session, settings):
    assert (settings.message_rate_limit, settings.message_rate_window_seconds) == (
        10,
        10,
    )
    for number in range(10):
        post(session, settings, "ana", at=number * 100)
    with pytest.raises(RateLimitedError, match="Slow down"):
        post(session, settings, "ana", room="sala-2", at=2000)
    post(session, settings, "bia", at=2000)
    post(session, settings, "ana", at=10_001)


def test_history_pages_go_back_from_the_window(session, settings):
    for at in range(1, 8):
        post(session, unlimited(settings), "ana", at=at)

    def page(first, last):
        return reading.history(session, room="sala-1", first=first, last=last)

    assert [m.id for m in page(3, 5)] == [3, 4, 5]
    assert [m.id for m in page(-10, 2)] == [1, 2]
    assert page(1, 0) == []
    assert page(4, 6)[0].previous_sent_at_ms == 3


def test_a_text_sent_with_nul_characters_is_stored_on_every_database(session, settings):
    text = validate_message("nul\x00 inside\x00", settings.max_message_length)
    posted = post(session, settings, "ana", text=text)
    session.commit()
    assert posted.message.text == "nul inside"
    stored = reading.history(session, room="sala-1", first=1, last=1)
    assert [m.text for m in stored] == ["nul inside"]
