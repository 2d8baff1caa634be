"""The menu of users present in the current room."""

import reflex as rx

from chat_app.components.person import person_avatar
from chat_app.components.words import t
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ChatState
from chat_app.states.dialogs import DialogState


def user_item(username: rx.vars.StringVar) -> rx.Component:
    """One present user, opening their profile on click; "(you)" marks oneself.

    Args:
        username: The user's name.

    Returns:
        A row with id ``user-<username>``.
    """
    return rx.el.li(
        rx.button(
            person_avatar(username),
            rx.text(username, weight="medium", truncate=True),
            rx.cond(
                username == ChatState.username,
                rx.text(t("(you)"), size="1", color_scheme="gray"),
            ),
            id="user-" + username,
            variant="ghost",
            color_scheme="gray",
            justify_content="flex-start",
            width="100%",
            height="auto",
            padding_y="0.35rem",
            margin="0",
            aria_label=t("Show the profile of {name}", name=username),
            on_click=DialogState.show_profile(username),
        ),
        list_style="none",
        width="100%",
    )


def users_menu() -> rx.Component:
    """Who is in the room, kept current by the server.

    Returns:
        A list with id ``users-list``.
    """
    return rx.vstack(
        rx.text(
            t("Online — {count}", count=RoomViewState.members.length()),
            size="1",
            weight="bold",
            color_scheme="gray",
        ),
        rx.el.ul(
            rx.foreach(RoomViewState.members, user_item),
            id="users-list",
            aria_label=t("Users in this room"),
            padding="0",
            margin="0",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )
