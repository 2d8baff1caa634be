import pytest

from chat_app.domain.errors import ChatError
from chat_app.domain.history import OLDER_SLOTS, OlderHistory


def test_older_pages_go_back_from_where_the_tab_arrived():
    history = OlderHistory.on_arrival(121)
    assert history.next_page(ring_start=121, size=50) == (71, 120)
    history = history.loaded(71, 120)
    assert history.next_page(ring_start=121, size=50) == (21, 70)
    history = history.loaded(21, 70).loaded(1, 20)
    assert history.next_page(ring_start=121, size=50) is None
    assert not history.has_older
    assert history.pages == 3


def test_messages_the_live_window_let_go_come_before_older_pages():
    # Arrived at 1..128 live; 150 more arrived, so the window starts at 145 now.
    history = OlderHistory.on_arrival(1)
    assert history.next_page(ring_start=145, size=50) == (1, 50)
    history = history.loaded(1, 50)
    assert history.next_page(ring_start=145, size=50) == (51, 100)
    history = history.loaded(51, 100).loaded(101, 144)
    assert (history.first, history.last) == (1, 144)
    assert history.next_page(ring_start=145, size=50) is None


def test_loads_are_rate_limited_and_bounded():
    history = OlderHistory.on_arrival(5000)
    for second in range(10):
        history = history.asked(now=float(second), limit=10, window=10)
    with pytest.raises(ChatError, match="Slow down"):
        history.asked(now=9.5, limit=10, window=10)
    assert history.asked(now=10.5, limit=10, window=10).loads[-1] == 10.5
    full = OlderHistory(first=100, last=99, pages=OLDER_SLOTS)
    with pytest.raises(ChatError, match="as much history as it can"):
        full.asked(now=0, limit=10, window=10)
