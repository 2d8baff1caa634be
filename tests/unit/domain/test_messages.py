from chat_app.domain.messages import (
    BLOCK_SIZE,
    RING_BLOCKS,
    ChatMessage,
    block_number,
    continues_previous,
    first_seq_of,
    ring,
    slot_of,
    window_start,
)

MINUTE = 60_000


def message(seq: int, author: str = "joao", at: int = 0) -> ChatMessage:
    return ChatMessage(id=seq, author=author, text=f"m{seq}", sent_at_ms=at)


def test_messages_fall_into_blocks_of_block_size():
    assert [block_number(seq) for seq in (1, BLOCK_SIZE, BLOCK_SIZE + 1)] == [0, 0, 1]
    assert first_seq_of(0) == 1
    assert first_seq_of(1) == BLOCK_SIZE + 1


def test_blocks_reuse_ring_slots():
    assert slot_of(0) == 0
    assert slot_of(RING_BLOCKS - 1) == RING_BLOCKS - 1
    assert slot_of(RING_BLOCKS) == 0


def test_the_window_starts_ring_blocks_before_the_newest_block():
    assert window_start(0) == 1
    assert window_start(5) == 1
    full = BLOCK_SIZE * RING_BLOCKS
    assert window_start(full) == 1
    assert window_start(full + 1) == BLOCK_SIZE + 1


def test_ring_places_each_message_in_its_block_and_names_the_newest_slot():
    messages = [message(seq) for seq in range(1, BLOCK_SIZE * 2 + 2)]
    slots, head = ring(messages)
    assert [m.id for m in slots[0]] == list(range(1, BLOCK_SIZE + 1))
    assert [m.id for m in slots[2]] == [BLOCK_SIZE * 2 + 1]
    assert head == 2
    assert ring([]) == ([[] for _ in range(RING_BLOCKS)], 0)


def test_a_wrapped_ring_puts_the_newest_block_in_an_old_slot():
    count = BLOCK_SIZE * RING_BLOCKS + 1  # one message past a full ring
    start = window_start(count)
    slots, head = ring([message(seq) for seq in range(start, count + 1)])
    assert head == 0
    assert [m.id for m in slots[0]] == [count]
    assert slots[1][0].id == start == BLOCK_SIZE + 1


def test_grouping_needs_the_same_author_within_five_minutes():
    previous = message(1, "joao", at=0)
    assert continues_previous(previous, "joao", 4 * MINUTE)
    assert not continues_previous(previous, "joao", 5 * MINUTE)
    assert not continues_previous(previous, "pedro", MINUTE)
    assert not continues_previous(None, "joao", MINUTE)
