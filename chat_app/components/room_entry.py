"""What the message pane shows while the tab is in no room."""

import reflex as rx

from chat_app.components.words import t
from chat_app.domain.room_addresses import room_path
from chat_app.states.places import ROOMS


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
                rx.link(
                    t("Enter {room}", room=ROOMS[0].name),
                    href=room_path(ROOMS[0].slug),
                    id="join-button",
                    underline="none",
                ),
                as_child=True,
                size="3",
            ),
            align="center",
            spacing="3",
        ),
        flex="1",
        padding="2rem",
    )
