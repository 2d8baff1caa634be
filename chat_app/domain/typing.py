"""When a change of the draft is news for the room: typing started, goes on, ended."""


def is_typing(draft: str) -> bool:
    """Whether a draft means its writer is typing: any text but blanks.

    Args:
        draft: The composer's text.

    Returns:
        True when there is something written.
    """
    return bool(draft.strip())


def must_report(
    *,
    typing: bool,
    reported: bool,
    reported_at: float,
    now: float,
    refresh: float,
    shedding: bool = False,
) -> bool:
    """Whether the room must hear of the writer's typing now.

    The room hears only of changes: the first character (typing), an emptied
    draft (stopped), and, while typing goes on, a refresh every ``refresh``
    seconds, so that the server's expiry does not end it. A server too busy
    (``shedding``) reports no new typing: messages come first. A typing already
    reported still ends (its expiry would end it anyway).

    Args:
        typing: Whether the writer is typing now.
        reported: What the room was last told.
        reported_at: When it was told, seconds since the epoch.
        now: The current time.
        refresh: Seconds between reports while typing goes on.
        shedding: Whether the server sheds typing now.

    Returns:
        True to report ``typing`` to the room.
    """
    if shedding and typing:
        return False
    return typing != reported or (typing and now - reported_at >= refresh)
