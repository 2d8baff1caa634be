"""The form that asks for a username before entering a room."""

import reflex as rx

from chat_app.components.error_banner import error_banner
from chat_app.domain.validation import USERNAME_MAX_LENGTH
from chat_app.state import ROOMS, ChatState


def username_entry() -> rx.Component:
    """Ask for a username and enter the default room with it.

    The button stays disabled until the page is connected and hydrated, so
    nothing typed before that is lost.

    Returns:
        A centred card with ``username-input`` and ``join-button``.
    """
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Chat", size="7"),
                    rx.text(
                        f"Choose a username to enter {ROOMS[0].name}.",
                        color_scheme="gray",
                    ),
                    error_banner(),
                    rx.input(
                        id="username-input",
                        name="username",
                        placeholder="Username",
                        aria_label="Username",
                        default_value=ChatState.username,
                        max_length=USERNAME_MAX_LENGTH,
                        auto_focus=True,
                        required=True,
                        size="3",
                        width="100%",
                    ),
                    rx.button(
                        "Entrar",
                        id="join-button",
                        type="submit",
                        size="3",
                        width="100%",
                        disabled=~rx.State.is_hydrated,
                    ),
                    spacing="3",
                ),
                on_submit=ChatState.join,
            ),
            width="min(24rem, 92vw)",
            size="4",
        ),
        min_height="100dvh",
        padding="1rem",
    )
