"""The room's history above a tab's live window: page by page, or down to a message.

Only the pages asked for are sent, each once, to the asking tab alone; what the
tab holds is ``ChatState._older``. Messages the live window let go of while the
tab stayed open come first, so every message stays in reach. A jump too far back
to load down to anchors the tab around the message (see ``domain.history``):
older pages then load above it, newer ones below it (``load_newer``).
"""

import time

import reflex as rx

from chat_app import db
from chat_app.domain.actions import MessageNotFoundError, message_number
from chat_app.domain.errors import ChatError
from chat_app.domain.history import OlderHistory
from chat_app.domain.messages import window_start
from chat_app.realtime.views import show_older_page
from chat_app.rooms import read_marks, reading
from chat_app.settings import get_settings
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event


class HistoryState(rx.State):
    """Loads older history into a tab; its own state is ``ChatState._older``."""

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    async def _count_load(
        self, chat: ChatState, older: OlderHistory | None = None
    ) -> None:
        """Count a load toward the tab's limit, before the database is asked.

        Args:
            chat: The tab's chat state.
            older: The history to count it on, the tab's once counted (by
                default the tab's own); a refusal leaves the tab's as it was.
        """
        settings = get_settings()
        chat._older = (older or chat._older).asked(
            now=time.time(),
            limit=settings.history_rate_limit,
            window=settings.history_rate_window_seconds,
        )

    async def _send_page(
        self,
        chat: ChatState,
        room: str,
        page: tuple[int, int],
        *,
        ring_start: int,
        clear: bool = False,
    ):
        """Read a page of the room and send it to this tab, in its next slot.

        Args:
            chat: The tab's chat state.
            room: The tab's room.
            page: The page's first and last message.
            ring_start: Where the live window starts now.
            clear: Whether the tab's other pages go (the tab was anchored).
        """
        first, last = page
        shown = await db.run(reading.history, room=room, first=first, last=last)
        slot = chat._older.pages
        chat._older = chat._older.loaded(first, last).settled(ring_start=ring_start)
        await show_older_page(
            chat._sid(), slot=slot, page=shown, older=chat._older, clear=clear
        )

    async def _load(self, newer: bool) -> None:
        """Show the next page above what is shown, or below a run jumped to."""
        chat = await self.get_state(ChatState)
        await self._count_load(chat)
        room = await chat._room()
        ring_start = window_start(await db.run(read_marks.latest_seq, room=room))
        pick = chat._older.newer_page if newer else chat._older.next_page
        page = pick(ring_start=ring_start, size=get_settings().history_page_size)
        if page is not None:
            await self._send_page(chat, room, page, ring_start=ring_start)

    @chat_event
    async def load_older(self):
        """Show the next page of the room's history above what is shown."""
        await self._load(newer=False)

    @chat_event
    async def load_newer(self):
        """Show the next page below a run jumped to, toward the live window.

        Only a tab anchored by a jump from far back has such a gap; for any
        other this does nothing (beyond counting toward the rate limit).
        """
        await self._load(newer=True)

    @chat_event
    async def show_message(self, number: int):
        """Load the room's history down to a message, so the tab can show it.

        The tab scrolls to it and highlights it (``assets/chat.js``) once it is
        on the page; a message already shown needs nothing from here.

        Args:
            number: The message's number in the tab's room.
        """
        chat = await self.get_state(ChatState)
        return await self._bring(chat, await chat._room(), message_number(number))

    async def _bring(self, chat: ChatState, room: str, seq: int):
        """Load the tab's room down to a message; then have the tab show it.

        A message too far back to load down to anchors the tab: its pages go,
        and one page of context around the message comes instead.

        Raises:
            MessageNotFoundError: If the room has no message of that number.
        """
        settings = get_settings()
        latest = await db.run(read_marks.latest_seq, room=room)
        if seq > latest:
            raise MessageNotFoundError()
        ring_start = window_start(latest)
        pages = chat._older.pages_down_to(
            seq, ring_start=ring_start, size=settings.history_page_size
        )
        if pages is None:
            anchored, context = chat._older.anchored_at(seq, ring_start=ring_start)
            await self._count_load(chat, anchored)
            await self._send_page(
                chat, room, context, ring_start=ring_start, clear=True
            )
            return rx.call_function(f"window.chatShowMessage({seq})")
        for first, last in pages:  # counted like the pages scrolled through
            for _ in range(-(-(last - first + 1) // settings.history_page_size)):
                await self._count_load(chat)
        for page in pages:
            await self._send_page(chat, room, page, ring_start=ring_start)
        return rx.call_function(f"window.chatShowMessage({seq})")
