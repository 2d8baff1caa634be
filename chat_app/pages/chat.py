"""The chat page: the username entry, then the room screen."""

import reflex as rx

from chat_app.components.composer import composer
from chat_app.components.error_banner import error_banner
from chat_app.components.message_list import message_list
from chat_app.components.sidebar import sidebar
from chat_app.components.typing_indicator import typing_indicator
from chat_app.components.username_entry import username_entry
from chat_app.state import ChatState

SIDEBAR_WIDTH = "17rem"


def room_header() -> rx.Component:
    """The bar above the messages: the room's name and, on phones, the menu button.

    Returns:
        A header row.
    """
    return rx.hstack(
        rx.icon_button(
            rx.icon("menu", size=18),
            id="sidebar-toggle",
            variant="ghost",
            aria_label="Rooms and people",
            on_click=ChatState.toggle_sidebar,
            display=["flex", "flex", "none"],
        ),
        rx.heading(ChatState.room_name, size="4", id="room-title"),
        align="center",
        spacing="3",
        padding="0.75rem 1rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )


def chat_screen() -> rx.Component:
    """Sidebar on the left, the room's messages and the composer on the right.

    Returns:
        The room screen.
    """
    return rx.flex(
        rx.box(
            sidebar(),
            id="sidebar",
            # Beside the messages on wide screens; on phones a full-screen drawer
            # opened by the header's menu button.
            display=["none", "none", "block"],
            class_name=rx.cond(ChatState.sidebar_open, "sidebar-open", ""),
            position=["fixed", "fixed", "static"],
            inset="0",
            z_index="10",
            width=["100%", "100%", SIDEBAR_WIDTH],
            flex_shrink="0",
            border_right=f"1px solid {rx.color('gray', 5)}",
            background=rx.color("gray", 2),
        ),
        rx.flex(
            room_header(),
            rx.box(error_banner(), padding_x="1rem", width="100%"),
            message_list(),
            typing_indicator(),
            composer(),
            direction="column",
            flex="1",
            min_width="0",
            height="100%",
        ),
        height="100dvh",
        width="100%",
    )


def chat_page() -> rx.Component:
    """The single page: the room screen once the tab is in a room, else the entry.

    Returns:
        The page.
    """
    return rx.cond(ChatState.room_slug != "", chat_screen(), username_entry())
