"""The dialog with a person's name and email, opened from the users menu."""

import reflex as rx

from chat_app.states.dialogs import DialogState


def user_modal() -> rx.Component:
    """Show the chosen person's profile.

    Returns:
        A dialog with id ``user-modal``.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.avatar(fallback=DialogState.profile_username[:2], size="4"),
                rx.vstack(
                    rx.dialog.title(DialogState.profile_name, id="user-modal-name"),
                    rx.text("@", DialogState.profile_username, color_scheme="gray"),
                    spacing="0",
                ),
                align="center",
                spacing="3",
            ),
            rx.dialog.description(
                rx.link(
                    DialogState.profile_email,
                    href="mailto:" + DialogState.profile_email,
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
        open=DialogState.profile_open,
        on_open_change=DialogState.set_profile_open,
    )
