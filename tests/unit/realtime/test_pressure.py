"""The loop-lag gauge: typing is shed while the event loop runs late."""

import asyncio

import pytest

from chat_app.realtime import pressure


@pytest.fixture(autouse=True)
def calm(monkeypatch):
    monkeypatch.setattr(pressure, "_lag", 0.0)


def test_a_loop_running_late_sheds_typing_until_it_keeps_up_again():
    assert not pressure.shedding()
    for _ in range(5):
        pressure.record(0.5)  # every nap half a second late
    assert pressure.shedding()
    assert pressure.lag() > 0.1
    for _ in range(20):
        pressure.record(0.0)
    assert not pressure.shedding()


def test_one_late_nap_is_not_overload():
    pressure.record(0.2)
    assert not pressure.shedding()


def test_the_watcher_notices_a_loop_that_wakes_it_late():
    now = 0.0
    naps = 0

    def clock() -> float:
        return now

    async def late_nap(seconds: float) -> None:
        # A loop busy with other work wakes the watcher half a second late.
        nonlocal now, naps
        now += seconds + 0.5
        naps += 1
        if naps == 5:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(pressure.watch_the_loop(nap=late_nap, clock=clock))
    assert pressure.lag() > 0.25
    assert pressure.shedding()
