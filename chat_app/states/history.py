"""The room's history above a tab's live window: page by page, or down to a message.

Only the pages asked for are sent, each once, to the asking tab alone; what the
tab holds is ``ChatState._older``. Messages the live window let go of while the
tab stayed open come first, so every message stays in reach.
"""

import time

import reflex as rx

from chat_app import db
from chat_app.domain.actions import MessageNotFoundError, message_number
from chat_app.domain.errors import ChatError
from chat_app.domain.history import JUMP_LIMIT
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

    async def _count_load(self, chat: ChatState) -> None:
        """Count a load toward the tab's limit, before the database is asked."""
        settings = get_settings()
        chat._older = chat._older.asked(
            now=time.time(),
            limit=settings.history_rate_limit,
            window=settings.history_rate_window_seconds,
        )

    async def _send_page(self, chat: ChatState, room: str, first: int, last: int):
        """Read a page of the room and send it to this tab, in its next slot."""
        shown = await db.run(reading.history, room=room, first=first, last=last)
        slot = chat._older.pages
        chat._older = chat._older.loaded(first, last)
        await show_older_page(chat._sid(), slot=slot, page=shown, older=chat._older)

    @chat_event
    async def load_older(self):
        """Show the next page of the room's history above what is shown."""
        chat = await self.get_state(ChatState)
        await self._count_load(chat)
        room = await chat._room()
        latest = await db.run(read_marks.latest_seq, room=room)
        page = chat._older.next_page(
            ring_start=window_start(latest), size=get_settings().history_page_size
        )
        if page is not None:
            await self._send_page(chat, room, *page)

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

        Raises:
            MessageNotFoundError: If the room has no message of that number.
            ChatError: If the message is too far back to jump to.
        """
        settings = get_settings()
        latest = await db.run(read_marks.latest_seq, room=room)
        if seq > latest:
            raise MessageNotFoundError()
        pages = chat._older.pages_down_to(
            seq, ring_start=window_start(latest), size=settings.history_page_size
        )
        if pages is None:
            raise ChatError(
                "That message is more than {limit} messages back: scroll up to "
                "read that far.",
                limit=JUMP_LIMIT,
            )
        for first, last in pages:  # counted like the pages scrolled through
            for _ in range(-(-(last - first + 1) // settings.history_page_size)):
                await self._count_load(chat)
        for first, last in pages:
            await self._send_page(chat, room, first, last)
        return rx.call_function(f"window.chatShowMessage({seq})")
