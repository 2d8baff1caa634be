"""What the composer is doing besides writing a new message: replying, editing.

Plain functions on the tab's ``ChatState`` (which holds the composer), shared by
its ``send`` and by the message actions that start and end a reply or an edit.
"""

import logging
import time
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from chat_app import db
from chat_app.domain.conversations import DIRECT
from chat_app.domain.text import Text
from chat_app.domain.validation import validate_message
from chat_app.realtime.changes import announce_change
from chat_app.realtime.notices import tell_posted
from chat_app.realtime.views import NOT_ANNOUNCED, announce_message
from chat_app.rooms import actions
from chat_app.rooms.actions import Changed
from chat_app.rooms.messages import Posted
from chat_app.settings import get_settings

if TYPE_CHECKING:  # the chat's state imports this module
    from chat_app.states.chat import ChatState as Composer

logger = logging.getLogger(__name__)

# What the user reads when a change was stored but Redis could not pass it on.
CHANGE_NOT_ANNOUNCED = Text(
    "Done, but the chat could not pass it on right now (its Redis is "
    "unreachable): the others will see it when they reopen the room."
)


def clear_reply(composer: "Composer") -> None:
    """Reply to nothing (the preview above the composer goes).

    Args:
        composer: The tab's composer.
    """
    composer.reply_to, composer.reply_kind = 0, ""
    composer.reply_author = composer.reply_text = ""


def start_edit(composer: "Composer", number: int, text: str) -> None:
    """Put one's own message in the composer, keeping what it held for later.

    Args:
        composer: The tab's composer.
        number: The message's number.
        text: Its text.
    """
    if not composer.editing:
        composer._stashed_draft = composer.draft
    composer.editing, composer.draft = number, text
    clear_reply(composer)


def finish_edit(composer: "Composer") -> None:
    """Stop editing; the composer gets back what it held before.

    Args:
        composer: The tab's composer.
    """
    composer.editing = 0
    composer.draft, composer._stashed_draft = composer._stashed_draft, ""


async def save_edit(composer: "Composer", *, author: str, raw: object) -> None:
    """Store the composer's text as the new text of the message being edited.

    Args:
        composer: The tab's composer (editing a message).
        author: The verified user.
        raw: The text the form sent.
    """
    settings = get_settings()
    # A message of files alone may lose its text; the service checks which.
    text = validate_message(raw, settings.max_message_length, allow_empty=True)
    changed = await db.run(
        actions.edit,
        tab=composer._tab(),
        username=author,
        number=composer.editing,
        text=text,
        clock=time.time,
        settings=settings,
    )
    logger.info(
        "Message edited.",
        extra={"username": author, "seq": composer.editing, "length": len(text)},
    )
    finish_edit(composer)
    composer.error = ""
    if changed is not None:
        await announce(composer, changed)


async def announce(composer: "Composer", changed: Changed) -> None:
    """Send the room a stored change; if Redis cannot, tell the user so.

    Args:
        composer: The acting tab's state.
        changed: What the room service changed (already committed).
    """
    try:
        await announce_change(changed)
    except RedisError:  # stored, so not to be done again: say what happened
        logger.warning("A change to a message could not be announced (Redis).")
        await composer._fail(CHANGE_NOT_ANNOUNCED)


async def announce_posted(composer: "Composer", posted: Posted, *, attachments: int):
    """Send the room a stored message, and the people it mentions their notices.

    Args:
        composer: The sending tab's state.
        posted: What the room service stored (already committed).
        attachments: How many files went with it (for the log).
    """
    logger.info(
        "Message sent.",
        extra={
            "username": composer.username,
            "room": posted.room,
            "seq": posted.message.id,
            "length": len(posted.message.text),
            "attachments": attachments,
        },
    )
    try:
        await announce_message(posted.room, posted)
        # In a direct conversation, the other person sees it named for its author.
        direct = composer.room_kind == DIRECT
        await tell_posted(posted, composer.username if direct else composer.room_name)
    except RedisError:  # stored, so not to be sent again: say what happened
        logger.warning("A sent message could not be announced (Redis).")
        await composer._fail(NOT_ANNOUNCED)
