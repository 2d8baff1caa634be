"""The dialog with a person's name and email, opened from the users menu."""

import reflex as rx

from chat_app.state import ChatState


def user_modal() -> rx.Component:
    """Show the chosen person's profile.

    Returns:
        A dialog with id ``user-modal``.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.avatar(fallback=ChatState.profile_username[:2], size="4"),
                rx.vstack(
                    rx.dialog.title(ChatState.profile_name, id="user-modal-name"),
                    rx.text("@", ChatState.profile_username, color_scheme="gray"),
                    spacing="0",
                ),
                align="center",
                spacing="3",
            ),
            rx.dialog.description(
                rx.link(
                    ChatState.profile_email,
                    href="mailto:" + ChatState.profile_email,
                    id="user-modal-email",
                ),
                margin_top="1rem",
            ),
            rx.flex(
                rx.dialog.close(
                    rx.button("Close", variant="soft", id="user-modal-close")
                ),
                justify="end",
                margin_top="1rem",
            ),
            id="user-modal",
            max_width="24rem",
        ),
        open=ChatState.profile_open,
        on_open_change=ChatState.set_profile_open,
    )
