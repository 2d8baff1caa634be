"""The line naming who else is typing."""

import reflex as rx

from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ChatState


def typing_indicator() -> rx.Component:
    """Name the others typing: one, two, or a count for more; never the reader.

    Returns:
        A text line with id ``typing-indicator``.
    """
    others = RoomViewState.typists.filter(lambda name: name != ChatState.username)
    count = others.length()
    line = rx.match(
        count,
        (0, ""),
        (1, others[0].to(str) + " is typing..."),
        (2, others[0].to(str) + " and " + others[1].to(str) + " are typing..."),
        count.to(str) + " people are typing...",
    )
    return rx.text(
        line,
        id="typing-indicator",
        aria_live="polite",
        size="1",
        color_scheme="gray",
        font_style="italic",
        min_height="1.25rem",
        padding_x="1rem",
    )
