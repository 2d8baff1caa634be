"""The login and registration pages."""

import reflex as rx

from chat_app.components.auth_forms import login_form, register_form
from chat_app.components.page_frame import page_frame


def login_page() -> rx.Component:
    """The login page.

    Returns:
        The page.
    """
    return page_frame(rx.el.main(login_form()))


def register_page() -> rx.Component:
    """The registration page.

    Returns:
        The page.
    """
    return page_frame(rx.el.main(register_form()))
