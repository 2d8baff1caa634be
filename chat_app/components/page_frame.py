"""The frame around every page."""

import reflex as rx

from chat_app.states.locale import LocaleState


def page_frame(*children: rx.Component) -> rx.Component:
    """Wrap a page; ``data-hydrated`` turns "true" once the socket has synced state.

    Browser tests wait on that attribute instead of sleeping. ``data-lang`` is the
    language the page is drawn in; ``assets/chat.js`` sets ``<html lang>`` from it.

    Args:
        *children: The page's content.

    Returns:
        The framed page.
    """
    return rx.box(
        *children,
        id="app",
        custom_attrs={
            "data-hydrated": rx.cond(rx.State.is_hydrated, "true", "false"),
            "data-lang": LocaleState.lang,
        },
    )
