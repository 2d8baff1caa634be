"""Reflex states: the session, a private chat state per tab, a shared state per room.

Handlers stay thin: they take identity from the verified session token (never from
event arguments), call the plain rules in ``chat_app.domain`` and ``accounts``, and
store the result. A change to ``RoomState`` reaches every tab linked to that room.
"""

import time
from typing import Any

import reflex as rx
from reflex.istate.manager import get_state_manager
from reflex.istate.manager.token import BaseStateToken

from chat_app import accounts, db
from chat_app.accounts import FieldError
from chat_app.domain import presence
from chat_app.domain.errors import ChatError
from chat_app.domain.messages import ChatMessage, append_message
from chat_app.domain.rooms import Room, find_room
from chat_app.domain.validation import validate_message
from chat_app.models import User
from chat_app.security import AuthError
from chat_app.settings import get_settings

ROOMS: tuple[Room, ...] = get_settings().room_list()
NOT_IN_ROOM = "You are not in this room any more: enter a room to chat."
LOGIN_ROUTE = "/login"
CHAT_ROUTE = "/"


def form_field(form_data: object, name: str) -> object:
    """Read one field of a submitted form, whatever shape the client sent.

    Args:
        form_data: What arrived as the form; anything but a dict has no fields.
        name: The field's name.

    Returns:
        The field's value, or None.
    """
    return form_data.get(name) if isinstance(form_data, dict) else None


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


class RoomState(rx.SharedState):
    """What every member of one room shares; each member's tab links to it.

    A tab that is not in a room keeps an empty private copy, so nothing of any
    room reaches it.
    """

    members: list[str] = []
    typists: list[str] = []
    messages: list[ChatMessage] = []
    _tabs: dict[str, list[str]] = {}
    _next_message_id: int = 1


async def peek_members(room: Room) -> list[str]:
    """Read who is in a room without linking this tab to it.

    Args:
        room: The room.

    Returns:
        The members' usernames as last stored (no lock taken).
    """
    root = await get_state_manager().get_state(
        BaseStateToken(ident=room.link_token, cls=RoomState)
    )
    shared = await root.get_state(RoomState)
    return list(shared.members)


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
    _typing: bool = False

    @rx.var
    def room_name(self) -> str:
        """The name of the room this tab is in, or "" outside any room."""
        return next((room.name for room in ROOMS if room.slug == self.room_slug), "")

    def _fail(self, error: ChatError | str) -> None:
        self.error = str(error)

    def _tab(self) -> str:
        return self.rx_router_session.client_token

    async def _identify(self) -> str | None:
        """The verified username of this tab's session, or None after expelling it.

        Every handler starts here, so a forged, expired or revoked token is
        noticed at the next thing the tab does.
        """
        auth = await self.get_state(AuthState)
        try:
            user = await auth.verified_user()
        except AuthError as error:
            await self._expel(str(error))
            return None
        if self.username and self.username != user.username:
            # Another account logged in in this browser: leave as the old one.
            await self._expel("You logged in as someone else.")
            return None
        self.username = user.username
        return self.username

    async def _expel(self, reason: str) -> None:
        """Take this tab out of its room and forget who it was."""
        room = await self._current_room()
        if room is not None:
            await self._depart(room)
            await self._unlink(room)
        self.username = ""
        self.room_slug = ""
        self.error = reason

    async def _current_room(self) -> RoomState | None:
        """The shared state of this tab's room, or None when the tab is in no room."""
        if not self.room_slug:
            return None
        room = await self.get_state(RoomState)
        if self._tab() not in room._tabs.get(self.username, []):
            return None
        return room

    async def _enter(self, room: Room) -> None:
        """Link this tab to a room and add it to the room's members."""
        shared = await self.get_state(RoomState)
        linked = await shared._link_to(room.link_token)
        linked.members, linked._tabs = presence.enter_tab(
            linked.members, linked._tabs, self.username, self._tab()
        )
        self.room_slug = room.slug
        self.error = ""
        self.sidebar_open = False

    async def _depart(self, room: RoomState) -> None:
        """Take this tab out of its room and forget its typing and draft."""
        was_member = self.username in room.members
        room.members, room._tabs = presence.leave_tab(
            room.members, room._tabs, self.username, self._tab()
        )
        if was_member and self.username not in room.members:
            room.typists = presence.stop_typing(room.typists, self.username)
        self._typing = False
        self.draft = ""
        self.room_slug = ""

    async def _unlink(self, room: RoomState) -> None:
        """Stop this tab from receiving the room's updates.

        Reflex's unlink also asks the browser to rehydrate, which would reset the
        session token kept in localStorage on the server side; the chat needs no
        rehydration (the page stops showing room data once ``room_slug`` is empty),
        so those events are dropped.
        """
        await room._unlink()

    def _to_login(self):
        return rx.redirect(LOGIN_ROUTE)

    async def open_chat(self):
        """When the chat page loads: back to login without a session, else enter.

        A tab already in a room (a refresh) stays there; a new tab enters the
        default room.
        """
        if await self._identify() is None:
            return self._to_login()
        if await self._current_room() is None:
            self.room_slug = ""
            await self._enter(ROOMS[0])
        return None

    async def join(self):
        """Enter the default room again after leaving it."""
        if await self._identify() is None:
            return self._to_login()
        if await self._current_room() is not None:
            self._fail("You are already in a room.")
            return None
        await self._enter(ROOMS[0])
        return None

    async def switch_room(self, slug: str):
        """Move this tab's user to another room (or enter it from no room).

        Args:
            slug: The slug of the room to enter.
        """
        if await self._identify() is None:
            return self._to_login()
        try:
            target = find_room(ROOMS, slug if isinstance(slug, str) else "")
        except ChatError as error:
            self._fail(error)
            return None
        room = await self._current_room()
        if room is not None:
            if target.slug == self.room_slug:
                self.sidebar_open = False
                return None
            await self._depart(room)
        await self._enter(target)
        return None

    async def leave(self):
        """Leave the current room; the other members see the user go."""
        if await self._identify() is None:
            return self._to_login()
        room = await self._current_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        await self._depart(room)
        self.error = ""
        await self._unlink(room)
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

    def set_draft(self, value: str):
        """Keep the composer's text on the server, so a refused send loses nothing.

        Args:
            value: The composer's current text.
        """
        if not isinstance(value, str):
            self._fail("A message must be text.")
            return
        limit = get_settings().max_message_length
        if len(value) > 2 * limit:
            self._fail(f"A message has at most {limit} characters.")
            return
        self.draft = value

    async def typing_started(self):
        """Tell the room this tab's user is typing (sent at most every 2 s)."""
        if await self._identify() is None:
            return self._to_login()
        room = await self._current_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        if not self.draft.strip():
            await self._stop_typing(room)
        elif not self._typing:
            room.typists = presence.start_typing(room.typists, self.username)
            self._typing = True
        return None

    async def typing_stopped(self):
        """Tell the room this tab's user stopped typing (after 3 s without a key)."""
        if await self._identify() is None:
            return self._to_login()
        room = await self._current_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        await self._stop_typing(room)
        return None

    async def _stop_typing(self, room: RoomState) -> None:
        if self._typing or self.username in room.typists:
            room.typists = presence.stop_typing(room.typists, self.username)
        self._typing = False

    async def send(self, form_data: dict[str, Any]):
        """Send the composer's text to everyone in the room.

        Args:
            form_data: The composer form's fields; ``text`` is the message.
        """
        raw = form_field(form_data, "text")
        if isinstance(raw, str):
            if not raw.strip():
                return None  # Enter in an empty composer sends nothing, silently.
            self.set_draft(raw)
        if await self._identify() is None:
            return self._to_login()
        room = await self._current_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        settings = get_settings()
        try:
            text = validate_message(raw, settings.max_message_length)
        except ChatError as error:
            self._fail(error)
            return None
        message = ChatMessage(
            id=room._next_message_id,
            author=self.username,
            text=text,
            sent_at_ms=int(time.time() * 1000),
        )
        room._next_message_id += 1
        room.messages = append_message(room.messages, message, settings.live_window)
        await self._stop_typing(room)
        self.draft = ""
        self.error = ""
        return None

    async def show_profile(self, username: str):
        """Open the profile of someone in this tab's room.

        Args:
            username: A username from the room's member list.
        """
        if await self._identify() is None:
            return self._to_login()
        room = await self._current_room()
        if (
            room is None
            or not isinstance(username, str)
            or username not in room.members
        ):
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
