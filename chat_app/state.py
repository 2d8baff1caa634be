"""Reflex states: the session, each tab's place in the chat, and what it shows.

Handlers stay thin: they take identity from the verified session token (never from
event arguments), call the plain functions of ``accounts`` and ``chatroom`` (which
keep rooms in the database), and store the result. What changes for a whole room is
sent to its tabs as one broadcast delta of ``RoomViewState`` (see ``hub``), not by
updating each member's state. What a tab does is logged under its connection id
(bound by ``event_logs``): names and rooms, never a message's text.
"""

import dataclasses
import json
import logging
import time
from typing import Any

import reflex as rx
from redis.exceptions import RedisError
from reflex_base.constants.state import FIELD_MARKER
from sqlmodel import Session

from chat_app import accounts, chatroom, db, hub
from chat_app.accounts import FieldError
from chat_app.domain.errors import ChatError
from chat_app.domain.files import is_stored_name
from chat_app.domain.messages import RING_BLOCKS, ChatMessage
from chat_app.domain.rooms import Room, find_room
from chat_app.domain.validation import validate_message
from chat_app.models import User
from chat_app.security import AuthError
from chat_app.settings import Settings, get_settings

ROOMS: tuple[Room, ...] = get_settings().room_list()
ROOM_SLUGS = [room.slug for room in ROOMS]
PAGE_SIZE = 50
TYPING_REFRESH_SECONDS = 2.0
NOT_IN_ROOM = "You are not in this room any more: enter a room to chat."
SAVED_NOT_ANNOUNCED = (
    "Your message was saved, but the chat could not pass it on right now (its "
    "Redis is unreachable): the others will see it when they reopen the room."
)
LOGIN_ROUTE = "/login"
CHAT_ROUTE = "/"

logger = logging.getLogger(__name__)


def form_field(form_data: object, name: str) -> object:
    """Read one field of a submitted form, whatever shape the client sent.

    Args:
        form_data: What arrived as the form; anything but a dict has no fields.
        name: The field's name.

    Returns:
        The field's value, or None.
    """
    return form_data.get(name) if isinstance(form_data, dict) else None


def attachment_links(value: object) -> list[object]:
    """Read the composer's ``attachments`` field: a JSON list of upload links.

    Args:
        value: The field as sent ("" or missing when nothing is attached).

    Returns:
        The links (checked against the sender's uploads when stored).

    Raises:
        ChatError: If it is not a JSON list.
    """
    if value in (None, ""):
        return []
    try:
        links = json.loads(value) if isinstance(value, str) else value
    except ValueError as error:
        raise ChatError("The attachments could not be read.") from error
    if not isinstance(links, list):
        raise ChatError("The attachments could not be read.")
    return links


class AuthState(rx.State):
    """The browser's session: the token lives in localStorage, shared by its tabs."""

    session_token: str = rx.LocalStorage("", name="chat_session", sync=True)
    auth_error: str = ""
    auth_field: str = ""

    def _client(self) -> str:
        return self.rx_router_session.client_ip or "unknown"

    async def verified_user(self) -> User:
        """The account behind this browser's token, checked now.

        Returns:
            The user.

        Raises:
            AuthError: If the token is missing, forged, expired or revoked.
        """
        user, _ = await db.run(
            accounts.verify_session,
            self.session_token,
            settings=get_settings(),
            now=time.time(),
        )
        return user

    def _signed_in(self, signed_in: accounts.SignedIn):
        self.session_token = signed_in.token
        self.auth_error = ""
        self.auth_field = ""
        return rx.redirect(CHAT_ROUTE)

    def _refused(self, error: ChatError, field: str = "") -> None:
        self.auth_error = str(error)
        self.auth_field = field

    async def log_in(self, form_data: dict[str, Any]):
        """Log in with a username or email and a password.

        Args:
            form_data: The login form: ``login`` and ``password``.
        """
        try:
            signed_in = await db.run(
                accounts.log_in,
                form_field(form_data, "login"),
                form_field(form_data, "password"),
                client=self._client(),
                settings=get_settings(),
                now=time.time(),
            )
        except AuthError as error:
            self._refused(error)
            return None
        return self._signed_in(signed_in)

    async def sign_up(self, form_data: dict[str, Any]):
        """Create an account and log it in.

        Args:
            form_data: The registration form: name, username, email, password.
        """
        fields = form_data if isinstance(form_data, dict) else {}
        try:
            signed_in = await db.run(
                accounts.sign_up, fields, settings=get_settings(), now=time.time()
            )
        except FieldError as error:
            self._refused(error, error.field)
            return None
        return self._signed_in(signed_in)

    async def skip_if_signed_in(self):
        """On the login and registration pages: go to the chat if already in."""
        self.auth_error = ""
        self.auth_field = ""
        if not self.session_token:
            return None
        try:
            await self.verified_user()
        except AuthError:
            self.session_token = ""
            return None
        return rx.redirect(CHAT_ROUTE)


class RoomViewState(rx.State):
    """What a tab shows of its room; the vars live in the browser only.

    The server never sets them in a tab's state: a tab is sent its room's view
    when it arrives (``show_room``) and every change after that by broadcast
    (``hub``). So the per-tab state stays small however busy the room, and
    nothing here may be computed on the server: no computed vars, no handlers.

    The live window is a ring of blocks (see ``domain.messages``); ``head`` is the
    slot of the newest block.
    """

    members: list[str] = []
    typists: list[str] = []
    first_unread: int = 0
    latest: dict[str, int] = {}
    last_read: dict[str, int] = {}
    older: list[ChatMessage] = []
    has_older: bool = False
    head: int = 0
    block_0: list[ChatMessage] = []
    block_1: list[ChatMessage] = []
    block_2: list[ChatMessage] = []
    block_3: list[ChatMessage] = []
    block_4: list[ChatMessage] = []
    block_5: list[ChatMessage] = []
    block_6: list[ChatMessage] = []
    block_7: list[ChatMessage] = []
    block_8: list[ChatMessage] = []
    block_9: list[ChatMessage] = []
    block_10: list[ChatMessage] = []
    block_11: list[ChatMessage] = []
    block_12: list[ChatMessage] = []
    block_13: list[ChatMessage] = []
    block_14: list[ChatMessage] = []
    block_15: list[ChatMessage] = []


def announce_members(room: str) -> None:
    """Tell a room, shortly, who is in it and who is typing now.

    Args:
        room: The room's slug.
    """

    async def delta() -> dict[str, dict[str, Any]]:
        now = time.time()
        members = await db.run(chatroom.members, room)
        typists = await db.run(chatroom.typists, room, now=now)
        return view_delta(members=members, typists=typists)

    hub.announce_soon(room, f"members:{room}", delta)


async def show_room(sid: str, view: chatroom.RoomView | None) -> None:
    """Send one tab the whole view of its room, or an empty one.

    Args:
        sid: The tab's socket.
        view: The room as it is now; None to show nothing.
    """
    blocks = {
        block_var(slot): view.blocks[slot] if view else []
        for slot in range(RING_BLOCKS)
    }
    await hub.send_to(
        sid,
        view_delta(
            members=view.members if view else [],
            typists=view.typists if view else [],
            head=view.head if view else 0,
            first_unread=view.first_unread if view else 0,
            latest=view.latest if view else {},
            last_read=view.last_read if view else {},
            older=[],
            has_older=bool(view and view.oldest > 1),
            **blocks,
        ),
    )


def block_var(slot: int) -> str:
    """The name of the var holding a ring slot.

    Args:
        slot: The slot.

    Returns:
        ``block_<slot>``.
    """
    return f"block_{slot}"


def view_delta(**changes: Any) -> dict[str, dict[str, Any]]:
    """A delta of ``RoomViewState`` vars, ready to broadcast.

    Args:
        **changes: Var names and their new values.

    Returns:
        ``{state name: {var name: JSON-ready value}}``.
    """

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(item) for item in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.asdict(value)
        return value

    return {
        RoomViewState.get_full_name(): {
            f"{name}{FIELD_MARKER}": plain(value) for name, value in changes.items()
        }
    }


@dataclasses.dataclass(frozen=True)
class Caller:
    """Who sent an event and where their tab is.

    Attributes:
        username: The verified account's username.
        room: The slug of the room the tab is in, or None.
    """

    username: str
    room: str | None


def find_caller(
    session: Session, token: object, tab: str, *, settings: Settings, now: float
) -> Caller:
    """Verify a session token and find the tab's room, in one database visit.

    Args:
        session: The database session.
        token: The browser's session token.
        tab: The tab's id.
        settings: The secret.
        now: The current time.

    Returns:
        The caller.

    Raises:
        AuthError: If the token is not a valid session.
    """
    user, _ = accounts.verify_session(session, token, settings=settings, now=now)
    presence = chatroom.presence_of(session, tab)
    present = presence is not None and presence.username == user.username
    return Caller(user.username, presence.room if present and presence else None)


class ChatState(rx.State):
    """One tab's place in the chat: who it is, which room, what it is writing."""

    username: str = ""
    room_slug: str = ""
    draft: str = ""
    error: str = ""
    sidebar_open: bool = False
    profile_open: bool = False
    profile_name: str = ""
    profile_username: str = ""
    profile_email: str = ""
    viewer_url: str = ""
    viewer_name: str = ""
    _typing: bool = False
    _typing_at: float = 0.0
    # Where this tab's view of its room starts: the live window's first message
    # on arrival, and the oldest page loaded since.
    _window_start: int = 1
    _oldest_shown: int = 1

    @rx.var
    def room_name(self) -> str:
        """The name of the room this tab is in, or "" outside any room."""
        return next((room.name for room in ROOMS if room.slug == self.room_slug), "")

    def _fail(self, error: ChatError | str) -> None:
        self.error = str(error)
        logger.warning(
            "Event refused.",
            extra={"username": self.username or None, "reason": self.error},
        )

    def _tab(self) -> str:
        return self.rx_router_session.client_token

    def _sid(self) -> str:
        return self.rx_router_session.session_id

    async def _identify(self) -> Caller | None:
        """Who this tab's session is and which room the tab is in, or None.

        Every handler starts here, so a forged, expired or revoked token is
        noticed at the next thing the tab does (the tab is then expelled).
        """
        auth = await self.get_state(AuthState)
        try:
            caller = await db.run(
                find_caller,
                auth.session_token,
                self._tab(),
                settings=get_settings(),
                now=time.time(),
            )
        except AuthError as error:
            await self._expel(str(error))
            return None
        if self.username and self.username != caller.username:
            # Another account logged in in this browser: leave as the old one.
            await self._expel("You logged in as someone else.")
            return None
        self.username = caller.username
        return caller

    async def _expel(self, reason: str) -> None:
        """Take this tab out of its room and forget who it was."""
        if reason:
            logger.info(
                "Tab sent to log in.",
                extra={"username": self.username or None, "reason": reason},
            )
        await self._depart()
        self.username = ""
        self.error = reason

    async def _enter(self, room: Room) -> None:
        """Put this tab in a room, tell the others, and show the room."""
        now = time.time()
        arrival = await db.run(
            chatroom.enter,
            room=room.slug,
            username=self.username,
            tab=self._tab(),
            sid=self._sid(),
            now=now,
        )
        await hub.join(self._sid(), room.slug, self.username, ROOM_SLUGS)
        if arrival.newcomer:
            announce_members(room.slug)
        for left in arrival.left_rooms:
            announce_members(left)
        if arrival.moved_tabs:
            # The user's other tabs were moved here too: have them show it.
            await hub.publish(
                hub.user_channel(self.username),
                events=[OPEN_CHAT_EVENT],
                skip_sid=self._sid(),
            )
        view = await db.run(
            chatroom.view,
            room.slug,
            username=self.username,
            rooms=ROOM_SLUGS,
            now=now,
        )
        self._oldest_shown = self._window_start = view.oldest
        await show_room(self._sid(), view)
        logger.info(
            "Entered a room.", extra={"username": self.username, "room": room.slug}
        )
        self.room_slug = room.slug
        self.error = ""
        self.sidebar_open = False

    async def _depart(self) -> None:
        """Take this tab out of its room, tell the others, and show nothing."""
        departure = await db.run(chatroom.leave, tab=self._tab(), now=time.time())
        if departure is not None:
            logger.info(
                "Left a room.",
                extra={"username": departure.username, "room": departure.room},
            )
            await hub.leave(self._sid(), departure.room)
            if departure.user_left:
                announce_members(departure.room)
        await show_room(self._sid(), None)
        if departure is not None:
            # The rooms menu stays: show its unread counts as of now.
            latest, marks = await db.run(
                chatroom.read_state, departure.username, ROOM_SLUGS
            )
            await hub.send_to(self._sid(), view_delta(latest=latest, last_read=marks))
        self._typing = False
        self.draft = ""
        self.room_slug = ""

    def _to_login(self):
        return rx.redirect(LOGIN_ROUTE)

    async def open_chat(self):
        """When the chat page loads: back to login without a session, else enter.

        A tab already in a room (a refresh or a reconnect) is shown that room as it
        is now, catching up on what it missed; a new tab enters the default room.
        """
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        current = caller.room
        target = next((room for room in ROOMS if room.slug == current), ROOMS[0])
        await self._enter(target)
        return None

    async def join(self):
        """Enter the default room again after leaving it."""
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        if caller.room is not None:
            self._fail("You are already in a room.")
            return None
        await self._enter(ROOMS[0])
        return None

    async def switch_room(self, slug: str):
        """Move this tab's user to another room (or enter it from no room).

        Args:
            slug: The slug of the room to enter.
        """
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        try:
            target = find_room(ROOMS, slug if isinstance(slug, str) else "")
        except ChatError as error:
            self._fail(error)
            return None
        current = caller.room
        if current == target.slug:
            self.sidebar_open = False
            return None
        if current is not None:
            await self._depart()
        await self._enter(target)
        return None

    async def leave(self):
        """Leave the current room; the other members see the user go."""
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        if caller.room is None:
            self._fail(NOT_IN_ROOM)
            return None
        await self._depart()
        self.error = ""
        return None

    async def log_out(self):
        """Leave the room, revoke the session everywhere and go to the login page."""
        auth = await self.get_state(AuthState)
        await db.run(
            accounts.log_out,
            auth.session_token,
            settings=get_settings(),
            now=time.time(),
        )
        await self._expel("")
        auth.session_token = ""
        return self._to_login()

    def _keep_draft(self, value: object) -> bool:
        """Store the composer's text, so a refused send loses nothing.

        Returns:
            Whether it was stored.
        """
        if not isinstance(value, str):
            self._fail("A message must be text.")
            return False
        limit = get_settings().max_message_length
        if len(value) > 2 * limit:
            self._fail(f"A message has at most {limit} characters.")
            return False
        self.draft = value
        return True

    async def set_draft(self, value: str):
        """Keep the composer's text; typing starts, goes on and stops with it.

        The room hears only of changes: the first character (typing), an emptied
        composer (stopped), and every 2 s while typing goes on (so the server's
        6 s expiry does not end it).

        Args:
            value: The composer's current text.
        """
        if not self._keep_draft(value):
            return None
        typing = bool(self.draft.strip())
        if typing != self._typing or (
            typing and time.time() - self._typing_at >= TYPING_REFRESH_SECONDS
        ):
            return await self._set_typing(typing)
        return None

    async def _set_typing(self, typing: bool):
        """Record typing or its end; tell the room if its typists changed."""
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        room = caller.room
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        typing = typing and bool(self.draft.strip())
        if typing == self._typing and not typing:
            return None
        now = time.time()
        changed = await db.run(
            chatroom.set_typing, tab=self._tab(), typing=typing, now=now
        )
        self._typing, self._typing_at = typing, now
        if changed is not None:
            await hub.broadcast(room, view_delta(typists=changed))
        return None

    async def typing_started(self):
        """Tell the room this tab's user is typing (sent at most every 2 s)."""
        return await self._set_typing(True)

    async def typing_stopped(self):
        """Tell the room this tab's user stopped typing (after 3 s without a key)."""
        return await self._set_typing(False)

    async def send(self, form_data: dict[str, Any]):
        """Store the composer's text, then send it to everyone in the room.

        Args:
            form_data: The composer form's fields; ``text`` is the message.
        """
        raw = form_field(form_data, "text")
        try:
            links = attachment_links(form_field(form_data, "attachments"))
        except ChatError as error:
            self._fail(error)
            return None
        if isinstance(raw, str):
            if not raw.strip() and not links:
                return None  # Enter in an empty composer sends nothing, silently.
            self._keep_draft(raw)
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        room = caller.room
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        settings = get_settings()
        try:
            text = validate_message(
                raw, settings.max_message_length, allow_empty=bool(links)
            )
        except ChatError as error:
            self._fail(error)
            return None
        try:
            posted = await db.run(
                chatroom.post,
                room=room,
                author=self.username,
                text=text,
                now_ms=int(time.time() * 1000),
                rooms=ROOM_SLUGS,
                attachment_urls=links,
                max_attachments=settings.max_files,
                rate_limit=settings.message_rate_limit,
                rate_window_seconds=settings.message_rate_window_seconds,
            )
        except ChatError as error:  # too fast, or not the sender's uploads
            self._fail(error)
            return None
        latest = view_delta(latest=posted.latest)
        changes: dict[str, Any] = {block_var(posted.slot): posted.block}
        changes["head"] = posted.slot
        changes["latest"] = posted.latest
        if posted.typists is not None:
            changes["typists"] = posted.typists
        self._typing = False
        self.draft = ""
        self.error = ""
        logger.info(
            "Message sent.",
            extra={
                "username": self.username,
                "room": room,
                "seq": posted.message.id,
                "length": len(text),
                "attachments": len(links),
            },
        )
        try:
            await hub.broadcast(room, view_delta(**changes))
            # Tabs elsewhere only need the number, for their unread count.
            await hub.publish(hub.watch_channel(room), delta=latest)
        except RedisError:  # stored, so not to be sent again: say what happened
            logger.warning("A sent message could not be announced (Redis).")
            self._fail(SAVED_NOT_ANNOUNCED)
        return None

    async def load_older(self):
        """Show the previous page of the room's history above what is shown."""
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        if caller.room is None:
            self._fail(NOT_IN_ROOM)
            return None
        first = max(1, self._oldest_shown - PAGE_SIZE)
        older = await db.run(
            chatroom.history, caller.room, first, self._window_start - 1
        )
        self._oldest_shown = first
        await hub.send_to(self._sid(), view_delta(older=older, has_older=first > 1))
        return None

    async def show_profile(self, username: str):
        """Open the profile of someone in this tab's room.

        Args:
            username: A username from the room's member list.
        """
        caller = await self._identify()
        if caller is None:
            return self._to_login()
        room = caller.room
        present = await db.run(chatroom.members, room) if room else []
        if not isinstance(username, str) or username not in present:
            self._fail("That person is not in this room.")
            return None
        profile = await db.run(accounts.profile_of, username)
        if profile is None:
            self._fail("That account no longer exists.")
            return None
        self.profile_name = str(profile["name"])
        self.profile_username = str(profile["username"])
        self.profile_email = str(profile["email"])
        self.profile_open = True
        return None

    def open_viewer(self, url: str, name: str):
        """Show a picture full size.

        Args:
            url: Its ``/static/<stored name>`` link.
            name: Its original name, for the caption.
        """
        stored = url.removeprefix("/static/") if isinstance(url, str) else ""
        if not url.startswith("/static/") or not is_stored_name(stored):
            self._fail("That picture cannot be shown.")
            return
        self.viewer_url = url
        self.viewer_name = name if isinstance(name, str) else ""

    def close_viewer(self, is_open: bool = False):
        """Close the picture viewer.

        Args:
            is_open: The dialog's new state (closing when False).
        """
        if not is_open:
            self.viewer_url = ""

    def set_profile_open(self, is_open: bool):
        """Open or close the profile dialog.

        Args:
            is_open: Whether it is open.
        """
        self.profile_open = bool(is_open)

    def dismiss_error(self):
        """Hide the error banner."""
        self.error = ""

    def toggle_sidebar(self):
        """Open or close the sidebar on narrow screens."""
        self.sidebar_open = not self.sidebar_open


OPEN_CHAT = f"{ChatState.get_full_name()}.open_chat"
# Sent to tabs to have them enter (and show) their room again.
OPEN_CHAT_EVENT = {"name": OPEN_CHAT, "payload": {}, "router_data": {}}
