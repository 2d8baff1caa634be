"""How far a tab has read, and who saw one's own message ("seen by").

A visible tab reports how far it read (``assets/reading.js``): the number is
checked, the report rate limited before anything is kept, and the report kept
until this process writes them all at once (``realtime.receipts``). The room
is always the one the server has the tab in, never an argument; so is the
room of a message whose readers are asked for.
"""

import time

import reflex as rx

from chat_app import db
from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait
from chat_app.domain.receipts import Reader, read_number
from chat_app.realtime import receipts as reports
from chat_app.realtime import sockets
from chat_app.rooms import receipts
from chat_app.rooms.presence import NotInRoomError
from chat_app.settings import get_settings
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event


class ReadingState(rx.State):
    """A tab's reading reports and its open "seen by" list."""

    # The own message whose readers the list shows (0: closed), who saw it
    # (the first ones) and how many more did.
    seen_for: rx.Field[int] = rx.field(0)
    seen_readers: rx.Field[list[Reader]] = rx.field(default_factory=list)
    seen_more: rx.Field[int] = rx.field(0)
    # When this tab last reported how far it read (the server's own limit).
    _reports: tuple[float, ...] = ()

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    @chat_event
    async def read_to(self, number: int, live: bool = False):
        """Record that this tab's reader has read its room up to a message.

        Args:
            number: The newest message the tab shows read (clamped to the
                room's latest when written).
            live: Whether the tab now reads live (visible, at the bottom):
                then every message delivered to it is read, with no more
                reports, until it says otherwise.
        """
        settings = get_settings()
        now = time.time()
        limit, window = settings.read_report_limit, settings.read_report_window
        # Counted before anything else: a flood costs no lookup at all.
        if seconds_to_wait(self._reports, now=now, limit=limit, window=window):
            raise ChatError("Too many reports of reading: one a second is enough.")
        self._reports = (*self._reports, now)[-limit:]
        seq = read_number(number)
        if not isinstance(live, bool):
            raise ChatError("That request was not understood.")
        chat = await self.get_state(ChatState)
        username = await chat._signed_in()
        if not chat.room_slug:
            raise NotInRoomError()
        tab, sid = chat._tab(), chat._sid()
        reports.note_report(tab=tab, username=username, sid=sid, number=seq)
        reports.follow(tab=tab, username=username, sid=sid, live=live)

    async def _load_seen_by(self, number: object) -> None:
        """Read who saw one of the user's messages of the tab's room."""
        chat = await self.get_state(ChatState)
        room = await chat._room()
        seen = await db.run(
            receipts.who_saw,
            room=room,
            username=chat.username,
            number=number,
            shown=get_settings().seen_by_shown,
        )
        self.seen_for, self.seen_readers, self.seen_more = (
            seen.number,
            seen.readers,
            seen.more,
        )

    @chat_event
    async def show_seen_by(self, number: int):
        """Open the list of who saw one of one's own messages, and when.

        Args:
            number: The message's number in the tab's room.
        """
        await self._load_seen_by(number)

    @chat_event
    async def refresh_seen_by(self):
        """Read the open list again (sent when someone read the user's messages)."""
        if not self.seen_for:
            return
        try:
            await self._load_seen_by(self.seen_for)
        except ChatError:  # deleted meanwhile, or the tab left the room
            self._close_list()

    def _close_list(self) -> None:
        """Close the list and forget it."""
        self.seen_for, self.seen_readers, self.seen_more = 0, [], 0

    @chat_event
    def close_seen_by(self, is_open: bool = False):
        """Close the list (its dialog closing).

        Args:
            is_open: The dialog's new state (closing when False).
        """
        if not is_open:
            self._close_list()


# Sent to an author's tabs when someone read their messages.
REFRESH_SEEN_BY_EVENT = sockets.tab_event(
    f"{ReadingState.get_full_name()}.refresh_seen_by"
)
