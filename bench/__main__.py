"""Run the benchmarks: ``python -m bench`` (``make bench``), or ``--smoke`` in CI.

Each scenario starts real servers on loopback (the chat built in production mode,
the baseline, Redis where needed), drives them with real socket.io clients from this
process, prints a table and writes ``docs/benchmarks.json``.
"""

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt

from bench.capacity import (
    CAPACITY_ENV,
    ROOM_SLUGS,
    Load,
    Member,
    baseline_member,
    chat_member,
    measure_step,
    print_capacity,
    step_up,
    window_gaps,
)
from bench.clients import BaselineClient
from bench.procs import tree_rss_kb
from bench.search import scenario_search
from bench.targets import (
    BYTES_PER_RECIPIENT,
    FANOUT_P99_RATIO,
    bytes_pass,
    fanout_pass,
    p99_ratio,
    percentile,
    verdict,
)
from harness.postgres import start_postgres
from harness.protocol import (
    CHAT,
    FIRST_ROOM,
    MARKER,
    ROOM,
    ChatClient,
    Receiver,
    block_var,
)
from harness.servers import (
    ROOT,
    ChatServer,
    Process,
    chat_environment,
    free_port,
    migrate,
    start_chat,
    start_redis,
    venv_env,
    wait_until,
)

DOCS = ROOT / "docs"
# The benchmark measures delivery, not anti-abuse: one member posts ten messages a
# second, and the upload scenario sends 200 MB in one file.
BENCH_ENV = {
    "CHAT_MESSAGE_RATE_LIMIT": "1000000",
    "CHAT_MAX_FILE_BYTES": str(250 * 1024 * 1024),
    "CHAT_MAX_UPLOAD_BYTES": str(250 * 1024 * 1024),
}
DELIVERY_TIMEOUT = 30.0
# The login storm measures what bcrypt costs the chat, so it runs at the cost of
# production (the other scenarios keep the test servers' cost of 4).
PRODUCTION_BCRYPT_ROUNDS = 12
STORM_LOGINS = 20
STORM_REGISTRATIONS = 20
# A client toggling its draft as fast as it can (issue 12's typing amplification).
TYPING_TOGGLES = 300
# The payload probe: a 200-character message (the bytes-per-recipient target).
PROBE = "bench:{marker}: " + "palavra " * 23
FAN_OUT_TEXT = "bench:{marker}: fan-out message"
EDITED_TEXT = "bench:{marker}: fan-out message, edited"
# What the reaction rows react with.
REACTION = "\N{THUMBS UP SIGN}"


class Numbering:
    """Message numbers unique across every scenario of a run."""

    def __init__(self) -> None:
        """Start at a number no earlier run used."""
        self.next = int(time.time() * 1000) * 1000

    def take(self, count: int) -> list[int]:
        """Reserve numbers.

        Args:
            count: How many.

        Returns:
            The numbers.
        """
        numbers = list(range(self.next, self.next + count))
        self.next += count
        return numbers


NUMBERS = Numbering()


@dataclass(frozen=True)
class Action:
    """What makes a room receive an update carrying ``bench:<n>:``, for a number.

    Attributes:
        act: Does it, and returns when (``time.perf_counter``): what the
            delivery is timed from.
        prepare: Readies it, untimed (an edit's message put in the composer);
            it runs while the interval before the action passes.
    """

    act: Callable[[int], Awaitable[float]]
    prepare: Callable[[int], Awaitable[None]] | None = None


async def deliveries(
    receivers: Sequence[Receiver],
    numbers: Sequence[int],
    action: Action,
    interval: float,
) -> dict[str, float]:
    """Do one action per number, one every ``interval`` s, and time their delivery.

    An update counts as delivered to a receiver by the first frame carrying its
    marker that came after its action (:meth:`Receiver.arrived`), so a message
    re-sent whole (a reaction) is told from its earlier deliveries.

    Args:
        receivers: Everyone in the room but the one acting.
        numbers: The markers the updates carry, one per action.
        action: The action.
        interval: Seconds between actions (at least: a preparation taking
            longer delays the next one).

    Returns:
        p50, p99 and max of the time until every receiver had an update (ms),
        and how many deliveries never happened.
    """
    sent: dict[int, float] = {}
    if action.prepare is not None and numbers:
        await action.prepare(numbers[0])
    for index, number in enumerate(numbers):
        sent[number] = await action.act(number)
        pause: list[Awaitable[Any]] = [asyncio.sleep(interval)]
        if action.prepare is not None and index + 1 < len(numbers):
            pause.append(action.prepare(numbers[index + 1]))
        await asyncio.gather(*pause)
    deadline = time.monotonic() + DELIVERY_TIMEOUT

    def delivered() -> bool:
        return all(
            r.arrived(n, sent[n]) is not None for r in receivers for n in numbers
        )

    while not delivered() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    worst: list[float] = []
    lost = 0
    for number in numbers:
        times = [r.arrived(number, sent[number]) for r in receivers]
        lost += sum(1 for t in times if t is None)
        arrived = [t for t in times if t is not None]
        if arrived and len(arrived) == len(times):
            worst.append((max(arrived) - sent[number]) * 1000)
    return {
        "p50_ms": round(percentile(worst, 0.5), 1),
        "p99_ms": round(percentile(worst, 0.99), 1),
        "max_ms": round(max(worst, default=0.0), 1),
        "lost": lost,
    }


def posting(sender: Any, text: str = FAN_OUT_TEXT) -> Action:
    """Sending a new message with the marker (the chat's tab or the baseline's).

    Args:
        sender: The client that posts.
        text: The message, with ``{marker}`` where the marker goes.

    Returns:
        The action.
    """

    async def act(number: int) -> float:
        at = time.perf_counter()
        await sender.send(text.format(marker=number))
        return at

    return Action(act)


def editing(
    sender: ChatClient, seqs: dict[int, int], text: str = EDITED_TEXT
) -> Action:
    """Editing one's message so that its text carries a new marker.

    The message is put in the composer first (``start_edit``, acknowledged, as
    the preparation); the action timed is the save, as a person's Enter.

    Args:
        sender: The author's tab.
        seqs: For each new marker, the number in the room of the message to edit.
        text: The new text, with ``{marker}`` where the marker goes.

    Returns:
        The action.
    """

    async def prepare(number: int) -> None:
        seq = seqs[number]
        await sender.act("start_edit", number=seq)
        await sender.wait_for(
            lambda: sender.var(CHAT, "editing") == seq, DELIVERY_TIMEOUT
        )

    async def act(number: int) -> float:
        at = time.perf_counter()
        await sender.send(text.format(marker=number))
        return at

    return Action(act, prepare)


def reacting(sender: ChatClient, seqs: dict[int, int]) -> Action:
    """Reacting to a message: the room gets it again, with its marker, whole.

    Args:
        sender: The reacting tab.
        seqs: For each marker, the number in the room of the message carrying it.

    Returns:
        The action.
    """

    async def act(number: int) -> float:
        at = time.perf_counter()
        await sender.react(seqs[number], REACTION)
        return at

    return Action(act)


def newest(client: ChatClient) -> int:
    """The newest message a tab shows (its ring's head block's last).

    Args:
        client: The tab.

    Returns:
        Its number in the room (0 for none).
    """
    block = client.var(ROOM, block_var(client.var(ROOM, "head") or 0)) or []
    return block[-1]["id"] if block else 0


async def read_live(readers: Sequence[ChatClient]) -> int:
    """Have tabs say they read live, as visible tabs at the bottom of the list do.

    Like ``assets/reading.js``: said once; from then on the server counts
    every message it delivers to them as read, and they report nothing more.

    Args:
        readers: The tabs.

    Returns:
        How many reports were sent.
    """
    await gather_limited(
        [reader.read_to(newest(reader), True) for reader in readers], limit=50
    )
    return len(readers)


async def receipts_fan_out(
    sender: ChatClient, receivers: Sequence[ChatClient], count: int, interval: float
) -> dict[str, float]:
    """Fan-out of new messages while every receiver reports reading them.

    Args:
        sender: The tab that posts (the author told who saw).
        receivers: Everyone else, each a visible tab at the bottom of the list
            (said once, before the messages).
        count: Messages.
        interval: Seconds between posts.

    Returns:
        The figures of :func:`deliveries`, with the reports sent and the
        frames the author received meanwhile (its ✓✓ among them).
    """
    reports = await read_live(receivers)
    await settle([sender, *receivers])
    frames = sender.frames
    figures = await deliveries(
        receivers, NUMBERS.take(count), posting(sender), interval
    )
    return {**figures, "reports": reports, "author_frames": sender.frames - frames}


async def fan_out(
    sender: Any, receivers: Sequence[Receiver], count: int, interval: float
) -> dict[str, float]:
    """Post ``count`` messages, one every ``interval`` s, and time their delivery.

    Args:
        sender: The client that posts.
        receivers: Everyone else in the room.
        count: Messages to post.
        interval: Seconds between posts.

    Returns:
        p50, p99 and max of the time until every receiver had a message (ms),
        and how many deliveries never happened.
    """
    return await deliveries(receivers, NUMBERS.take(count), posting(sender), interval)


async def numbered(client: ChatClient, markers: Sequence[int]) -> dict[int, int]:
    """The numbers in the room of messages a tab shows, by their markers.

    Args:
        client: The tab (it waits until its live window shows them all).
        markers: The markers.

    Returns:
        Marker to the message's number.
    """

    def found() -> dict[int, int]:
        shown: dict[int, int] = {}
        for message in client.messages():
            if match := MARKER.search(message["text"]):
                shown[int(match.group(1))] = message["id"]
        return shown

    await client.wait_for(lambda: set(markers) <= found().keys(), DELIVERY_TIMEOUT)
    return {marker: found()[marker] for marker in markers}


async def action_fan_out(
    sender: ChatClient, receivers: Sequence[ChatClient], count: int, interval: float
) -> dict[str, dict[str, float]]:
    """Fan-out of new messages, edits of them, reactions to them, then with receipts.

    The last row is new messages again while every receiver reports reading
    them as a visible tab does (read receipts on).

    Args:
        sender: The tab that posts, edits and reacts.
        receivers: Everyone else in the room.
        count: Messages (and edits, and reactions).
        interval: Seconds between actions.

    Returns:
        The figures of :func:`deliveries` for ``message``, ``edit``,
        ``reaction`` and ``message, receipts on``.
    """
    originals = NUMBERS.take(count)
    message = await deliveries(receivers, originals, posting(sender), interval)
    seqs = await numbered(sender, originals)
    edited = NUMBERS.take(count)
    targets = {new: seqs[old] for new, old in zip(edited, originals, strict=True)}
    await settle([sender, *receivers])
    edit = await deliveries(receivers, edited, editing(sender, targets), interval)
    await settle([sender, *receivers])
    reaction = await deliveries(receivers, edited, reacting(sender, targets), interval)
    await settle([sender, *receivers])
    receipts = await receipts_fan_out(sender, receivers, count, interval)
    return {
        "message": message,
        "edit": edit,
        "reaction": reaction,
        "message, receipts on": receipts,
    }


async def settle(clients: Sequence[Receiver], quiet: float = 1.0) -> None:
    """Wait until the clients received nothing for ``quiet`` seconds (at most 60 s).

    Joining members make the server announce each arrival; fan-out is measured
    once those announcements are out, for the app and the baseline alike.

    Args:
        clients: The clients.
        quiet: Seconds without a frame.
    """
    deadline = time.monotonic() + 60
    last = -1
    while time.monotonic() < deadline:
        frames = sum(client.frames for client in clients)
        if frames == last:
            return
        last = frames
        await asyncio.sleep(quiet)


async def gather_limited(coroutines, limit: int = 25) -> list[Any]:
    """Run coroutines with bounded concurrency.

    Args:
        coroutines: The coroutines.
        limit: How many at once.

    Returns:
        Their results, in order.
    """
    semaphore = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))


async def make_tokens(base_url: str, count: int, prefix: str) -> list[str]:
    """Register and log in ``count`` accounts through the HTTP API.

    Args:
        base_url: The chat's address.
        count: How many.
        prefix: Username prefix.

    Returns:
        Their session tokens.
    """
    stamp = f"{int(time.time() * 1000) % 10**9:x}"

    async with httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=120) as http:

        async def one(index: int) -> str:
            username = f"{prefix}{stamp}-{index}"
            password = "bench-password"
            fields = {
                "name": f"Bench {index}",
                "username": username,
                "email": f"{username}@bench.example",
                "password": password,
            }
            (await http.post("/api/auth/register", json=fields)).raise_for_status()
            response = await http.post(
                "/api/auth/login", json={"login": username, "password": password}
            )
            response.raise_for_status()
            return response.json()["access_token"]

        return await gather_limited([one(i) for i in range(count)], limit=10)


def member(url: str, token: str) -> ChatClient:
    """A logged-in tab of the chat that keeps no frames, only what bench counts.

    Args:
        url: The chat's address.
        token: A session token from the HTTP API.

    Returns:
        The client, not yet connected.
    """
    return ChatClient(url, token, keep_frames=False)


async def enter(client: ChatClient, timeout: int = 60) -> None:
    """Load the chat page and wait until the tab is in the first room.

    Args:
        client: The tab.
        timeout: Seconds allowed for connecting, and again for entering.
    """
    await client.connect(timeout)
    await client.wait_for(lambda: client.room_slug() == FIRST_ROOM, timeout)


async def chat_members(urls: Sequence[str], count: int) -> list[ChatClient]:
    """Connect ``count`` logged-in members to Sala 1, spread over ``urls``.

    Args:
        urls: Addresses of the chat processes.
        count: How many members.

    Returns:
        The connected clients.
    """
    tokens = await make_tokens(urls[0], count, "m")
    clients = [member(urls[i % len(urls)], token) for i, token in enumerate(tokens)]
    await gather_limited([enter(client) for client in clients], limit=25)
    await settle(clients)
    return clients


async def baseline_members(url: str, count: int) -> list[BaselineClient]:
    """Connect ``count`` clients to the baseline's room.

    Args:
        url: The baseline's address.
        count: How many.

    Returns:
        The connected clients.
    """
    clients = [BaselineClient(url) for _ in range(count)]
    await gather_limited([client.connect() for client in clients], limit=50)
    await settle(clients)
    return clients


async def close_all(clients: Sequence[Any]) -> None:
    """Disconnect clients.

    Args:
        clients: The clients.
    """
    await gather_limited([client.close() for client in clients], limit=50)


def start_baseline() -> tuple[Process, str]:
    """Start the baseline server.

    Returns:
        The process and its address.
    """
    port = free_port()
    process = Process(
        name="bench-baseline",
        args=[sys.executable, "-m", "bench.baseline", str(port)],
        env=venv_env(),
        cwd=ROOT,
        log_path=ROOT / "test-artifacts" / "bench-baseline.log",
    )
    process.start()

    def ready() -> bool:
        process.check_alive()
        try:
            return httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).is_success
        except httpx.HTTPError:
            return False

    wait_until(ready, 30, "the baseline server")
    return process, f"http://127.0.0.1:{port}"


async def scenario_fanout(
    chat: ChatServer, sizes: Sequence[int], count: int, interval: float
) -> list[dict[str, Any]]:
    """Scenario 1: fan-out at several room sizes, app and baseline.

    At each size the chat's room gets ``count`` new messages, then each of them
    edited, then a reaction to each; every row compares with the raw socket.io
    server relaying ``count`` messages to a room of the same size, which is what
    an edit or a reaction would cost it too (one payload to the room).

    Args:
        chat: The chat server.
        sizes: Room sizes.
        count: Messages (and edits, and reactions) per size.
        interval: Seconds between actions.

    Returns:
        Three rows per size: ``message``, ``edit`` and ``reaction``.
    """
    baseline, baseline_url = start_baseline()
    rows = []
    try:
        for members in sizes:
            clients = await chat_members([chat.url], members)
            app = await action_fan_out(clients[0], clients[1:], count, interval)
            await close_all(clients)
            others = await baseline_members(baseline_url, members)
            base = await fan_out(others[0], others[1:], count, interval)
            await close_all(others)
            for action, figures in app.items():
                rows.append(
                    {
                        "members": members,
                        "workers": 1,
                        "action": action,
                        "app": figures,
                        "baseline": base,
                    }
                )
                print_row(rows[-1])
    finally:
        baseline.stop()
    return rows


async def until_seen(receiver: Receiver, number: int, since: float = 0.0) -> None:
    """Wait until a receiver saw a message (or the delivery timeout passed).

    Args:
        receiver: The receiver.
        number: The message number.
        since: Wait for a frame carrying it that came after this moment
            (``time.perf_counter``); 0 for its first arrival.
    """
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while receiver.arrived(number, since) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


async def received(reader: Receiver, number: int, action: Action) -> int:
    """Bytes one recipient receives for one update carrying a marker.

    Args:
        reader: The recipient (not the one acting).
        number: The marker the update carries.
        action: The action.

    Returns:
        The bytes that came from the action until 0.5 s after the update.
    """
    if action.prepare is not None:
        await action.prepare(number)
    await asyncio.sleep(0.5)  # let the last frames of what came before arrive
    before = reader.bytes_in
    at = await action.act(number)
    await until_seen(reader, number, at)
    await asyncio.sleep(0.5)  # any trailing frame for the same update
    return reader.bytes_in - before


async def receipt_received(author: ChatClient, reader: ChatClient, seq: int) -> int:
    """Bytes an author receives when someone reads their message.

    Args:
        author: The author's tab.
        reader: Another member's tab, which reports reading the message.
        seq: The message's number in the room.

    Returns:
        The bytes that came from the report until 0.5 s after ✓✓ arrived
        (the "seen" marks, and the event that refreshes an open "seen by").
    """
    await asyncio.sleep(0.5)  # let the last frames of what came before arrive
    before = author.bytes_in
    await reader.read_to(seq)
    await author.wait_for(
        lambda: (author.var(ROOM, "seen") or {}).get(FIRST_ROOM, 0) >= seq,
        DELIVERY_TIMEOUT,
    )
    await asyncio.sleep(0.5)  # any trailing frame for the same update
    return author.bytes_in - before


def payload_row(
    action: str, history: int, members: int, bytes_in: int, text: str
) -> dict[str, Any]:
    """One payload row, printed.

    Args:
        action: ``message``, ``edit`` or ``reaction``.
        history: Messages of history in the room.
        members: Members in the room.
        bytes_in: Bytes per recipient.
        text: The message's text (after the edit, for an edit or a reaction).

    Returns:
        The row.
    """
    row = {
        "action": action,
        "history": history,
        "members": members,
        "bytes_per_recipient": bytes_in,
        "text_length": len(text),
    }
    print(
        f"payload: {action}, history {history}, {members} members: {bytes_in} "
        f"bytes (target at most {BYTES_PER_RECIPIENT}, passes: "
        f"{verdict(bytes_pass(row))})",
        flush=True,
    )
    return row


async def scenario_payload(
    chat: ChatServer, histories: Sequence[int]
) -> list[dict[str, Any]]:
    """Scenario 2: bytes one recipient receives for a new message, edit, reaction.

    At each size of history a 200-character probe is sent, then edited to a
    text of the same length, then reacted to, by the same member; another
    member's bytes in are counted for each.

    Args:
        chat: The chat server.
        histories: Messages of history to measure at, increasing.

    Returns:
        Rows for each history: ``message``, ``edit`` and ``reaction``.
    """
    clients = await chat_members([chat.url], 11)
    reader, writers = clients[0], clients[1:]
    writer = writers[0]
    rows = []
    history = 0
    for target in histories:
        numbers = NUMBERS.take(target - history)
        for start in range(0, len(numbers), 200):
            batch = numbers[start : start + 200]
            await asyncio.gather(
                *(
                    writers[index % len(writers)].send(f"bench:{n}: history")
                    for index, n in enumerate(batch)
                )
            )
            await asyncio.gather(*(until_seen(reader, n) for n in batch[-10:]))
        history = target
        marker, edited = NUMBERS.take(2)
        size = len(clients)
        sent = await received(reader, marker, posting(writer, PROBE))
        rows.append(
            payload_row("message", target, size, sent, PROBE.format(marker=marker))
        )
        seqs = await numbered(writer, [marker])
        seqs[edited] = seqs[marker]
        sent = await received(reader, edited, editing(writer, seqs, PROBE))
        rows.append(
            payload_row("edit", target, size, sent, PROBE.format(marker=edited))
        )
        sent = await received(reader, edited, reacting(writer, seqs))
        rows.append(
            payload_row("reaction", target, size, sent, PROBE.format(marker=edited))
        )
        sent = await receipt_received(writer, reader, seqs[marker])
        rows.append(
            payload_row("receipt", target, size, sent, PROBE.format(marker=marker))
        )
    await close_all(clients)
    return rows


async def scenario_memory(chat: ChatServer, members: int) -> dict[str, Any]:
    """Scenario 3: backend memory per connected idle member.

    Args:
        chat: The chat server.
        members: How many members.

    Returns:
        The figure.
    """
    tokens = await make_tokens(chat.url, members, "idle")
    before = tree_rss_kb(chat.process.popen.pid)  # pyright: ignore[reportOptionalMemberAccess]
    clients = [member(chat.url, token) for token in tokens]
    await gather_limited([enter(client) for client in clients], limit=25)
    await asyncio.sleep(2)
    after = tree_rss_kb(chat.process.popen.pid)  # pyright: ignore[reportOptionalMemberAccess]
    await close_all(clients)
    result = {"members": members, "kb_per_member": round((after - before) / members, 1)}
    print(f"memory: {result['kb_per_member']} KB per idle member at {members}")
    return result


# The conversations scenario (issue 17): many conversations, each person in some.
CONVERSATIONS = 1000
CONVERSATIONS_PER_MEMBER = 100
# Members of created conversations posting in them while the first room is measured.
POSTERS = 10
# Messages timed to members elsewhere, each in a tick of its own.
ELSEWHERE_MESSAGES = 20


def seed_conversations(database_url: str, user_ids: Sequence[int]) -> list[str]:
    """Store private rooms, each person a member of ``CONVERSATIONS_PER_MEMBER``.

    Written straight to the database, as rooms people created would be: the
    person ``j`` belongs to the rooms ``j + 10 k`` (``k`` below the share), so
    each room has about ``len(usernames) / 10`` members.

    Args:
        database_url: The chat's database.
        user_ids: The people's account ids, in order.

    Returns:
        The rooms' slugs.
    """
    from sqlalchemy import insert
    from sqlmodel import Session, col, select

    from chat_app.db import make_engine
    from chat_app.models import Conversation, Membership, User

    slugs = [f"bench-conversa-{index}" for index in range(CONVERSATIONS)]
    now_ms = int(time.time() * 1000)
    engine = make_engine(database_url)
    with Session(engine) as session:
        names = dict(
            session.exec(
                select(User.id, User.username).where(col(User.id).in_(user_ids))
            ).all()
        )
        usernames = [names[user_id] for user_id in user_ids]
        session.execute(
            insert(Conversation),
            [
                {
                    "slug": slug,
                    "name": f"Conversa {index}",
                    "topic": "",
                    "kind": "room",
                    "private": True,
                    "owner": usernames[index % len(usernames)],
                    "created_at_ms": now_ms,
                }
                for index, slug in enumerate(slugs)
            ],
        )
        session.execute(
            insert(Membership),
            [
                {
                    "room": slugs[(j + 10 * k) % CONVERSATIONS],
                    "username": name,
                    "joined_at_ms": now_ms,
                }
                for j, name in enumerate(usernames)
                for k in range(CONVERSATIONS_PER_MEMBER)
            ],
        )
        session.commit()
    engine.dispose()
    return slugs


async def make_accounts(
    base_url: str, count: int, prefix: str
) -> list[tuple[int, str]]:
    """Register and log in accounts; their ids and session tokens.

    Args:
        base_url: The chat's address.
        count: How many.
        prefix: Username prefix.

    Returns:
        ``(account id, token)`` pairs, in order.
    """
    tokens = await make_tokens(base_url, count, prefix)
    return [
        (int(jwt.decode(token, options={"verify_signature": False})["sub"]), token)
        for token in tokens
    ]


async def scenario_conversations(
    chat: ChatServer, members: int, count: int, interval: float
) -> dict[str, Any]:
    """Scenario: 1,000 conversations, each member in 100, everyone connected.

    Every member sits in the first room with their 100 conversations (and
    their unread counts and previews) in the sidebar. Measured: backend memory
    per connected member; the first room's fan-out to everyone while
    ``POSTERS`` members post in created conversations once a second (their
    other members hear of it on their own channels), against the raw
    socket.io server's room of the same size; how fast, and in how many bytes,
    the members of a conversation elsewhere hear of its new message.

    Args:
        chat: The chat server.
        members: Connected members (500 in the issue).
        count: Messages measured.
        interval: Seconds between them.

    Returns:
        The figures.
    """
    # The members, the posters, and one listener outside every room.
    accounts = await make_accounts(chat.url, members + POSTERS + 1, "conv")
    slugs = seed_conversations(
        chat.process.extra_env["CHAT_DATABASE_URL"], [uid for uid, _ in accounts]
    )
    pid = chat.process.popen.pid  # pyright: ignore[reportOptionalMemberAccess]
    before = tree_rss_kb(pid)
    clients = [member(chat.url, token) for _, token in accounts[:members]]
    await gather_limited([enter(client) for client in clients], limit=25)
    await settle(clients)
    after = tree_rss_kb(pid)
    kb_per_member = round((after - before) / members, 1)
    print(f"conversations: {kb_per_member} KB per connected member at {members}")
    # The posters: the last accounts, each in one conversation of its own.
    posters = []
    for (_, token), slug in zip(accounts[members:-1], slugs, strict=False):
        poster = member(chat.url, token)
        await enter(poster)
        await poster.navigate(f"/rooms/{slug}")
        await poster.wait_for(lambda p=poster, s=slug: p.room_slug() == s, 60)
        posters.append(poster)
    listener = member(chat.url, accounts[-1][1])
    await enter(listener)
    await listener.leave_room()
    await listener.wait_for(lambda: listener.room_slug() == "", 60)
    chatting = posters[1:]
    posters.append(listener)  # closed with them
    busy = True

    async def chatter() -> None:
        while busy:
            # All but the first poster, whose conversation is timed below.
            await asyncio.gather(*(p.send("bench: conversa viva") for p in chatting))
            await asyncio.sleep(1)

    background = asyncio.create_task(chatter())
    try:
        room = await fan_out(clients[0], clients[1:], count, interval)
        # A conversation's members elsewhere (in the first room): when and in
        # how many bytes they hear of its new message.
        first = posters[0]
        elsewhere = [
            client
            for index, client in enumerate(clients)
            if index % 10 == 0 and index // 10 < CONVERSATIONS_PER_MEMBER
        ]
        # One message a tick apart: members elsewhere hear of a conversation's
        # latest message once a second, not of every message of a busy second.
        told = await deliveries(
            elsewhere, NUMBERS.take(min(count, ELSEWHERE_MESSAGES)), posting(first), 1.2
        )
        # A member of the first poster's conversation in no room: what it
        # receives is that conversation's news alone, not the first room's.
        marker = NUMBERS.take(1)[0]
        bytes_elsewhere = await received(listener, marker, posting(first, PROBE))
    finally:
        busy = False
        await background
    await close_all([*clients, *posters])
    baseline, baseline_url = start_baseline()
    try:
        others = await baseline_members(baseline_url, members)
        base = await fan_out(others[0], others[1:], count, interval)
        await close_all(others)
    finally:
        baseline.stop()
    result = {
        "members": members,
        "conversations": CONVERSATIONS,
        "per_member": CONVERSATIONS_PER_MEMBER,
        "posters": POSTERS,
        "kb_per_member": kb_per_member,
        "room": {"app": room, "baseline": base},
        "elsewhere": {**told, "members": len(elsewhere)},
        "bytes_elsewhere": bytes_elsewhere,
    }
    row = {"app": room, "baseline": base}
    print(
        f"conversations: first room p99 {room['p99_ms']} ms vs raw {base['p99_ms']} ms"
        f" (x{p99_ratio(row) or 0:.1f}, passes: {verdict(fanout_pass(row))}); members"
        f" elsewhere told in p99 {told['p99_ms']} ms, {bytes_elsewhere} bytes each",
        flush=True,
    )
    return result


async def scenario_login_storm(chat: ChatServer, members: int, count: int) -> dict:
    """Scenario 4: 20 logins and 20 registrations at once while a room chats.

    Args:
        chat: The chat server, hashing at the production cost.
        members: Room size.
        count: Messages per measurement.

    Returns:
        Fan-out p99 without and with the storm.
    """
    clients = await chat_members([chat.url], members)
    quiet = await fan_out(clients[0], clients[1:], count, 0.1)
    stamp = f"{int(time.time() * 1000) % 10**9:x}"

    def account(name: str) -> dict[str, str]:
        return {
            "name": "Storm",
            "username": name,
            "email": f"{name}@bench.example",
            "password": "bench-password",
        }

    returning = [account(f"s{stamp}-{i}") for i in range(STORM_LOGINS)]
    newcomers = [account(f"n{stamp}-{i}") for i in range(STORM_REGISTRATIONS)]
    async with httpx.AsyncClient(base_url=chat.url.rstrip("/"), timeout=120) as http:
        for response in await asyncio.gather(
            *(http.post("/api/auth/register", json=f) for f in returning)
        ):
            response.raise_for_status()
        storm = asyncio.gather(
            *(
                http.post(
                    "/api/auth/login",
                    json={"login": f["username"], "password": f["password"]},
                )
                for f in returning
            ),
            *(http.post("/api/auth/register", json=f) for f in newcomers),
        )
        stormy = await fan_out(clients[0], clients[1:], count, 0.1)
        for response in await storm:
            response.raise_for_status()
    await close_all(clients)
    result = {"p99_ms_quiet": quiet["p99_ms"], "p99_ms_storm": stormy["p99_ms"]}
    print(f"login storm: {result}")
    return {
        **result,
        "logins": STORM_LOGINS,
        "registrations": STORM_REGISTRATIONS,
        "bcrypt_rounds": PRODUCTION_BCRYPT_ROUNDS,
    }


async def scenario_typing_storm(chat: ChatServer, members: int, count: int) -> dict:
    """Scenario: one member toggles their draft 300 times while the room chats.

    Args:
        chat: The chat server.
        members: Room size.
        count: Messages per measurement.

    Returns:
        Fan-out p99 without and with the toggling, and how many typing updates
        (and bytes) one other member received for the 300 toggles.
    """
    clients = await chat_members([chat.url], members)
    quiet = await fan_out(clients[0], clients[2:], count, 0.1)
    [token] = await make_tokens(chat.url, 1, "listener")
    listener = ChatClient(chat.url, token)  # keeps its frames, to count them
    await enter(listener)
    await settle([*clients, listener])
    start = len(listener.raw)

    async def toggle() -> None:
        for index in range(TYPING_TOGGLES):
            await clients[1].set_draft("x" if index % 2 == 0 else "")
        await clients[1].set_draft("")
        await clients[1].typing_stopped()

    storm = asyncio.create_task(toggle())
    stormy = await fan_out(clients[0], clients[2:], count, 0.1)
    await storm
    await settle([listener], quiet=3.0)
    typing = [raw for raw in listener.raw[start:] if "typists_rx_state_" in raw]
    await close_all([*clients, listener])
    result = {
        "p99_ms_quiet": quiet["p99_ms"],
        "p99_ms_typing": stormy["p99_ms"],
        "toggles": TYPING_TOGGLES,
        "typing_updates_per_recipient": len(typing),
        "typing_bytes_per_recipient": sum(len(raw.encode()) for raw in typing),
    }
    print(f"typing storm: {result}")
    return result


async def scenario_upload(chat: ChatServer, members: int, count: int) -> dict:
    """Scenario 5: a 200 MB upload while a room chats.

    Args:
        chat: The chat server (started with limits above 200 MB).
        members: Room size.
        count: Messages per measurement.

    Returns:
        Backend memory growth and fan-out p99 without and with the upload.
    """
    clients = await chat_members([chat.url], members)
    quiet = await fan_out(clients[0], clients[1:], count, 0.1)
    token = (await make_tokens(chat.url, 1, "up"))[0]
    size_mb = 200
    # The upload comes from curl, another process, as from another user's
    # machine: this process's event loop stays free to time the room.
    big = ROOT / "test-artifacts" / "bench-upload.bin"
    with big.open("wb") as handle:
        handle.truncate(size_mb * 1024 * 1024)
    pid = chat.process.popen.pid  # pyright: ignore[reportOptionalMemberAccess]
    before = tree_rss_kb(pid)
    peak = before
    curl = await asyncio.create_subprocess_exec(
        "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
        "-H", f"Authorization: Bearer {token}",
        "-F", f"files=@{big};type=application/octet-stream",
        chat.url.rstrip("/") + "/api/upload",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    upload = asyncio.create_task(curl.communicate())

    async def sample() -> None:
        nonlocal peak
        while not upload.done():
            peak = max(peak, tree_rss_kb(pid))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    during = await fan_out(clients[0], clients[1:], count, 0.1)
    output, _ = await upload
    await sampler
    big.unlink()
    status = int(output or b"0")
    await close_all(clients)
    result = {
        "size_mb": size_mb,
        "status": status,
        "rss_growth_mb": round((peak - before) / 1024, 1),
        "p99_ms_quiet": quiet["p99_ms"],
        "p99_ms_upload": during["p99_ms"],
        "lost": during["lost"],
    }
    print(f"upload: {result}")
    return result


async def scenario_workers(members: int, count: int) -> list[dict[str, Any]]:
    """Scenario 6: 3 workers sharing Redis against 1 worker without.

    Args:
        members: Room size.
        count: Messages.

    Returns:
        One fan-out row for the 3-worker deployment.
    """
    redis, redis_url = start_redis("bench-redis")
    env = chat_environment(
        "bench-workers",
        {"REFLEX_REDIS_URL": redis_url, "GRANIAN_WORKERS": "3", **BENCH_ENV},
    )
    migrate(env)
    chat = start_chat("bench-workers", env=env)
    try:
        clients = await chat_members([chat.url], members)
        app = await fan_out(clients[0], clients[1:], count, 0.1)
        await close_all(clients)
    finally:
        chat.process.stop()
        redis.stop()
    row = {"members": members, "workers": 3, "app": app}
    print_row(row)
    return [row]


def chat_connector(url: str) -> Any:
    """Connects chat members: member ``i`` goes to room ``i`` modulo ten.

    Args:
        url: The chat's address.

    Returns:
        ``connect(first_index, count)``.
    """

    async def connect(first: int, count: int) -> list[Member]:
        tokens = await make_tokens(url, count, f"c{first}-")
        members = [
            chat_member(member(url, token), (first + i) % len(ROOM_SLUGS))
            for i, token in enumerate(tokens)
        ]

        async def join(one: Member) -> None:
            await enter(one.client)
            slug = ROOM_SLUGS[one.room]
            await one.client.enter_room(slug)
            await one.client.wait_for(lambda: one.client.room_slug() == slug, 60)

        await gather_limited([join(m) for m in members], limit=25)
        await settle([m.client for m in members])
        return members

    return connect


def baseline_connector(url: str) -> Any:
    """Connects baseline clients, room by room as the chat's members.

    Args:
        url: The baseline's address.

    Returns:
        ``connect(first_index, count)``.
    """

    async def connect(first: int, count: int) -> list[Member]:
        rooms = [(first + i) % len(ROOM_SLUGS) for i in range(count)]
        members = [
            baseline_member(BaselineClient(url, ROOM_SLUGS[room]), room)
            for room in rooms
        ]
        await gather_limited([m.client.connect() for m in members], limit=50)
        return members

    return connect


def next_number() -> int:
    """A fresh message number.

    Returns:
        The number.
    """
    return NUMBERS.take(1)[0]


async def scenario_capacity(args: argparse.Namespace) -> dict[str, Any]:
    """Capacity: members over ten rooms, stepped up, chat and baseline; overload.

    Args:
        args: The command line (steps, seconds, mean interval).

    Returns:
        Rows for one process, the baseline, three workers, and the overload row.
    """
    result: dict[str, Any] = {
        "rooms": len(ROOM_SLUGS),
        "mean_interval_s": args.capacity_interval,
        "step_seconds": args.capacity_seconds,
    }
    if "chat" in args.capacity_parts:
        result.update(await capacity_one_process(args))
    if "baseline" in args.capacity_parts:
        result["baseline"] = await capacity_baseline(args)
    if "workers" in args.capacity_parts:
        result["chat_workers"] = await capacity_workers(args)
    return result


async def capacity_one_process(args: argparse.Namespace) -> dict[str, Any]:
    """Capacity of one chat process, stepped up, then overloaded.

    Args:
        args: The command line.

    Returns:
        The rows (``chat``) and the overload row (``overload``).
    """
    steps, seconds = args.capacity_steps, args.capacity_seconds
    result: dict[str, Any] = {}
    chat = start_chat("bench-capacity", env={**BENCH_ENV, **CAPACITY_ENV})
    load = Load(next_number, args.capacity_interval)
    try:
        pid = chat.process.popen.pid  # pyright: ignore[reportOptionalMemberAccess]
        rows = await step_up(
            "chat", chat_connector(chat.url), load, steps, pid=pid, seconds=seconds
        )
        result["chat"] = rows
        if "overload" in args.capacity_parts:
            passing = [row["members"] for row in rows if row["passed"]]
            target = 2 * (max(passing) if passing else steps[0])
            new = target - len(load.members)
            load.members.extend(await chat_connector(chat.url)(len(load.members), new))
            row = await measure_step(load, pid, seconds, 120, 120)
            row["server"] = "chat, overload"
            row["window_gaps"] = window_gaps([m.client for m in load.members])
            result["overload"] = row
            print_capacity(row)
    finally:
        await close_all([m.client for m in load.members])
        chat.process.stop()
    return result


async def capacity_baseline(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Capacity of the raw socket.io baseline, stepped up.

    Args:
        args: The command line.

    Returns:
        A row per step.
    """
    baseline, baseline_url = start_baseline()
    load = Load(next_number, args.capacity_interval)
    try:
        pid = baseline.popen.pid  # pyright: ignore[reportOptionalMemberAccess]
        return await step_up(
            "raw socket.io",
            baseline_connector(baseline_url),
            load,
            args.capacity_steps,
            pid=pid,
            seconds=args.capacity_seconds,
        )
    finally:
        await close_all([m.client for m in load.members])
        baseline.stop()


async def capacity_workers(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Capacity of three workers sharing Redis and PostgreSQL (the compose setup).

    Args:
        args: The command line.

    Returns:
        A row per step.
    """
    redis, redis_url = start_redis("bench-capacity-redis")
    postgres = start_postgres("bench-capacity-postgres")
    env = chat_environment(
        "bench-capacity-workers",
        {
            "REFLEX_REDIS_URL": redis_url,
            "GRANIAN_WORKERS": "3",
            "CHAT_DATABASE_URL": postgres.create_database("capacity"),
            **BENCH_ENV,
            **CAPACITY_ENV,
        },
    )
    load = Load(next_number, args.capacity_interval)
    chat = None
    try:
        migrate(env)
        chat = start_chat("bench-capacity-workers", env=env)
        pid = chat.process.popen.pid  # pyright: ignore[reportOptionalMemberAccess]
        return await step_up(
            "chat, 3 workers + Redis + PostgreSQL",
            chat_connector(chat.url),
            load,
            args.capacity_worker_steps,
            pid=pid,
            seconds=args.capacity_seconds,
        )
    finally:
        await close_all([m.client for m in load.members])
        if chat is not None:
            chat.process.stop()
        postgres.stop()
        redis.stop()


def print_row(row: dict[str, Any]) -> None:
    """Print one fan-out row.

    Args:
        row: The row.
    """
    app, base = row["app"], row.get("baseline")
    text = (
        f"fan-out {row['members']:>4} members, {row['workers']} worker(s), "
        f"{row.get('action', 'message')}: app p50 {app['p50_ms']} p99 "
        f"{app['p99_ms']} max {app['max_ms']} lost {app['lost']}"
    )
    if base:
        ratio = p99_ratio(row)
        text += (
            f" | baseline p50 {base['p50_ms']} p99 {base['p99_ms']} max "
            f"{base['max_ms']} lost {base['lost']} | p99 ratio "
            f"{'—' if ratio is None else f'{ratio:.1f}x'} (target at most "
            f"{FANOUT_P99_RATIO}x, passes: {verdict(fanout_pass(row))})"
        )
    print(text, flush=True)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the chosen scenarios.

    Args:
        args: The command line.

    Returns:
        The results, in the shape of docs/benchmarks.json.
    """
    results: dict[str, Any] = {}
    if "search" in args.scenarios:
        # Its own servers, on the generated history (SQLite, then PostgreSQL).
        results["search"] = await scenario_search(
            sys.modules[__name__],
            max(args.members),
            args.messages,
            args.search_rounds,
            args.search_postgres,
        )
        if args.scenarios == {"search"}:
            return results
    chat = start_chat("bench", env=BENCH_ENV)
    try:
        if "capacity" in args.scenarios:
            chat.process.stop()  # its own server, with ten rooms
            results["capacity"] = await scenario_capacity(args)
            chat = start_chat("bench", env=BENCH_ENV)
        if "fanout" in args.scenarios:
            results["fanout"] = await scenario_fanout(
                chat, args.members, args.messages, 0.1
            )
        if "payload" in args.scenarios:
            results["payload"] = await scenario_payload(chat, args.payload_history)
        if "memory" in args.scenarios:
            results["memory"] = await scenario_memory(chat, max(args.members))
        if "conversations" in args.scenarios:
            results["conversations"] = await scenario_conversations(
                chat, max(args.members), args.messages, 0.1
            )
        if "typing" in args.scenarios:
            results["typing_storm"] = await scenario_typing_storm(
                chat, min(100, max(args.members)), args.messages
            )
        if "upload" in args.scenarios:
            results["upload"] = await scenario_upload(
                chat, min(100, max(args.members)), args.messages
            )
        if "login" in args.scenarios:
            # Last, as the same server (database and build) restarted at the
            # production cost, which would slow the others' registrations down.
            chat.process.stop()
            chat = start_chat(
                "bench",
                env={
                    **chat.process.extra_env,
                    "CHAT_BCRYPT_ROUNDS": str(PRODUCTION_BCRYPT_ROUNDS),
                },
            )
            results["login_storm"] = await scenario_login_storm(
                chat, min(100, max(args.members)), args.messages
            )
    finally:
        chat.process.stop()
    if "workers" in args.scenarios:
        results.setdefault("fanout", []).extend(
            await scenario_workers(max(args.members), args.messages)
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run, print and save.

    Args:
        argv: The arguments.

    Returns:
        The exit status: 1 if any message, edit or reaction was lost.
    """
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="20 members, 5 messages (and edits, reactions), payload at 10 messages",
    )
    parser.add_argument(
        "--scenarios",
        default="capacity,fanout,payload,memory,typing,login,upload,workers",
        help="comma-separated: capacity,fanout,payload,memory,typing,login,upload,"
        "workers,conversations,search",
    )
    parser.add_argument(
        "--search-rounds",
        type=int,
        default=2,
        help="times the search mix runs through the chat, one search at a time",
    )
    parser.add_argument(
        "--search-postgres",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the search mix through a chat on PostgreSQL",
    )
    parser.add_argument("--capacity-steps", default="250,500,750,1000,1500")
    parser.add_argument("--capacity-worker-steps", default="500,1000,1500,2000")
    parser.add_argument("--capacity-seconds", type=float, default=60)
    parser.add_argument("--capacity-interval", type=float, default=30)
    parser.add_argument(
        "--capacity-parts",
        default="chat,overload,baseline,workers",
        help="comma-separated: chat,overload,baseline,workers",
    )
    parser.add_argument("--members", default="10,100,500")
    parser.add_argument(
        "--payload-history",
        default="10,10000",
        help="messages of history the payload rows are measured at, increasing",
    )
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--output", default=str(DOCS / "benchmarks.json"))
    args = parser.parse_args(argv)
    args.scenarios = set(args.scenarios.split(","))
    args.members = [int(n) for n in args.members.split(",")]
    args.payload_history = [int(n) for n in args.payload_history.split(",")]
    args.capacity_steps = [int(n) for n in args.capacity_steps.split(",")]
    args.capacity_parts = set(args.capacity_parts.split(","))
    args.capacity_worker_steps = [int(n) for n in args.capacity_worker_steps.split(",")]
    if args.smoke:
        args.scenarios, args.members, args.messages = {"fanout", "capacity"}, [20], 5
        # Bytes per recipient of a message, an edit and a reaction, short history.
        args.scenarios.add("payload")
        args.payload_history = [10]
        # A small capacity step: 40 members over ten rooms, one message each 4 s.
        args.capacity_steps, args.capacity_seconds = [40], 12
        args.capacity_interval = 4
        args.capacity_parts = {"chat", "baseline"}
    started = time.monotonic()
    results = asyncio.run(run(args))
    results["command"] = "python -m bench " + " ".join(argv or sys.argv[1:])
    results["seconds"] = round(time.monotonic() - started)
    if not args.smoke:
        Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {args.output}")
    lost = sum(row["app"]["lost"] for row in results.get("fanout", []))
    capacity = results.get("capacity", {})
    lost += sum(row["lost"] for row in capacity.get("chat", [])[:1])
    # Fan-out rows count lost messages, edits and reactions alike.
    print(f"{'smoke' if args.smoke else 'bench'}: {lost} updates lost")
    return 1 if lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
