"""The menu of users present in the current room."""

import reflex as rx

from chat_app.state import ChatState, RoomState


def user_item(username: rx.Var[str]) -> rx.Component:
    """One present user; the tab's own user is marked "(you)".

    Args:
        username: The user's name.

    Returns:
        A row with id ``user-<username>``.
    """
    return rx.hstack(
        rx.avatar(fallback=username[:2], size="2", radius="full"),
        rx.text(username, weight="medium", truncate=True),
        rx.cond(
            username == ChatState.username,
            rx.text("(you)", size="1", color_scheme="gray"),
        ),
        id="user-" + username,
        align="center",
        spacing="2",
        padding_y="0.25rem",
        role="listitem",
    )


def users_menu() -> rx.Component:
    """Who is in the room, kept current by the server.

    Returns:
        A list with id ``users-list``.
    """
    return rx.vstack(
        rx.text(
            "Online — ",
            RoomState.members.length(),
            size="1",
            weight="bold",
            color_scheme="gray",
        ),
        rx.vstack(
            rx.foreach(RoomState.members, user_item),
            id="users-list",
            role="list",
            aria_label="Users in this room",
            spacing="0",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )
