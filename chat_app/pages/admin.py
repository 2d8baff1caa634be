"""The admin screen (``/admin``): people to ban or mute, and the moderation log."""

import reflex as rx

from chat_app.components.admin import admin_controls, moderation_log, people_table
from chat_app.components.brand import brand_mark
from chat_app.components.error_banner import error_banner
from chat_app.components.language_switch import language_switch
from chat_app.components.page_frame import page_frame
from chat_app.components.words import t
from chat_app.states.admin import AdminState


def admin_screen() -> rx.Component:
    """What an administrator sees: the controls, the people, the log.

    Returns:
        The screen's sections.
    """
    return rx.vstack(
        rx.cond(
            AdminState.notice != "",
            rx.callout(
                AdminState.notice,
                icon="check",
                id="admin-notice",
                role="status",
                color_scheme="green",
                size="1",
                width="100%",
            ),
        ),
        admin_controls(),
        rx.heading(t("People"), as_="h2", size="4"),
        people_table(),
        rx.heading(t("Moderation log"), as_="h2", size="4"),
        moderation_log(),
        spacing="4",
        width="100%",
    )


def admin_page() -> rx.Component:
    """The admin screen; to anyone else, only that it is not allowed.

    Returns:
        The page.
    """
    return page_frame(
        rx.el.main(
            rx.vstack(
                rx.flex(
                    brand_mark(size="1.5rem", text_size="4"),
                    rx.heading(t("Moderation"), as_="h1", size="5"),
                    rx.spacer(),
                    language_switch(),
                    rx.link(t("Back to the chat"), href="/", id="admin-back"),
                    align="center",
                    gap="1rem",
                    width="100%",
                ),
                error_banner(),
                rx.cond(
                    AdminState.allowed,
                    admin_screen(),
                    rx.cond(
                        AdminState.checked,
                        rx.text(
                            t("Only administrators may open this page."),
                            id="admin-refused",
                        ),
                        rx.spinner(size="3"),
                    ),
                ),
                spacing="4",
                padding="1rem",
                max_width="72rem",
                margin="0 auto",
            )
        )
    )
