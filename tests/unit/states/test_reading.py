"""The reading handler's own checks, on states instantiated directly.

What needs a session and a room (the reports kept, who saw) runs against a real
server in ``tests/protocol/test_receipts.py``.
"""

import pytest
import reflex as rx

from chat_app.realtime import receipts
from chat_app.states.chat import ChatState
from chat_app.states.reading import ReadingState


@pytest.fixture
def states() -> tuple[ReadingState, ChatState]:
    root = rx.State(_reflex_internal_init=True)  # pyright: ignore[reportCallIssue]
    reading = root.substates[ReadingState.get_name()]
    chat = root.substates[ChatState.get_name()]
    assert isinstance(reading, ReadingState) and isinstance(chat, ChatState)
    return reading, chat


@pytest.mark.parametrize("number", [0, -5, "x", None, True, 2.5, [3]])
async def test_a_report_that_is_no_message_number_is_refused(states, number):
    reading, chat = states
    await reading.read_to(number)  # pyright: ignore[reportArgumentType]
    assert chat.error == "Até onde uma aba leu é o número de uma mensagem."
    assert receipts._reports == {}


async def test_a_flood_is_refused_before_anything_is_looked_at(states, monkeypatch):
    reading, chat = states
    monkeypatch.setattr(reading, "_reports", (1e12,) * 4)  # four just now
    monkeypatch.setattr("time.time", lambda: 1e12)
    await reading.read_to(-1)  # not even checked
    assert chat.error == "Avisos de leitura demais: um por segundo basta."


async def test_the_seen_by_list_closes_and_a_closed_one_is_not_read_again(states):
    reading, _ = states
    reading.seen_for, reading.seen_more = 7, 3
    await reading.close_seen_by(True)  # still open
    assert reading.seen_for == 7
    await reading.close_seen_by(False)
    assert (reading.seen_for, reading.seen_readers, reading.seen_more) == (0, [], 0)
    await reading.refresh_seen_by()  # closed: nothing to read
    assert reading.seen_for == 0
