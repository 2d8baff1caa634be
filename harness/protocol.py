"""The one client of the chat's socket protocol: Reflex's event protocol over socket.io.

A :class:`ChatClient` is a browser tab without the browser. Tests use it to check
what a socket carried, not only what a page rendered; the benchmark runs hundreds
of them and reads only when its ``bench:<n>:`` markers arrived and how many bytes
came in (:class:`Receiver`, which the baseline's client shares).

This is the only module of harness that imports chat_app's state classes, for the
names their vars and handlers have on the wire.
"""

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any, Self

import reflex as rx
import socketio
from reflex_base.constants.state import FIELD_MARKER

from chat_app.domain.history import OLDER_SLOTS
from chat_app.domain.messages import RING_BLOCKS
from chat_app.realtime.views import RoomViewState, block_var, older_var
from chat_app.states.actions import MessageActionsState
from chat_app.states.admin import AdminState
from chat_app.states.auth import AuthState
from chat_app.states.chat import ChatState
from chat_app.states.dialogs import DialogState
from chat_app.states.history import HistoryState
from chat_app.states.locale import LocaleState
from chat_app.states.people import PeopleState
from chat_app.states.profile import ProfileState
from chat_app.states.reading import ReadingState
from chat_app.states.search import SearchState

ROOT = rx.State.get_full_name()
AUTH = AuthState.get_full_name()
CHAT = ChatState.get_full_name()
DIALOG = DialogState.get_full_name()
ACTIONS = MessageActionsState.get_full_name()
ADMIN = AdminState.get_full_name()
HISTORY = HistoryState.get_full_name()
LOCALE = LocaleState.get_full_name()
PEOPLE = PeopleState.get_full_name()
PROFILE = ProfileState.get_full_name()
READING = ReadingState.get_full_name()
SEARCH = SearchState.get_full_name()
ROOM = RoomViewState.get_full_name()
FIRST_ROOM = "sala-1"
MARKER = re.compile(r"bench:(\d+):")
TYPISTS = f"typists{FIELD_MARKER}"


class Receiver:
    """What one client saw: bytes and frames in, each arrival of each marker.

    A frame carrying ``bench:<n>:`` records when message ``n`` first arrived
    (``time.perf_counter``), without the payload being kept; a later frame
    carrying it again (the message re-sent whole, as a reaction to it is) records
    a repeat, so :meth:`arrived` can tell when an update after an action came.
    """

    def __init__(self) -> None:
        """Start empty."""
        self.arrivals: dict[int, float] = {}
        # When each marker came again, in later frames (oldest first).
        self.repeats: dict[int, list[float]] = {}
        self.bytes_in = 0
        self.frames = 0
        # Frames telling who is typing (the benchmark counts what is shed).
        self.typing_updates = 0
        self.changed = asyncio.Event()

    def saw(self, raw: str) -> None:
        """Record one received frame.

        Args:
            raw: The frame's JSON text.
        """
        now = time.perf_counter()
        self.bytes_in += len(raw.encode())
        self.frames += 1
        # A message's marker shows twice in its frame (its text and its HTML).
        for number in {int(match.group(1)) for match in MARKER.finditer(raw)}:
            if number in self.arrivals:
                self.repeats.setdefault(number, []).append(now)
            else:
                self.arrivals[number] = now
        self.changed.set()

    def arrived(self, number: int, since: float = 0.0) -> float | None:
        """When a frame carrying a marker first came at or after some moment.

        Args:
            number: The marker's number.
            since: The moment (``time.perf_counter``), e.g. when an action on
                the message was sent; 0 for the first arrival.

        Returns:
            The time it came, or None if no such frame came yet.
        """
        first = self.arrivals.get(number)
        if first is None or first >= since:
            return first
        return next((t for t in self.repeats.get(number, ()) if t >= since), None)

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = 10
    ) -> None:
        """Wait until a condition on what this client received holds.

        The condition is checked now and after every frame.

        Args:
            predicate: A function of no arguments, truthy once the condition holds.
            timeout: Seconds to wait.

        Raises:
            TimeoutError: If it did not hold in time.
        """
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("The server never sent the awaited update.")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                continue


def as_text(data: Any) -> str:
    """A received socket.io payload as JSON text.

    Args:
        data: The payload, as python-socketio decoded it.

    Returns:
        The text.
    """
    return data if isinstance(data, str) else json.dumps(data)


class ChatClient(Receiver):
    """One simulated browser tab of the chat.

    It keeps the latest value of every var the server sent (cheap: one value per
    var) and the redirects it was told; with ``keep_frames`` also every frame's
    text, which tests read and the benchmark, with hundreds of clients, does not.
    Its handler methods carry the names of ``ChatState``'s handlers.

    Attributes:
        base_url: The chat's address.
        session_token: The login session the browser's localStorage holds.
        token: The tab's token; a tab reconnecting on a new socket keeps it.
        sio: The socket.
        state: ``{state name: {var name: latest value}}``.
        raw: Every frame's JSON text, oldest first (only with ``keep_frames``).
    """

    def __init__(
        self,
        base_url: str,
        session_token: str = "",
        keep_frames: bool = True,
        language: str = "en",
    ) -> None:
        """Prepare a client with a fresh tab token.

        Args:
            base_url: The chat's address, e.g. ``http://localhost:8000``.
            session_token: The login session the browser's localStorage holds
                (empty for a visitor who is not logged in).
            keep_frames: Whether to keep every frame's text, for :meth:`carried`.
            language: The browser's ``Accept-Language`` (English by default, as
                the tests read the server's messages).
        """
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.session_token = session_token
        self.keep_frames = keep_frames
        self.language = language
        self.token = str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.state: dict[str, dict[str, Any]] = {}
        self.raw: list[str] = []
        self._redirects: list[str] = []
        # The page the tab shows, as its address bar would: the chat's own
        # addresses are followed like a browser does (``/`` goes to the room's).
        self.path = "/"
        self.visited: list[str] = []
        self._storage: dict[str, Any] = {}
        self._navigating: set[asyncio.Task] = set()
        # Names of the events the server asked this tab to run (it runs none).
        self.asked: list[str] = []
        # Whether it follows the server's redirects to rooms, as a browser
        # does; a hostile client may ignore them (then they are only kept).
        self.follows_redirects = True
        self.sio.on("event", self._on_event, namespace="/_event")

    async def _on_event(self, data: Any) -> None:
        update = json.loads(data) if isinstance(data, str) else data
        raw = as_text(data)
        if self.keep_frames:
            self.raw.append(raw)
        for state_name, values in (update.get("delta") or {}).items():
            self.state.setdefault(state_name, {}).update(values)
            self.typing_updates += TYPISTS in values
        for event in update.get("events") or []:
            self.asked.append(event.get("name", ""))
            if event.get("name") == "_redirect":
                path = event["payload"].get("path", "")
                if path.startswith("/rooms/") and self.follows_redirects:
                    self.visited.append(path)
                    task = asyncio.get_running_loop().create_task(self.navigate(path))
                    self._navigating.add(task)
                    task.add_done_callback(self._navigating.discard)
                else:
                    self._redirects.append(path)
        self.saw(raw)

    async def connect(self, timeout: int = 20) -> Self:
        """Open the socket and hydrate the chat page, like a page load.

        The page's on_load (``open_address``) runs: with a valid session the tab
        is sent to its user's room's address (the first room for a user with no
        other tab), which it follows and enters; without one it is sent to the
        login page.

        Args:
            timeout: Seconds allowed for connecting, and again for hydrating.

        Returns:
            This client.
        """
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            wait_timeout=timeout,
            headers={"Accept-Language": self.language},
        )
        self._storage = {f"{AUTH}.session_token{FIELD_MARKER}": self.session_token}
        await self.emit(f"{ROOT}.hydrate_and_load", {"vars": self._storage})
        await self.wait_for(lambda: self.var(ROOT, "is_hydrated") is True, timeout)
        if self.visited:  # sent on to a room's address: loaded once in the room
            room = self.visited[-1].split("/")[2]
            await self.wait_for(
                lambda: (
                    self.room_slug() == room and self.var(ROOT, "is_hydrated") is True
                ),
                timeout,
            )
        return self

    async def navigate(self, path: str) -> None:
        """Go to another of the chat's pages in this tab, as its router does.

        Args:
            path: The address, e.g. ``/rooms/sala-2`` or ``/rooms/sala-2/41``.
        """
        self.path = path
        await self.emit(f"{ROOT}.hydrate_and_load", {"vars": self._storage})

    async def close(self) -> None:
        """Close the socket."""
        await self.sio.disconnect()

    async def emit(self, handler: str, payload: dict[str, Any]) -> None:
        """Send an event to a handler, with any payload (even a malformed one).

        Args:
            handler: The full handler name, e.g. ``f"{CHAT}.send"``.
            payload: The handler's keyword arguments.
        """
        await self.sio.emit(
            "event",
            {
                "token": self.token,
                "name": handler,
                "payload": payload,
                "router_data": {
                    "pathname": self.path,
                    "query": {},
                    "asPath": self.path,
                },
            },
            namespace="/_event",
        )

    async def open_chat(self) -> None:
        """Run the chat page's on_load again, as a reload of the page would."""
        await self.emit(f"{CHAT}.open_chat", {})

    async def enter_room(self, slug: str) -> None:
        """Enter a room: move there, or come back after leaving.

        Args:
            slug: The room's slug (:data:`FIRST_ROOM` is the default room).
        """
        await self.emit(f"{CHAT}.enter_room", {"slug": slug})

    async def leave_room(self) -> None:
        """Leave the current room."""
        await self.emit(f"{CHAT}.leave_room", {})

    async def set_draft(self, value: str) -> None:
        """Type into the composer; non-blank text makes the user a typist.

        Args:
            value: The composer's text.
        """
        await self.emit(f"{CHAT}.set_draft", {"value": value})

    async def typing_stopped(self) -> None:
        """Report the stop the browser sends after 3 s without a key."""
        await self.emit(f"{CHAT}.typing_stopped", {})

    async def send(self, text: str) -> None:
        """Send a message (or, while editing, save the edit).

        Args:
            text: The text.
        """
        await self.emit(f"{CHAT}.send", {"form_data": {"text": text}})

    async def load_older(self) -> None:
        """Ask for the page of messages before the live window."""
        await self.emit(f"{HISTORY}.load_older", {})

    async def show_message(self, number: object) -> None:
        """Ask for the history down to a message (a click on a quote).

        Args:
            number: The message's number, or anything.
        """
        await self.emit(f"{HISTORY}.show_message", {"number": number})

    async def search(self, text: object, zone: object = "UTC") -> None:
        """Type in the search box (after its debounce), as the page sends it.

        Args:
            text: The box's text, or anything.
            zone: The browser's time zone, or anything.
        """
        await self.emit(f"{SEARCH}.search", {"text": text, "zone": zone})

    async def more_results(self) -> None:
        """Click "more results"."""
        await self.emit(f"{SEARCH}.more_results", {})

    def hits(self) -> list[dict[str, Any]]:
        """The search results this tab was sent (the latest list)."""
        return self.var(SEARCH, "hits") or []

    async def read_to(self, number: object, live: object = False) -> None:
        """Report how far this tab has read, as a visible browser tab does.

        Args:
            number: The newest message read, or anything.
            live: Whether the tab reads live from now on (visible, at the
                bottom of the list), or anything.
        """
        await self.emit(f"{READING}.read_to", {"number": number, "live": live})

    async def show_seen_by(self, number: object) -> None:
        """Ask who saw one of one's own messages (a click on its ✓).

        Args:
            number: The message's number, or anything.
        """
        await self.emit(f"{READING}.show_seen_by", {"number": number})

    def seen(self) -> dict[str, int]:
        """The highest of the user's messages someone else saw, by room."""
        return self.var(ROOM, "seen") or {}

    def seen_by(self) -> list[str]:
        """Who the open "seen by" list names, in its order."""
        return [
            reader["username"] for reader in self.var(READING, "seen_readers") or []
        ]

    async def act(self, handler: str, **arguments: object) -> None:
        """Call a handler of the message actions (reply, edit, delete, react).

        Args:
            handler: ``start_reply``, ``start_edit``, ``ask_delete``,
                ``delete_message``, ``react``...
            **arguments: Its arguments, as a client would send them.
        """
        await self.emit(f"{ACTIONS}.{handler}", arguments)

    async def moderate(self, handler: str, **arguments: object) -> None:
        """Call a handler of the admin screen (load, search, ban, mute...).

        Args:
            handler: ``load``, ``search``, ``set_reason``, ``set_mute_choice``,
                ``ban``, ``unban``, ``mute``, ``unmute``.
            **arguments: Its arguments, as a client would send them.
        """
        await self.emit(f"{ADMIN}.{handler}", arguments)

    async def react(self, number: object, emoji: object) -> None:
        """Add or take back a reaction.

        Args:
            number: The message's number, or anything.
            emoji: The reaction, or anything.
        """
        await self.act("react", number=number, emoji=emoji)

    async def delete(self, number: object) -> None:
        """Delete a message, confirming as the dialog does.

        Args:
            number: The message's number, or anything.
        """
        await self.act("ask_delete", number=number)
        await self.act("delete_message")

    async def edit(self, number: object, text: str) -> None:
        """Edit a message: put it in the composer, then save the new text.

        Args:
            number: The message's number, or anything.
            text: The new text.
        """
        await self.act("start_edit", number=number)
        await self.send(text)

    async def reply(self, number: object, text: str) -> None:
        """Reply to a message: quote it in the composer, then send.

        Args:
            number: The message's number, or anything.
            text: The reply.
        """
        await self.act("start_reply", number=number)
        await self.send(text)

    async def find_people(self, query: object) -> None:
        """Ask for the people to mention, as the composer's ``@`` does.

        Args:
            query: What follows the ``@``, or anything.
        """
        await self.emit(f"{PEOPLE}.find", {"query": query})

    def people(self) -> list[str]:
        """The usernames of the people last listed to mention, in order."""
        return [person["username"] for person in self.var(PEOPLE, "people") or []]

    async def show_profile(self, username: str) -> None:
        """Open a member's profile.

        Args:
            username: The member's username.
        """
        await self.emit(f"{DIALOG}.show_profile", {"username": username})

    async def switch_language(self, language: object) -> None:
        """Choose the tab's language (the language menu).

        Args:
            language: What the menu sends: ``pt-BR`` or ``en``, or anything.
        """
        await self.emit(f"{LOCALE}.switch", {"language": language})

    def shown_language(self) -> str:
        """The language the tab is shown in."""
        return self.var(LOCALE, "lang") or ""

    async def log_out(self) -> None:
        """Log out everywhere."""
        await self.emit(f"{CHAT}.log_out", {})

    def var(self, state_name: str, name: str) -> Any:
        """The latest value the server sent for a var.

        Args:
            state_name: The state's full name, e.g. :data:`CHAT`.
            name: The var's name.

        Returns:
            The value, or None if never sent.
        """
        values = self.state.get(state_name, {})
        return values.get(name + FIELD_MARKER, values.get(name))

    def latest_in(self, room: str) -> int:
        """A conversation's latest message number, as the page works it out.

        The higher of what the tab was shown on arriving (``latest``) and the
        conversation's latest message told since (its ``live:<slug>`` key).

        Args:
            room: The conversation's slug.

        Returns:
            The number (0 if never told).
        """
        shown = (self.var(ROOM, "latest") or {}).get(room, 0)
        live = self.var(ROOM, f"live:{room}") or {}
        return max(shown, live.get("n", 0))

    def carriers(self, text: str, since: int = 0) -> set[str]:
        """The vars whose values carried some text, in the frames received.

        A tab hears of every conversation it may see through one var each
        (``live:<slug>``, its latest line in the list of conversations): a test
        of what must not reach a tab says which vars may carry a text.

        Args:
            text: The text to look for.
            since: The first frame to read (an index into ``raw``).

        Returns:
            The vars' names.
        """
        found = set()
        for raw in self.raw[since:]:
            if text not in raw:
                continue
            for values in json.loads(raw).get("delta", {}).values():
                for name, value in values.items():
                    if text in json.dumps(value, ensure_ascii=False):
                        found.add(name.removesuffix(FIELD_MARKER))
        return found

    def carried(self, text: str) -> bool:
        """Whether any frame this socket received contained some text.

        Args:
            text: The text to look for.

        Returns:
            True if it appeared anywhere in what the server sent.

        Raises:
            RuntimeError: If the client keeps no frames, so cannot tell.
        """
        if not self.keep_frames:
            raise RuntimeError("This client was made with keep_frames=False.")
        return any(text in raw for raw in self.raw)

    def members(self) -> list[str]:
        """The member list last received."""
        return self.var(ROOM, "members") or []

    def typists(self) -> list[str]:
        """The typing list last received."""
        return self.var(ROOM, "typists") or []

    def avatars(self) -> dict[str, str]:
        """The room's pictures last received: username to version."""
        return self.var(ROOM, "avatars") or {}

    def messages(self) -> list[dict[str, Any]]:
        """The live window as the browser would lay it out, oldest first."""
        head = self.var(ROOM, "head") or 0
        order = [(head + 1 + offset) % RING_BLOCKS for offset in range(RING_BLOCKS)]
        return [m for slot in order for m in self.var(ROOM, block_var(slot)) or []]

    def history(self) -> list[dict[str, Any]]:
        """Everything the tab shows: the older pages it loaded, then the window.

        Laid out as the browser does: pages by their first message, and the
        window's messages after them.
        """
        pages = [self.var(ROOM, older_var(slot)) or [] for slot in range(OLDER_SLOTS)]
        laid_out = sorted(filter(None, pages), key=lambda page: page[0]["id"])
        return [m for page in laid_out for m in page] + self.messages()

    def room_slug(self) -> str:
        """The room this tab is in, as the server last said ("" for none)."""
        return self.var(CHAT, "room_slug") or ""

    def redirected_to(self) -> list[str]:
        """The paths the server told this tab to navigate to, oldest first."""
        return list(self._redirects)

    def error(self) -> str:
        """The error last received."""
        return self.var(CHAT, "error") or ""
