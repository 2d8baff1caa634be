"""What a tab does with a sent message: reply, edit, delete, react, jump to it.

Every handler names a message by its number; the room is always the one the
tab's verified user is in (never an argument), so a number of another room is
not found. Refusals show in the chat's error banner, like the chat's own.
"""

import logging
import time

import reflex as rx

from chat_app import db
from chat_app.domain.actions import message_number
from chat_app.domain.errors import ChatError
from chat_app.rooms import actions, reading
from chat_app.settings import get_settings
from chat_app.states import composing
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event
from chat_app.uploads.receive import remove_stored

logger = logging.getLogger(__name__)


class MessageActionsState(rx.State):
    """The message a tab asked to delete, waiting for the confirmation."""

    confirm_delete: rx.Field[int] = rx.field(0)

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    @chat_event
    async def start_reply(self, number: int):
        """Quote a message of the room in the composer.

        Args:
            number: The message's number in the tab's room.
        """
        chat = await self.get_state(ChatState)
        room = await chat._room()
        seq, author, line, kind = await db.run(
            reading.quote_of, room=room, number=number
        )
        chat.reply_to, chat.reply_author, chat.reply_text, chat.reply_kind = (
            seq,
            author,
            line,
            kind,
        )
        if chat.editing:
            composing.finish_edit(chat)
        return rx.set_focus("composer-input")

    @chat_event
    async def cancel_reply(self):
        """Reply to nothing after all."""
        composing.clear_reply(await self.get_state(ChatState))

    async def _edit(self, number: object):
        """Put one's own message (None: the latest) in the composer to change it."""
        chat = await self.get_state(ChatState)
        room = await chat._room()
        seq, text = await db.run(
            reading.editable,
            room=room,
            username=chat.username,
            number=number,
            now_ms=int(time.time() * 1000),
            settings=get_settings(),
        )
        composing.start_edit(chat, seq, text)
        return rx.set_focus("composer-input")

    @chat_event
    async def start_edit(self, number: int):
        """Put one's own message in the composer to change it.

        Args:
            number: The message's number.
        """
        return await self._edit(message_number(number))

    @chat_event
    async def edit_latest(self):
        """Put one's latest message in the room in the composer (the Up arrow)."""
        return await self._edit(None)

    @chat_event
    async def cancel_edit(self):
        """Leave the message as it was; the composer gets back its draft."""
        chat = await self.get_state(ChatState)
        if chat.editing:
            composing.finish_edit(chat)

    @chat_event
    def ask_delete(self, number: int):
        """Ask to confirm deleting a message (nothing is deleted yet).

        Args:
            number: The message's number.
        """
        self.confirm_delete = message_number(number)

    @chat_event
    def cancel_delete(self, is_open: bool = False):
        """Close the confirmation without deleting.

        Args:
            is_open: The dialog's new state (closing when False).
        """
        if not is_open:
            self.confirm_delete = 0

    @chat_event
    async def delete_message(self):
        """Delete the message the confirmation was about, with its files.

        An administrator's removal of someone else's message goes the same way
        (the service checks who may; the room sees "removed by moderation").
        """
        number, self.confirm_delete = self.confirm_delete, 0
        chat = await self.get_state(ChatState)
        author = await chat._signed_in()
        settings = get_settings()
        changed = await db.run(
            actions.remove,
            tab=chat._tab(),
            username=author,
            number=number,
            clock=time.time,
            settings=settings,
        )
        logger.info(
            "Message deleted.",
            extra={
                "username": author,
                "seq": number,
                "files": len(changed.removed_files),
                "admin": chat.is_admin,
            },
        )
        if chat.editing == number:
            composing.finish_edit(chat)
        await composing.announce(chat, changed)
        try:  # the rows are gone; a file left behind is only disk space
            await remove_stored(settings.upload_dir, changed.removed_files)
        except OSError:
            logger.warning("A deleted message's files were not removed.", exc_info=True)

    @chat_event
    async def react(self, number: int, emoji: str):
        """Add one's reaction to a message, or take it back.

        Args:
            number: The message's number.
            emoji: The reaction: one emoji.
        """
        chat = await self.get_state(ChatState)
        author = await chat._signed_in()
        changed = await db.run(
            actions.react,
            tab=chat._tab(),
            username=author,
            number=number,
            emoji=emoji,
            clock=time.time,
            settings=get_settings(),
        )
        await composing.announce(chat, changed)
