"""Capacity: many members over many rooms, everyone typing and sending at random.

N connected members are spread over ten rooms; each types (a few draft changes,
as the browser sends them) and then sends a message, at random moments averaging
one message per ``mean_interval`` seconds. The step is measured by every
delivery (a message reaching one other member of its room): p50, p99 and max,
and how many never arrived. Members are added step by step until p99 passes one
second or a delivery is lost, for the chat and for the raw socket.io baseline
alike.
"""

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from socketio.exceptions import SocketIOError

from bench.clients import BaselineClient
from bench.procs import cpu_seconds, tree_rss_kb
from chat_app.domain.rooms import build_rooms
from harness.protocol import ChatClient

ROOM_NAMES = [f"Sala {index}" for index in range(1, 11)]
ROOM_SLUGS = [room.slug for room in build_rooms(ROOM_NAMES)]
# The chat serves the ten rooms for this scenario.
CAPACITY_ENV = {"CHAT_ROOMS": ",".join(ROOM_NAMES)}
P99_LIMIT_MS = 1000.0
DELIVERY_TIMEOUT = 30.0
# What a person types before sending: the browser reports the draft a few times.
DRAFT_CHANGES = 4
KEY_GAP = 0.5
WORDS = [
    "the",
    "team",
    "ships",
    "the",
    "chat",
    "today",
    "and",
    "everyone",
    "reads",
    "it",
    "fast",
]


@dataclass
class Member:
    """One connected member of a step: its client and its room."""

    client: Any
    room: int
    typing: Callable[[str], Awaitable[None]]
    send: Callable[[str], Awaitable[None]]


@dataclass
class Sent:
    """One message sent during a step."""

    number: int
    room: int
    sender: Member
    at: float


@dataclass
class Step:
    """What one step measured."""

    members: int
    sent: list[Sent] = field(default_factory=list)

    def deliveries(
        self, by_room: dict[int, list[Member]], timeout: float
    ) -> dict[str, Any]:
        """Latencies of every delivery; lost ones are those over ``timeout``.

        Args:
            by_room: The members of each room.
            timeout: Seconds after which a delivery counts as lost.

        Returns:
            p50, p99 and max in ms, deliveries made, lost, messages sent.
        """
        latencies: list[float] = []
        lost = 0
        for message in self.sent:
            for other in by_room[message.room]:
                if other is message.sender:
                    continue
                arrived = other.client.arrivals.get(message.number)
                if arrived is None or arrived - message.at > timeout:
                    lost += 1
                else:
                    latencies.append((arrived - message.at) * 1000)
        latencies.sort()
        return {
            "p50_ms": round(_nearest_rank(latencies, 0.5), 1),
            "p99_ms": round(_nearest_rank(latencies, 0.99), 1),
            "max_ms": round(latencies[-1] if latencies else 0.0, 1),
            "deliveries": len(latencies),
            "lost": lost,
            "messages": len(self.sent),
        }


def _nearest_rank(ordered: Sequence[float], share: float) -> float:
    if not ordered:
        return 0.0
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def chat_member(client: ChatClient, room: int) -> Member:
    """A chat tab as a capacity member.

    Args:
        client: The tab, in ``ROOM_SLUGS[room]``.
        room: Its room's index.

    Returns:
        The member.
    """
    return Member(client, room, client.set_draft, client.send)


def baseline_member(client: BaselineClient, room: int) -> Member:
    """A baseline client as a capacity member.

    Args:
        client: The client, joined to its room.
        room: Its room's index.

    Returns:
        The member.
    """

    async def typing(_draft: str) -> None:
        await client.typing()

    return Member(client, room, typing, client.send)


class Load:
    """Members sending at random for one step at a time.

    Attributes:
        members: Everyone connected so far.
        numbers: Where message numbers come from.
    """

    def __init__(self, numbers: Callable[[], int], mean_interval: float) -> None:
        """Start with nobody.

        Args:
            numbers: Gives a fresh message number per call.
            mean_interval: Mean seconds between one member's messages.
        """
        self.members: list[Member] = []
        self.numbers = numbers
        self.mean_interval = mean_interval
        self.rng = random.Random(13)

    def by_room(self) -> dict[int, list[Member]]:
        """The members of each room.

        Returns:
            Room index to its members.
        """
        rooms: dict[int, list[Member]] = {i: [] for i in range(len(ROOM_SLUGS))}
        for member in self.members:
            rooms[member.room].append(member)
        return rooms

    async def _talk(self, member: Member, step: Step, stop_at: float) -> None:
        rng = random.Random(self.rng.random())

        async def pause(seconds: float) -> None:  # never past the step's end
            await asyncio.sleep(max(0.0, min(seconds, stop_at - time.monotonic())))

        await pause(rng.uniform(0, self.mean_interval))
        while time.monotonic() < stop_at and member.client.sio.connected:
            words = " ".join(rng.choice(WORDS) for _ in range(8))
            try:
                for change in range(1, DRAFT_CHANGES + 1):
                    await member.typing(words[: change * len(words) // DRAFT_CHANGES])
                    await asyncio.sleep(KEY_GAP)
                number, at = self.numbers(), time.perf_counter()
                await member.send(f"bench:{number}: {words}")
            except SocketIOError:
                return  # disconnected: counted as such, and its messages lost
            step.sent.append(Sent(number, member.room, member, at))
            await pause(rng.expovariate(1 / self.mean_interval))

    async def run(self, seconds: float, drain: float) -> Step:
        """Everyone talks for ``seconds``; then deliveries get ``drain`` s to arrive.

        Args:
            seconds: How long members keep sending.
            drain: Seconds after the last send for deliveries to arrive.

        Returns:
            The step, with what was sent.
        """
        step = Step(members=len(self.members))
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(self._talk(m, step, stop_at) for m in self.members))
        rooms = self.by_room()

        def delivered() -> bool:
            return all(
                message.number in other.client.arrivals
                for message in step.sent
                for other in rooms[message.room]
            )

        deadline = time.monotonic() + drain
        while time.monotonic() < deadline and not delivered():
            await asyncio.sleep(0.25)
        return step


async def measure_step(
    load: Load, pid: int | None, seconds: float, drain: float, timeout: float
) -> dict[str, Any]:
    """Run one step and gather its figures.

    Args:
        load: The members, all connected.
        pid: The server's process (None: not measured).
        seconds: How long members send.
        drain: Seconds after the last send for deliveries to arrive.
        timeout: A delivery later than this is lost.

    Returns:
        The row.
    """
    started = time.monotonic()
    cpu_before = cpu_seconds(pid) if pid else 0.0
    typing_before = sum(m.client.typing_updates for m in load.members)
    peak_rss = 0

    async def sample() -> None:
        nonlocal peak_rss
        while True:
            peak_rss = max(peak_rss, tree_rss_kb(pid) if pid else 0)
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    try:
        step = await load.run(seconds, drain)
    finally:
        sampler.cancel()
    wall = time.monotonic() - started
    row = step.deliveries(load.by_room(), timeout)
    disconnected = sum(1 for m in load.members if not m.client.sio.connected)
    typing = sum(m.client.typing_updates for m in load.members) - typing_before
    row.update(
        members=step.members,
        # What is shed under load: typing updates each member received.
        typing_updates_per_member_minute=round(
            typing / max(1, step.members) / (seconds / 60), 1
        ),
        cpu_cores=round((cpu_seconds(pid) - cpu_before) / wall, 2) if pid else None,
        peak_rss_mb=round(peak_rss / 1024, 1) if pid else None,
        disconnected=disconnected,
        passed=row["lost"] == 0 and row["p99_ms"] <= P99_LIMIT_MS and disconnected == 0,
    )
    return row


def window_gaps(clients: Sequence[ChatClient]) -> int:
    """How many tabs show their room's live window with a gap or a double.

    Args:
        clients: Chat tabs.

    Returns:
        The number of tabs whose window is not consecutive message numbers.
    """
    broken = 0
    for client in clients:
        ids = [message["id"] for message in client.messages()]
        if ids != list(range(ids[0], ids[0] + len(ids))) if ids else False:
            broken += 1
    return broken


def print_capacity(row: dict[str, Any]) -> None:
    """Print one capacity row.

    Args:
        row: The row.
    """
    print(
        f"capacity {row['server']} {row['members']:>5} members: p50 {row['p50_ms']} "
        f"p99 {row['p99_ms']} max {row['max_ms']} ms, lost {row['lost']} of "
        f"{row['deliveries'] + row['lost']}, cpu {row['cpu_cores']} cores, "
        f"peak rss {row['peak_rss_mb']} MB, disconnected {row['disconnected']}, "
        f"typing updates per member-minute {row['typing_updates_per_member_minute']}"
        f"{'' if row['passed'] else '  (over the limit)'}",
        flush=True,
    )


Connect = Callable[[int, int], Awaitable[list[Member]]]


async def step_up(
    name: str,
    connect: Connect,
    load: Load,
    steps: Sequence[int],
    *,
    pid: int | None,
    seconds: float,
    drain: float = DELIVERY_TIMEOUT,
) -> list[dict[str, Any]]:
    """Add members step by step until a step fails (or the steps run out).

    Args:
        name: The server's name in the rows.
        connect: ``connect(first_index, count)`` connects more members.
        load: The load, holding the members connected so far.
        steps: Member counts, increasing.
        pid: The server's process.
        seconds: How long each step sends.
        drain: Seconds for the last deliveries to arrive.

    Returns:
        A row per step run.
    """
    rows = []
    idle_rss = tree_rss_kb(pid) if pid else 0
    for members in steps:
        new = members - len(load.members)
        load.members.extend(await connect(len(load.members), new))
        rss = tree_rss_kb(pid) if pid else 0
        row = await measure_step(load, pid, seconds, drain, DELIVERY_TIMEOUT)
        row["server"] = name
        row["rss_kb_per_member"] = round((rss - idle_rss) / members, 1) if pid else None
        rows.append(row)
        print_capacity(row)
        if not row["passed"]:
            break
    return rows
