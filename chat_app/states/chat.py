"""One tab's place in the chat: who it is, which room, what it is writing.

Handlers stay thin: each starts by verifying the session (never an argument),
behind the ``chat_event`` guard; then the room service, then ``realtime``. Logs
carry names and rooms, never a message's text.
"""

import logging
import time
from typing import Any

import reflex as rx

from chat_app import db, sessions
from chat_app.domain.conversations import Conversation
from chat_app.domain.errors import ChatError
from chat_app.domain.forms import attachment_links, form_field
from chat_app.domain.history import OlderHistory
from chat_app.domain.limits import seconds_to_wait
from chat_app.domain.moderation import is_admin
from chat_app.domain.room_addresses import home_room, read_address, room_path
from chat_app.domain.text import Text
from chat_app.domain.typing import is_typing, must_report
from chat_app.domain.validation import validate_draft, validate_message
from chat_app.realtime import hub, pressure, receipts, sockets
from chat_app.realtime.roster import announce_members, announce_typists
from chat_app.realtime.views import show_read_state, show_room, var_key
from chat_app.rooms import messages, presence
from chat_app.rooms.overview import overview
from chat_app.rooms.presence import NotInRoomError
from chat_app.security import AuthError
from chat_app.settings import get_settings
from chat_app.states import composing, places
from chat_app.states.auth import AuthState
from chat_app.states.guard import LOGIN_ROUTE, SignedOut, chat_event
from chat_app.states.locale import LocaleState, in_language
from chat_app.states.places import ROOM_SLUGS, ROOMS

logger = logging.getLogger(__name__)


class ChatState(rx.State):
    """One tab's place in the chat: who it is, which room, what it is writing."""

    username: rx.Field[str] = rx.field("")
    room_slug: rx.Field[str] = rx.field("")
    # The conversation the tab shows, as its user sees it (``Conversation``).
    room_name: rx.Field[str] = rx.field("")
    room_kind: rx.Field[str] = rx.field("")
    room_topic: rx.Field[str] = rx.field("")
    room_private: rx.Field[bool] = rx.field(False)
    room_archived: rx.Field[bool] = rx.field(False)
    room_owned: rx.Field[bool] = rx.field(False)
    draft: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")
    sidebar_open: rx.Field[bool] = rx.field(False)
    # Whether the user is an administrator (what the page offers; the server
    # checks again at every moderation event).
    is_admin: rx.Field[bool] = rx.field(False)
    # What the browser checks before uploading; the server checks it again.
    max_files: rx.Field[int] = rx.field(get_settings().max_files)
    max_file_bytes: rx.Field[int] = rx.field(get_settings().max_file_bytes)
    # The message the composer replies to (0 for none), as its preview shows it.
    reply_to: rx.Field[int] = rx.field(0)
    reply_author: rx.Field[str] = rx.field("")
    reply_text: rx.Field[str] = rx.field("")
    reply_kind: rx.Field[str] = rx.field("")
    # The own message the composer is editing (0 for none).
    editing: rx.Field[int] = rx.field(0)
    # What the composer held before an edit started, given back after it.
    _stashed_draft: str = ""
    # The account the database last verified this tab's session for.
    _user_id: int = 0
    _typing: bool = False
    _typing_at: float = 0.0
    _typing_reports: tuple[float, ...] = ()
    # The older history this tab loaded above its live window.
    _older: OlderHistory = OlderHistory()
    # The address this tab last opened or was sent to (``AddressState``).
    _address: str = ""

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the error banner (the guard's hook)."""
        await self._fail(error.text)

    async def _fail(self, reason: Text) -> None:
        self.error = await in_language(self, reason)
        logger.warning(
            "Event refused.",
            extra={"username": self.username or None, "reason": str(reason)},
        )

    def _tab(self) -> str:
        return self.rx_router_session.client_token

    def _sid(self) -> str:
        return self.rx_router_session.session_id

    async def _caller(self) -> sessions.Caller:
        """Who this tab's session is and which room the tab is in, checked now.

        Every guarded handler starts here, so a forged, expired or revoked token
        is noticed at the next thing the tab does (the tab is then expelled).

        Raises:
            SignedOut: If the session is not valid, or is another account's.
        """
        auth = await self.get_state(AuthState)
        try:
            caller = await db.run(
                sessions.identify,
                auth.session_token,
                tab=self._tab(),
                settings=get_settings(),
                now=time.time(),
            )
        except AuthError as error:
            await self._expel(error.text)
            raise SignedOut from error
        if self.username and self.username != caller.username:
            # Another account logged in in this browser: leave as the old one.
            await self._expel(Text("You logged in as someone else."))
            raise SignedOut
        self.username = caller.username
        self._user_id = caller.user_id
        self.is_admin = is_admin(caller.username, get_settings().admins)
        return caller

    async def _signed_in(self) -> str:
        """Who this tab's session is, checked now, if possible without the database.

        For frequent events (typing, sending): see ``sessions.verify_known``;
        anything it cannot tell goes to the database through ``_caller``.

        Returns:
            The username.

        Raises:
            SignedOut: If the session is not valid, or is another account's.
        """
        auth = await self.get_state(AuthState)
        try:
            claims = sessions.verify_known(
                auth.session_token,
                user_id=self._user_id,
                settings=get_settings(),
                now=time.time(),
            )
        except AuthError as error:
            await self._expel(error.text)
            raise SignedOut from error
        if claims is None or not self.username:
            return (await self._caller()).username
        return self.username

    async def _room(self) -> str:
        """The room this tab's verified user is in (``NotInRoomError`` if none)."""
        room = (await self._caller()).room
        if room is None:
            raise NotInRoomError()
        return room

    async def _expel(self, reason: Text | None) -> None:
        """Take this tab out of its room and forget who it was."""
        if reason:
            logger.info(
                "Tab sent to log in.",
                extra={"username": self.username or None, "reason": str(reason)},
            )
        await self._depart()
        # Not even the other rooms' counts for a tab that is no one's any more.
        await sockets.drop(self._sid())
        self.username = ""
        self.error = await in_language(self, reason) if reason else ""

    async def _enter(self, room: Conversation, caller: sessions.Caller) -> None:
        """Put this tab in a room, tell the others, and show the room."""
        now = time.time()
        arrival = await db.run(
            presence.enter,
            room=room.slug,
            username=self.username,
            tab=self._tab(),
            sid=self._sid(),
            now=now,
            token_id=caller.token_id,
            token_expires_at=caller.expires_at,
        )
        await sockets.enter(self._sid(), room.slug, self.username)
        if arrival.newcomer:
            announce_members(room.slug)
        for left in arrival.left_rooms:
            announce_members(left)
        # The user's other tabs were moved here too: their sockets follow on the
        # server, and they are asked to show the room.
        await hub.reseat(
            arrival.moved_sids,
            room=room.slug,
            username=self.username,
            events=[OPEN_CHAT_EVENT],
        )
        view = await db.run(
            messages.view,
            room=room.slug,
            username=self.username,
            configured=ROOM_SLUGS,
            now=now,
            typing_ttl=get_settings().typing_ttl_seconds,
            # Shown again (a reconnect, a reload): nothing newly read.
            arriving=caller.room != room.slug,
        )
        self._older = OlderHistory.on_arrival(view.oldest)
        # With the room's slug: the page names its messages by it.
        along = {self.get_full_name(): {var_key("room_slug"): room.slug}}
        lines = await db.run(overview, username=self.username, configured=ROOMS)
        await show_room(self._sid(), view, along, lines)
        receipts.note_read(view.read)
        logger.info(
            "Entered a room.", extra={"username": self.username, "room": room.slug}
        )
        if self.room_slug != room.slug:  # a reply or edit was of the other room
            composing.clear_reply(self)
            self.editing, self._stashed_draft = 0, ""
        places.show(self, room)
        self.error = ""
        self.sidebar_open = False

    async def _depart(self) -> None:
        """Take this tab out of its room, tell the others, and show nothing."""
        departure = await db.run(presence.leave, tab=self._tab(), now=time.time())
        if departure is not None:
            logger.info(
                "Left a room.",
                extra={"username": departure.username, "room": departure.room},
            )
            await sockets.leave(self._sid(), departure.room)
            receipts.note_read(departure.read)
            if departure.user_left:
                announce_members(departure.room)
        await show_room(self._sid(), None)
        if departure is not None:
            # The rooms menu stays: show its unread counts as of now.
            await show_read_state(self._sid(), departure.username, ROOM_SLUGS)
        self._typing = False
        self.draft = ""
        places.show(self, None)
        composing.clear_reply(self)
        self.editing, self._stashed_draft = 0, ""

    @chat_event
    async def open_chat(self):
        """Show this tab its room again: the server moved it, or it reconnected.

        Sent by the server (``OPEN_CHAT_EVENT``). A tab showing another room's
        address goes to its room's, not asked for but taken to (``AddressState``).
        """
        caller = await self._caller()
        await (await self.get_state(LocaleState)).adopt(caller.language)
        shown = read_address(self.router.url.path).slug
        spots = await places.reachable(
            caller.room, caller.user_room, shown, username=caller.username
        )
        home = home_room(spots, caller.room, caller.user_room, shown)
        if shown != home:
            self._address = room_path(home)
            return rx.redirect(self._address)
        await self._enter(await places.conversation(self.username, home), caller)

    @chat_event
    async def enter_room(self, slug: str):
        """Move this tab's user to a room, from another one or from none.

        Entering the room the tab is in shows it again from its latest
        messages (and forgets the older pages loaded).

        Args:
            slug: The slug of the room to enter.
        """
        caller = await self._caller()
        await self._move_to(await places.conversation(self.username, slug), caller)

    async def _move_to(self, room: Conversation, caller: sessions.Caller) -> None:
        """Take this tab out of the room it is in, if another, and into ``room``."""
        if caller.room is not None and caller.room != room.slug:
            await self._depart()
        await self._enter(room, caller)

    @chat_event
    async def leave_room(self):
        """Leave the current room; the other members see the user go."""
        await self._room()
        await self._depart()
        self.error = ""

    @chat_event
    async def log_out(self):
        """Leave the room, revoke the session everywhere and go to the login page."""
        auth = await self.get_state(AuthState)
        await db.run(
            sessions.log_out,
            auth.session_token,
            settings=get_settings(),
            now=time.time(),
        )
        await self._expel(None)
        auth.session_token = ""
        return rx.redirect(LOGIN_ROUTE)

    @chat_event
    async def set_draft(self, value: str):
        """Keep the composer's text; typing starts, goes on and stops with it.

        Args:
            value: The composer's current text.
        """
        self.draft = validate_draft(value, get_settings().max_message_length)
        # Editing a sent message is not writing a new one.
        typing, now = is_typing(self.draft) and not self.editing, time.time()
        if must_report(
            typing=typing,
            reported=self._typing,
            reported_at=self._typing_at,
            now=now,
            refresh=get_settings().typing_refresh_seconds,
            shedding=pressure.shedding(),
        ):
            await self._report_typing(typing, now)

    @chat_event
    async def typing_stopped(self):
        """Tell the room the user stopped typing (the composer sat idle)."""
        if self._typing:
            await self._report_typing(False, time.time())

    async def _report_typing(self, typing: bool, now: float) -> None:
        """Record typing or its end; tell the room if its typists changed.

        However fast a client toggles its draft, a tab's typing reaches the
        database and the room a few times per window; a change skipped here is
        caught up by the next keystroke, the idle stop, the send or the expiry.
        """
        settings = get_settings()
        limit, window = settings.typing_report_limit, settings.typing_report_window
        # Counted before anything reaches the database, even the identity check.
        if seconds_to_wait(self._typing_reports, now=now, limit=limit, window=window):
            return
        self._typing_reports = (*self._typing_reports, now)[-limit:]
        change = await db.run(
            presence.set_typing,
            tab=self._tab(),
            username=await self._signed_in(),
            typing=typing,
            now=now,
            ttl=settings.typing_ttl_seconds,
        )
        self._typing, self._typing_at = typing, now
        if change.news:
            announce_typists(change.room)

    @chat_event
    async def send(self, form_data: dict[str, Any]):
        """Store the composer's text, then send it to everyone in the room.

        Args:
            form_data: The composer form's fields; ``text`` is the message.
        """
        raw = form_field(form_data, "text")
        links = attachment_links(form_field(form_data, "attachments"))
        if self.editing:  # an edit may empty a message of files; it adds none
            if links:
                raise ChatError("A sent message keeps its files: send new ones apart.")
            await composing.save_edit(self, author=await self._signed_in(), raw=raw)
            return
        if isinstance(raw, str):
            if not raw.strip() and not links:
                return  # Enter in an empty composer sends nothing, silently.
            self.draft = validate_draft(raw, get_settings().max_message_length)
        author = await self._signed_in()
        settings = get_settings()
        text = validate_message(
            raw, settings.max_message_length, allow_empty=bool(links)
        )
        posted = await db.run(
            messages.post_from_tab,
            tab=self._tab(),
            author=author,
            text=text,
            clock=time.time,
            attachment_urls=links,
            settings=settings,
            reply_to=self.reply_to,
        )
        self._typing = False
        self.draft = ""
        self.error = ""
        composing.clear_reply(self)
        await composing.announce_posted(self, posted, attachments=len(links))

    @chat_event
    def dismiss_error(self):
        """Hide the error banner."""
        self.error = ""

    @chat_event
    def toggle_sidebar(self):
        """Open or close the sidebar on narrow screens."""
        self.sidebar_open = not self.sidebar_open


# Sent to tabs to have them enter (and show) their room again.
OPEN_CHAT_EVENT = sockets.tab_event(f"{ChatState.get_full_name()}.open_chat")
