"""The login and registration pages."""

import reflex as rx

from chat_app.components.auth_forms import login_form, register_form
from chat_app.components.error_banner import error_banner
from chat_app.components.page_frame import page_frame


def login_page() -> rx.Component:
    """The login page; a tab sent here says why (a ban, a session that ended).

    Returns:
        The page.
    """
    return page_frame(
        rx.el.main(
            rx.box(
                error_banner(), position="fixed", top="1rem", left="1rem", right="1rem"
            ),
            login_form(),
        )
    )


def register_page() -> rx.Component:
    """The registration page.

    Returns:
        The page.
    """
    return page_frame(rx.el.main(register_form()))
