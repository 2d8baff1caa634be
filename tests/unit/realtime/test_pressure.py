"""The loop-lag gauge: typing is shed while the event loop runs late."""

import asyncio
import time

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


def test_the_watcher_notices_a_loop_held_up_by_blocking_work():
    async def scenario() -> None:
        watcher = asyncio.create_task(pressure.watch_the_loop())
        try:
            await asyncio.sleep(0)  # the watcher takes its first nap
            # Blocking work holds the loop for 0.6 s, as overload would (this is
            # the load under test, not a wait for something to happen).
            time.sleep(0.6)
            await asyncio.sleep(pressure.NAP / 5)  # the watcher wakes, late
            assert pressure.lag() > pressure.WEIGHT * 0.5
            assert pressure.shedding()
        finally:
            watcher.cancel()

    asyncio.run(scenario())
