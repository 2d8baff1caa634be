import pytest

from chat_app.domain.errors import ChatError
from chat_app.domain.history import (
    ANCHOR_CONTEXT,
    JUMP_CONTEXT,
    OLDER_SLOTS,
    OlderHistory,
)


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


def test_a_jump_within_reach_loads_down_to_the_message():
    history = OlderHistory.on_arrival(500)
    assert history.pages_down_to(300, ring_start=500, size=50) == [
        (300 - JUMP_CONTEXT, 499)
    ]
    assert history.pages_down_to(520, ring_start=500, size=50) == []


def test_a_jump_too_far_back_anchors_around_the_message():
    history = OlderHistory(first=400, last=499, pages=2, loads=(1.0,))
    assert history.pages_down_to(20, ring_start=700, size=50) is None
    anchored, context = history.anchored_at(20, ring_start=700)
    assert context == (max(1, 20 - ANCHOR_CONTEXT), 20 + ANCHOR_CONTEXT)
    # The pages held go (their slots free again); the rate limit's record stays.
    assert (anchored.pages, anchored.loads, anchored.anchored) == (0, (1.0,), True)
    anchored = anchored.loaded(*context).settled(ring_start=700)
    assert (anchored.first, anchored.last, anchored.pages) == (1, 45, 1)
    assert anchored.anchored
    assert not anchored.has_older


def test_the_context_is_capped_by_the_room_and_the_live_window():
    _, context = OlderHistory.on_arrival(1000).anchored_at(600, ring_start=1000)
    assert context == (575, 625)
    _, context = OlderHistory.on_arrival(1000).anchored_at(3, ring_start=1000)
    assert context == (1, 28)
    _, context = OlderHistory.on_arrival(1000).anchored_at(990, ring_start=1000)
    assert context == (965, 999)


def test_an_anchored_tab_loads_older_pages_above_and_newer_below():
    history, context = OlderHistory.on_arrival(1000).anchored_at(500, ring_start=1000)
    history = history.loaded(*context).settled(ring_start=1000)
    assert (history.first, history.last) == (475, 525)
    # Above the run, never the gap below it (which the reader at the top misses).
    assert history.next_page(ring_start=1000, size=50) == (425, 474)
    assert history.newer_page(ring_start=1000, size=50) == (526, 575)
    history = history.loaded(425, 474).loaded(526, 575)
    assert (history.first, history.last, history.pages) == (425, 575, 3)
    assert history.next_page(ring_start=1000, size=50) == (375, 424)
    assert history.newer_page(ring_start=1000, size=50) == (576, 625)


def test_newer_pages_stop_at_the_live_window_and_the_tab_is_ordinary_again():
    history, context = OlderHistory.on_arrival(700).anchored_at(600, ring_start=700)
    history = history.loaded(*context).settled(ring_start=700)
    assert history.newer_page(ring_start=700, size=50) == (626, 675)
    history = history.loaded(626, 675).settled(ring_start=700)
    assert history.anchored
    assert history.newer_page(ring_start=700, size=50) == (676, 699)
    history = history.loaded(676, 699).settled(ring_start=700)
    assert not history.anchored
    assert history.newer_page(ring_start=700, size=50) is None
    # An ordinary tab: older pages above, as on arrival.
    assert history.next_page(ring_start=700, size=50) == (525, 574)


def test_a_context_that_reaches_the_live_window_is_ordinary_at_once():
    history, context = OlderHistory.on_arrival(200).anchored_at(190, ring_start=200)
    assert context == (165, 199)
    assert not history.loaded(*context).settled(ring_start=200).anchored


def test_only_an_anchored_tab_with_a_gap_loads_newer_pages():
    assert OlderHistory.on_arrival(500).newer_page(ring_start=500, size=50) is None
    moved_on = OlderHistory(first=300, last=399, pages=2)  # a gap, not anchored
    assert moved_on.newer_page(ring_start=600, size=50) is None
    assert moved_on.next_page(ring_start=600, size=50) == (400, 449)


def test_a_jump_into_an_anchored_tabs_gap_loads_down_to_it_when_near():
    history, context = OlderHistory.on_arrival(1000).anchored_at(100, ring_start=1000)
    history = history.loaded(*context)
    assert history.pages_down_to(200, ring_start=1000, size=50) == [
        (126, 200 + JUMP_CONTEXT)
    ]
    assert history.pages_down_to(110, ring_start=1000, size=50) == []
    assert history.pages_down_to(900, ring_start=1000, size=50) is None
    assert history.pages_down_to(1000, ring_start=1000, size=50) == []


def test_anchoring_frees_the_slots_but_newer_pages_count_toward_them():
    full = OlderHistory(first=100, last=999, pages=OLDER_SLOTS)
    with pytest.raises(ChatError, match="as much history as it can"):
        full.asked(now=0, limit=10, window=10)
    history, context = full.anchored_at(50, ring_start=10_000)
    history = history.asked(now=0, limit=10, window=10).loaded(*context)
    for _ in range(OLDER_SLOTS - 1):
        page = history.newer_page(ring_start=10_000, size=50)
        assert page is not None
        history = history.loaded(*page)
    with pytest.raises(ChatError, match="as much history as it can"):
        history.asked(now=100, limit=10, window=10)
