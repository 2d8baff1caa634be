"""The scrolling list of the room's messages."""

import reflex as rx

from chat_app.components.message_bubble import message_bubble
from chat_app.state import RoomState


def message_list() -> rx.Component:
    """The room's messages, newest at the bottom.

    The scroller lays its one child out in ``column-reverse``, so the browser keeps
    a reader who is at the bottom there as messages arrive, without any script.

    Returns:
        The scrolling region with id ``message-list``.
    """
    return rx.box(
        rx.vstack(
            rx.cond(
                RoomState.messages.length() == 0,
                rx.center(
                    rx.text("No messages yet. Say hello!", color_scheme="gray"),
                    padding="2rem",
                    width="100%",
                ),
            ),
            rx.foreach(RoomState.messages, message_bubble),
            spacing="2",
            padding="1rem",
            width="100%",
        ),
        id="message-list",
        role="log",
        aria_live="polite",
        aria_label="Messages",
        display="flex",
        flex_direction="column-reverse",
        overflow_y="auto",
        flex="1",
        min_height="0",
    )
