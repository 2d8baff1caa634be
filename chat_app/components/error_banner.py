"""The banner that tells the user why something they did was refused."""

import reflex as rx

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
            rx.callout.text(ChatState.error),
            rx.icon_button(
                rx.icon("x", size=14),
                variant="ghost",
                size="1",
                aria_label="Dismiss",
                on_click=ChatState.dismiss_error,
                margin_left="auto",
            ),
            id="error-message",
            role="alert",
            color_scheme="red",
            size="1",
            width="100%",
        ),
    )
