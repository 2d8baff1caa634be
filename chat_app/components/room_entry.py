"""What the message pane shows while the tab is in no room."""

import reflex as rx

from chat_app.components.words import t
from chat_app.states.chat import ROOMS, ChatState


def room_entry() -> rx.Component:
    """Invite the user back into a room after they left.

    Returns:
        A centred panel with ``join-button``.
    """
    return rx.center(
        rx.vstack(
            rx.icon("messages-square", size=48, color=rx.color("accent", 9)),
            rx.heading(t("You are not in a room"), size="5"),
            rx.text(
                t("Pick a room in the menu, or go back to {room}.", room=ROOMS[0].name),
                color_scheme="gray",
            ),
            rx.button(
                t("Enter {room}", room=ROOMS[0].name),
                id="join-button",
                size="3",
                on_click=ChatState.enter_room(ROOMS[0].slug),
            ),
            align="center",
            spacing="3",
        ),
        flex="1",
        padding="2rem",
    )
