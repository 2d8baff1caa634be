"""What calls a person back to the chat: notifications and sound, and their rules.

A person chooses what they are told of (``NOTIFY_CHOICES``), whether a
notification shows the message's text, and whether a sound plays. The browser
decides when to tell (the tab is hidden, the room is not on screen); these rules
decide what a setting allows and what a notice carries.
"""

from dataclasses import dataclass

from chat_app.domain import markup
from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait

# "all": new messages of the room a hidden tab shows, and mentions anywhere;
# "mentions": mentions only; "off": nothing, and no sound either.
NOTIFY_CHOICES = ("all", "mentions", "off")
DEFAULT_NOTIFY = "all"
# Characters of a message's text a notification shows: a glance, not the message.
PREVIEW_LENGTH = 120
# Changes one tab may save in a window of seconds: a person flips a switch a
# few times, a script flipping it without end writes to the account no faster.
SAVE_LIMIT = 5
SAVE_WINDOW = 2.0


@dataclass(frozen=True)
class AttentionSettings:
    """A person's choices, as every tab of theirs follows them.

    Attributes:
        notify: One of ``NOTIFY_CHOICES``.
        preview: Whether a notification shows the message's text.
        sound: Whether a sound plays with a notification.
    """

    notify: str = DEFAULT_NOTIFY
    preview: bool = True
    sound: bool = True


@dataclass(frozen=True)
class MentionNotice:
    """What a mentioned person's tabs need to tell them of a mention.

    Attributes:
        key: ``<room>:<number>``, the same for every tab (one notification).
        room: The room's slug.
        room_name: The room's name.
        seq: The message's number in the room.
        author: Its author's username.
        preview: Its text without formatting, shortened (``preview_of``).
    """

    key: str
    room: str
    room_name: str
    seq: int
    author: str
    preview: str


def checked_choice(value: object) -> str:
    """A notification choice sent by a tab, checked.

    Args:
        value: What the tab sent.

    Returns:
        The choice.

    Raises:
        ChatError: If it is not one of ``NOTIFY_CHOICES``.
    """
    if not isinstance(value, str) or value not in NOTIFY_CHOICES:
        raise ChatError("Choose all messages, mentions only or nothing.")
    return value


def checked_switch(value: object) -> bool:
    """An on/off setting sent by a tab, checked.

    Args:
        value: What the tab sent.

    Returns:
        The setting.

    Raises:
        ChatError: If it is not exactly true or false.
    """
    if not isinstance(value, bool):
        raise ChatError("That setting is either on or off.")
    return value


def check_pace(saved: tuple[float, ...], *, now: float) -> tuple[float, ...]:
    """Count a change a tab saves, refusing one too many.

    Args:
        saved: When the tab's recent changes were saved.
        now: The current time.

    Returns:
        The times to keep, this change's included.

    Raises:
        ChatError: If the tab saved ``SAVE_LIMIT`` changes in the window.
    """
    wait = seconds_to_wait(saved, now=now, limit=SAVE_LIMIT, window=SAVE_WINDOW)
    if wait:
        raise ChatError("Too many changes at once: try again in {wait} s.", wait=wait)
    return (*saved, now)[-SAVE_LIMIT:]


def stored_choice(value: object) -> str:
    """A choice read from an account, the default if it is none the chat knows.

    Args:
        value: The stored value.

    Returns:
        One of ``NOTIFY_CHOICES``.
    """
    return value if isinstance(value, str) and value in NOTIFY_CHOICES else "all"


def preview_of(text: str, length: int = PREVIEW_LENGTH) -> str:
    """A message's text as a notification shows it: plain, on one line, short.

    Args:
        text: The message as typed (markdown).
        length: The most characters kept.

    Returns:
        The words, without formatting; an ellipsis ends a shortened one.
    """
    words = " ".join(markup.plain(text).split())
    if len(words) <= length:
        return words
    return words[: length - 1].rstrip() + "…"


def mention_notice(
    *, room: str, room_name: str, seq: int, author: str, text: str
) -> MentionNotice:
    """The notice of a new message for the people it mentions.

    Args:
        room: The room's slug.
        room_name: The room's name.
        seq: The message's number.
        author: Its author.
        text: Its text.

    Returns:
        The notice.
    """
    return MentionNotice(
        key=f"{room}:{seq}",
        room=room,
        room_name=room_name,
        seq=seq,
        author=author,
        preview=preview_of(text),
    )
