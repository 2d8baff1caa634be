"""The dialog with a person's name and email, opened from the users menu."""

import reflex as rx

from chat_app.components.person import person_avatar
from chat_app.components.words import t
from chat_app.states.chat import ChatState
from chat_app.states.conversations import ConversationsState
from chat_app.states.dialogs import DialogState


def user_modal() -> rx.Component:
    """Show the chosen person's profile.

    Returns:
        A dialog with id ``user-modal``.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                person_avatar(DialogState.profile_username, size="4"),
                rx.vstack(
                    # The title keeps Radix's own id, which names the dialog.
                    rx.dialog.title(
                        rx.el.span(DialogState.profile_name, id="user-modal-name")
                    ),
                    rx.text(
                        "@",
                        DialogState.profile_username,
                        color_scheme="gray",
                        high_contrast=True,
                    ),
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
                rx.cond(
                    DialogState.profile_username != ChatState.username,
                    rx.button(
                        rx.icon("message-circle", size=16),
                        t("Message"),
                        id="message-user-button",
                        type="button",
                        on_click=ConversationsState.open_direct(
                            DialogState.profile_username
                        ),
                    ),
                ),
                rx.dialog.close(
                    rx.button(
                        t("Close"),
                        variant="soft",
                        high_contrast=True,
                        id="user-modal-close",
                    )
                ),
                justify="end",
                gap="3",
                margin_top="1rem",
            ),
            id="user-modal",
            max_width="24rem",
        ),
        open=DialogState.profile_open,
        on_open_change=DialogState.set_profile_open,
    )
