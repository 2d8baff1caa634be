"""The chat page: sidebar, messages and composer for a logged-in user."""

import reflex as rx

from chat_app.components.attention import attention_controls
from chat_app.components.brand import PRODUCT_NAME
from chat_app.components.composer import composer
from chat_app.components.error_banner import error_banner
from chat_app.components.image_viewer import image_viewer
from chat_app.components.message_actions import delete_confirmation
from chat_app.components.message_list import message_list
from chat_app.components.page_frame import page_frame
from chat_app.components.receipts import read_report_field, seen_by_list
from chat_app.components.room_entry import room_entry
from chat_app.components.room_settings import room_settings
from chat_app.components.rooms_menu import news_elsewhere
from chat_app.components.search import search_dialog
from chat_app.components.sidebar import sidebar
from chat_app.components.typing_indicator import typing_indicator, typing_line
from chat_app.components.user_modal import user_modal
from chat_app.components.words import t, tn
from chat_app.domain.conversations import ROOM
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ChatState
from chat_app.states.places import ROOM_SLUGS

SIDEBAR_WIDTH = "17rem"


def room_status() -> rx.Component:
    """Under the room's name: how many are here, and who is typing.

    Returns:
        A line with id ``room-status`` (silent to screen readers, which hear the
        typing line under the messages).
    """
    members = tn(
        "{count} person here", "{count} people here", RoomViewState.members.length()
    )
    typing = typing_line()
    return rx.text(
        rx.cond(typing != "", members.to(str) + " · " + typing.to(str), members),
        id="room-status",
        size="1",
        color_scheme="gray",
        truncate=True,
        aria_hidden="true",
    )


def room_header() -> rx.Component:
    """The bar above the messages: the room's name and, on phones, the menu button.

    Returns:
        A header row.
    """
    return rx.hstack(
        rx.box(
            rx.icon_button(
                rx.icon("menu", size=18),
                id="sidebar-toggle",
                variant="ghost",
                aria_label=rx.cond(
                    news_elsewhere(),
                    t("Rooms and people (news in other rooms)"),
                    t("Rooms and people"),
                ),
                on_click=ChatState.toggle_sidebar,
            ),
            rx.cond(
                news_elsewhere(),
                rx.box(id="menu-unread-dot", class_name="menu-unread-dot"),
            ),
            position="relative",
            display=["flex", "flex", "none"],
        ),
        rx.vstack(
            rx.heading(
                rx.cond(ChatState.room_name != "", ChatState.room_name, PRODUCT_NAME),
                size="4",
                id="room-title",
            ),
            rx.cond(ChatState.room_slug != "", room_status()),
            spacing="0",
            min_width="0",
        ),
        rx.cond(
            (ChatState.room_kind == ROOM)
            & ~rx.Var.create(ROOM_SLUGS).contains(ChatState.room_slug),
            room_settings(),
        ),
        rx.spacer(),
        search_dialog(),
        attention_controls(),
        rx.cond(
            ChatState.is_admin,
            rx.link(
                rx.icon("shield", size=18),
                href="/admin",
                id="admin-link",
                aria_label=t("Moderation"),
                title=t("Moderation"),
                color_scheme="gray",
            ),
        ),
        align="center",
        spacing="3",
        padding="0.75rem 1rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )


def archived_note() -> rx.Component:
    """In place of the composer in an archived room.

    Returns:
        A line with id ``archived-note``.
    """
    return rx.callout(
        t("This room is archived: it can only be read."),
        icon="archive",
        color_scheme="gray",
        id="archived-note",
        margin="0.75rem 1rem",
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
            role="complementary",
            aria_label=t("Rooms and people"),
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
        rx.el.main(
            room_header(),
            rx.box(error_banner(), padding_x="1rem", width="100%"),
            rx.cond(
                ChatState.room_slug != "",
                rx.fragment(
                    message_list(),
                    typing_indicator(),
                    rx.cond(ChatState.room_archived, archived_note(), composer()),
                ),
                room_entry(),
            ),
            display="flex",
            flex_direction="column",
            flex="1",
            min_width="0",
            height="100%",
        ),
        user_modal(),
        image_viewer(),
        delete_confirmation(),
        seen_by_list(),
        read_report_field(),
        height="100dvh",
        width="100%",
    )


def chat_page() -> rx.Component:
    """The chat, shown once the session is verified; until then a spinner.

    Returns:
        The page.
    """
    return page_frame(
        rx.cond(
            ChatState.username != "",
            chat_screen(),
            rx.center(rx.spinner(size="3"), height="100dvh", id="chat-loading"),
        )
    )
