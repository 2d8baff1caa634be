"""The banner that tells the user why something they did was refused."""

import reflex as rx

from chat_app.components.words import t
from chat_app.states.chat import ChatState


def error_banner() -> rx.Component:
    """Show the tab's current error, if any, with a way to dismiss it.

    Returns:
        A callout with id ``error-message``, present only while there is an error.
    """
    return rx.cond(
        ChatState.error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            # Text and button in one cell of the callout's grid: the × stays on
            # the text's line.
            rx.flex(
                rx.callout.text(ChatState.error, flex="1"),
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    size="1",
                    aria_label=t("Dismiss"),
                    on_click=ChatState.dismiss_error,
                ),
                align="start",
                gap="2",
            ),
            id="error-message",
            role="alert",
            color_scheme="red",
            size="1",
            width="100%",
        ),
    )
