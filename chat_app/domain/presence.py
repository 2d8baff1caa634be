"""Who is in a room and who is typing there.

Both are ordered lists of usernames, treated as values: every function returns a new
list and never changes its argument, so the caller decides when to store the result.
"""

from chat_app.domain.errors import ChatError


def is_member(members: list[str], username: str) -> bool:
    """Tell whether a username is present in a room.

    Args:
        members: The usernames present, in order of arrival.
        username: The username to look for (exact, as stored on entry).

    Returns:
        True if the user is present.
    """
    return bool(username) and username in members


def add_member(members: list[str], username: str) -> list[str]:
    """Add a user to a room.

    Args:
        members: The usernames present, in order of arrival.
        username: A validated username.

    Returns:
        The members with the newcomer last.

    Raises:
        ChatError: If the user is already present.
    """
    if username in members:
        raise ChatError(f"{username} is already in this room.")
    return [*members, username]


def remove_member(members: list[str], username: str) -> list[str]:
    """Take a user out of a room.

    Args:
        members: The usernames present.
        username: The user who leaves.

    Returns:
        The members without that user (unchanged if they were not there).
    """
    return [member for member in members if member != username]


def start_typing(typists: list[str], username: str) -> list[str]:
    """Mark a user as typing.

    Args:
        typists: The users typing, in the order they started.
        username: The user who started typing.

    Returns:
        The typists with that user last, or the same list if already typing.
    """
    if username in typists:
        return typists
    return [*typists, username]


def stop_typing(typists: list[str], username: str) -> list[str]:
    """Mark a user as no longer typing.

    Args:
        typists: The users typing.
        username: The user who stopped, sent or left.

    Returns:
        The typists without that user.
    """
    return [typist for typist in typists if typist != username]


def enter_tab(
    members: list[str], tabs: dict[str, list[str]], username: str, tab: str
) -> tuple[list[str], dict[str, list[str]]]:
    """Record that one of a user's tabs is in the room.

    A user is listed once however many tabs they have open.

    Args:
        members: The usernames present.
        tabs: Each present user's tab ids.
        username: The user.
        tab: The tab's id.

    Returns:
        The new members and tabs.
    """
    own = tabs.get(username, [])
    new_tabs = {**tabs, username: own if tab in own else [*own, tab]}
    new_members = members if username in members else [*members, username]
    return new_members, new_tabs


def leave_tab(
    members: list[str], tabs: dict[str, list[str]], username: str, tab: str
) -> tuple[list[str], dict[str, list[str]]]:
    """Record that one of a user's tabs left; the user leaves with their last tab.

    Args:
        members: The usernames present.
        tabs: Each present user's tab ids.
        username: The user.
        tab: The tab's id.

    Returns:
        The new members and tabs.
    """
    remaining = [other for other in tabs.get(username, []) if other != tab]
    new_tabs = {name: ids for name, ids in tabs.items() if name != username}
    if remaining:
        new_tabs[username] = remaining
        return members, new_tabs
    return remove_member(members, username), new_tabs
