"""The line naming who else is typing."""

from typing import cast

import reflex as rx

from chat_app.components.words import t
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ChatState


def typing_line() -> rx.Var[str]:
    """Who else is typing: one, two, or a count for more; never the reader.

    Returns:
        The words, "" when nobody else types.
    """
    others = RoomViewState.typists.filter(lambda name: name != ChatState.username)
    count = others.length()
    line = rx.match(
        count,
        (0, ""),
        (1, t("{name} is typing…", name=others[0].to(str))),
        (
            2,
            t(
                "{name} and {other} are typing…",
                name=others[0].to(str),
                other=others[1].to(str),
            ),
        ),
        t("{count} people are typing…", count=count),
    )
    return cast(rx.Var, line).to(str)


def typing_indicator() -> rx.Component:
    """The line under the messages naming who else is typing.

    Returns:
        A text line with id ``typing-indicator``.
    """
    return rx.text(
        typing_line(),
        id="typing-indicator",
        aria_live="polite",
        size="1",
        color_scheme="gray",
        font_style="italic",
        min_height="1.25rem",
        padding_x="1rem",
    )
