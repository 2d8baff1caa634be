"""Reflex states: a private state per browser tab and a shared state per room.

Handlers stay thin: they take identity from the tab's own server-side state (never
from event arguments), call the plain rules in ``chat_app.domain`` and store the
result. A change to ``RoomState`` reaches every tab linked to that room.
"""

import time
from typing import Any

import reflex as rx
from reflex.istate.manager import get_state_manager
from reflex.istate.manager.token import BaseStateToken

from chat_app.domain import presence
from chat_app.domain.errors import ChatError
from chat_app.domain.messages import ChatMessage, append_message
from chat_app.domain.rooms import Room, find_room
from chat_app.domain.validation import validate_message, validate_username
from chat_app.settings import get_settings

ROOMS: tuple[Room, ...] = get_settings().room_list()
NOT_IN_ROOM = "You are not in this room any more: enter a room to chat."


def form_field(form_data: object, name: str) -> object:
    """Read one field of a submitted form, whatever shape the client sent.

    Args:
        form_data: What arrived as the form; anything but a dict has no fields.
        name: The field's name.

    Returns:
        The field's value, or None.
    """
    return form_data.get(name) if isinstance(form_data, dict) else None


class RoomState(rx.SharedState):
    """What every member of one room shares; each member's tab links to it.

    A tab that is not in a room keeps an empty private copy, so nothing of any
    room reaches it.
    """

    members: list[str] = []
    typists: list[str] = []
    messages: list[ChatMessage] = []
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
    """One tab's own session: who it is, where it is, what it is writing."""

    username: str = ""
    room_slug: str = ""
    draft: str = ""
    error: str = ""
    sidebar_open: bool = False
    _typing: bool = False

    @rx.var
    def room_name(self) -> str:
        """The name of the room this tab is in, or "" outside any room."""
        return next((room.name for room in ROOMS if room.slug == self.room_slug), "")

    def _fail(self, error: ChatError | str) -> None:
        self.error = str(error)

    async def _linked_room(self) -> RoomState | None:
        """The shared state of this tab's room, or None when the tab is in no room."""
        if not self.room_slug:
            return None
        room = await self.get_state(RoomState)
        if not presence.is_member(room.members, self.username):
            return None
        return room

    async def _enter(self, room: Room, raw_username: object) -> list[Any] | None:
        """Link this tab to a room and add its user there.

        The username is checked before linking, so a refused tab is never sent
        anything of the room; it is checked again under the room's lock, and in
        the rare race where someone took the name in between, the link is undone.
        """
        try:
            username = validate_username(raw_username, await peek_members(room))
        except ChatError as error:
            self._fail(error)
            return None
        shared = await self.get_state(RoomState)
        linked = await shared._link_to(room.link_token)
        try:
            validate_username(username, linked.members)
        except ChatError as error:
            self._fail(error)
            self.room_slug = ""
            return await linked._unlink()
        linked.members = presence.add_member(linked.members, username)
        self.username = username
        self.room_slug = room.slug
        self.error = ""
        self.sidebar_open = False
        return None

    async def _depart(self, room: RoomState) -> None:
        """Take this tab's user out of its room and forget its typing and draft."""
        room.members = presence.remove_member(room.members, self.username)
        room.typists = presence.stop_typing(room.typists, self.username)
        self._typing = False
        self.draft = ""
        self.room_slug = ""

    async def join(self, form_data: dict[str, Any]):
        """Enter the default room under the username typed in the entry form.

        Args:
            form_data: The entry form's fields; ``username`` is the only one read.
        """
        if self.room_slug:
            self._fail("You are already in a room.")
            return None
        return await self._enter(ROOMS[0], form_field(form_data, "username"))

    async def switch_room(self, slug: str):
        """Move this tab's user from its room to another one.

        Args:
            slug: The slug of the room to enter.
        """
        try:
            target = find_room(ROOMS, slug if isinstance(slug, str) else "")
        except ChatError as error:
            self._fail(error)
            return None
        room = await self._linked_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        if target.slug == self.room_slug:
            self.sidebar_open = False
            return None
        try:
            validate_username(self.username, await peek_members(target))
        except ChatError as error:
            self._fail(error)
            return None
        await self._depart(room)
        return await self._enter(target, self.username)

    async def leave(self):
        """Leave the current room; the other members see the user go."""
        room = await self._linked_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return None
        await self._depart(room)
        self.error = ""
        return await room._unlink()

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
        room = await self._linked_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return
        if not self.draft.strip():
            await self._stop_typing(room)
            return
        if not self._typing:
            room.typists = presence.start_typing(room.typists, self.username)
            self._typing = True

    async def typing_stopped(self):
        """Tell the room this tab's user stopped typing (after 3 s without a key)."""
        room = await self._linked_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return
        await self._stop_typing(room)

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
                return  # Enter in an empty composer sends nothing, silently.
            self.set_draft(raw)
        room = await self._linked_room()
        if room is None:
            self._fail(NOT_IN_ROOM)
            return
        settings = get_settings()
        try:
            text = validate_message(raw, settings.max_message_length)
        except ChatError as error:
            self._fail(error)
            return
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

    def dismiss_error(self):
        """Hide the error banner."""
        self.error = ""

    def toggle_sidebar(self):
        """Open or close the sidebar on narrow screens."""
        self.sidebar_open = not self.sidebar_open
