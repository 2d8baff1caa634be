"""Reading reports are written once per flush and told only to those concerned."""

import pytest

from chat_app.realtime import hub, receipts
from chat_app.rooms.read_marks import Advance
from chat_app.rooms.receipts import Recorded

EVENTS = [{"name": "refresh", "payload": {}, "router_data": {}}]


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    monkeypatch.setattr(receipts, "_reports", {})
    monkeypatch.setattr(receipts, "_read_elsewhere", [])
    monkeypatch.setattr(receipts, "_untold", set())
    monkeypatch.setattr(receipts, "_following", {})
    monkeypatch.setattr(receipts, "_marked", {})


class FakeManager:
    def __init__(self, connected: set[str]) -> None:
        self.connected = connected

    def is_connected(self, sid: str, namespace: str) -> bool:
        return sid in self.connected


class FakeServer:
    def __init__(self, connected: set[str]) -> None:
        self.manager = FakeManager(connected)


@pytest.fixture
def world(monkeypatch):
    """The database and the hub replaced by recorders."""
    calls: dict[str, list] = {"db": [], "orders": []}
    recorded = {"value": Recorded(last_read={}, skip={}, seen={})}
    claims = {"free": True}

    async def run(work, **kwargs):
        calls["db"].append(kwargs)
        if isinstance(recorded["value"], Exception):
            raise recorded["value"]
        return recorded["value"]

    async def carry_out(order):
        calls["orders"].append(order)

    async def claim(key, seconds):
        return claims["free"]

    monkeypatch.setattr(receipts.db, "run", run)
    monkeypatch.setattr(hub, "carry_out_everywhere", carry_out)
    monkeypatch.setattr(hub, "claim", claim)
    return calls, recorded, claims


async def test_nothing_gathered_writes_and_tells_nothing(world):
    calls, _, _ = world
    await receipts.flush(EVENTS)
    assert calls == {"db": [], "orders": []}


async def test_a_tabs_reports_are_written_once_as_its_furthest(world):
    calls, recorded, _ = world
    for number in (3, 9, 5):
        receipts.note_report(tab="t1", username="bia", sid="s1", number=number)
    receipts.note_read(None)
    receipts.note_read(Advance(room="sala-1", username="caio", first_seq=1, last_seq=9))
    recorded["value"] = Recorded(
        last_read={"bia": {"sala-1": 9}},
        skip={"bia": "s1"},
        seen={"ana": {"sala-1": 9}},
    )
    await receipts.flush(EVENTS)
    (written,) = calls["db"]
    assert written["reports"]["t1"].number == 9
    assert [a.username for a in written["read_elsewhere"]] == ["caio"]
    (order,) = calls["orders"]
    assert order["op"] == "reads" and order["events"] == EVENTS
    assert order["seen"] == {"ana": {"sala-1": 9}}
    assert order["skip"] == {"bia": "s1"}
    await receipts.flush(EVENTS)  # all written: nothing more
    assert len(calls["db"]) == 1


async def test_an_author_told_this_second_elsewhere_is_told_at_the_next_flush(world):
    calls, recorded, claims = world
    receipts.note_report(tab="t1", username="bia", sid="s1", number=4)
    recorded["value"] = Recorded(last_read={}, skip={}, seen={"ana": {"sala-1": 4}})
    claims["free"] = False
    await receipts.flush(EVENTS)
    assert calls["orders"] == []
    claims["free"] = True
    await receipts.flush(EVENTS)
    assert set(calls["db"][-1]["also_tell"]) == {"ana"}
    assert calls["orders"][-1]["seen"] == {"ana": {"sala-1": 4}}


async def test_reports_not_written_wait_for_the_next_flush(world):
    calls, recorded, _ = world
    receipts.note_report(tab="t1", username="bia", sid="s1", number=4)
    recorded["value"] = RuntimeError("database down")
    with pytest.raises(RuntimeError):
        await receipts.flush(EVENTS)
    recorded["value"] = Recorded(last_read={}, skip={}, seen={})
    await receipts.flush(EVENTS)
    assert calls["db"][-1]["reports"]["t1"].number == 4


async def test_marks_go_to_the_users_own_channels_versioned_and_skipping_the_reader(
    monkeypatch,
):
    sent = []

    async def emit_here(channel, delta, **options):
        sent.append((channel, delta, options))

    monkeypatch.setattr(hub, "emit_here", emit_here)
    monkeypatch.setattr(receipts, "_has_listeners", lambda channel, skip: True)
    await receipts.deliver(
        {
            "read_at": 123,
            "last_read": {"bia": {"sala-1": 9}},
            "skip": {"bia": "s1"},
            "seen": {"ana": {"sala-1": 9}},
            "events": EVENTS,
        }
    )
    (bia, bia_delta, bia_options), (ana, ana_delta, ana_options) = sent
    assert bia == "chat-user:bia" and ana == "chat-user:ana"
    assert bia_options["skip_sid"] == "s1"
    assert list(bia_options["versions"]) == ["last_read:bia"]
    assert ana_options["versions"]["seen:ana"][0] == 123
    assert ana_options["events"] == EVENTS
    assert "last_read" in str(bia_delta) and "seen" in str(ana_delta)


def test_a_live_tab_reads_each_message_delivered_without_reporting_it(monkeypatch):
    connected = {"s1", "s2"}
    latest = {"sala-1": 7}
    monkeypatch.setattr(
        receipts.sockets, "socket_server", lambda: FakeServer(connected)
    )
    monkeypatch.setattr(
        receipts.sockets, "local_rooms", lambda: {"s1": "sala-1", "s2": "sala-1"}
    )
    monkeypatch.setattr(hub, "latest_numbers", lambda: dict(latest))
    receipts.follow(tab="t1", username="bia", sid="s1", live=True)
    receipts.follow(tab="t2", username="caio", sid="s2", live=True)
    receipts.follow(tab="t2", username="caio", sid="s2", live=False)  # scrolled up
    receipts.gather_followers()
    assert {tab: r.number for tab, r in receipts._reports.items()} == {"t1": 7}
    receipts._reports.clear()
    receipts.gather_followers()  # nothing new delivered: nothing to write
    assert receipts._reports == {}
    latest["sala-1"] = 9
    receipts.gather_followers()
    assert receipts._reports["t1"].number == 9
    # In another room now (a quieter one): read there from its newest.
    receipts._reports.clear()
    monkeypatch.setattr(receipts.sockets, "local_rooms", lambda: {"s1": "sala-2"})
    latest["sala-2"] = 3
    receipts.gather_followers()
    assert receipts._reports["t1"].number == 3
    monkeypatch.setattr(receipts.sockets, "local_rooms", lambda: {"s1": "sala-1"})
    # A closed socket is followed no more.
    receipts._reports.clear()
    connected.clear()
    latest["sala-1"] = 10
    receipts.gather_followers()
    assert receipts._reports == {} and receipts._following == {}
