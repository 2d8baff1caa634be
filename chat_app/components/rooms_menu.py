"""The menu of rooms."""

import reflex as rx

from chat_app.components.words import t, tn
from chat_app.domain.rooms import Room
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ROOMS, ChatState


def room_item(room: Room) -> rx.Component:
    """One room in the menu: the active one highlighted, others with unread counts.

    Args:
        room: The room.

    Returns:
        A button with id ``room-<slug>`` and ``data-active``.
    """
    active = ChatState.room_slug == room.slug
    unread = RoomViewState.latest[room.slug].to(int) - RoomViewState.last_read[
        room.slug
    ].to(int)
    read = RoomViewState.last_read[room.slug].to(int)
    mentioned = RoomViewState.mentioned[room.slug].to(int) > read
    return rx.button(
        rx.icon("hash", size=16),
        room.name,
        rx.cond(
            mentioned & ~active,
            rx.badge(
                "@",
                id=f"mention-{room.slug}",
                aria_label=t("You were mentioned"),
                title=t("You were mentioned"),
                color_scheme="amber",
                radius="full",
                variant="solid",
                margin_left="auto",
            ),
        ),
        rx.cond(
            (unread > 0) & ~active,
            rx.badge(
                unread,
                id=f"unread-{room.slug}",
                aria_label=tn(
                    "{count} unread message", "{count} unread messages", unread
                ),
                radius="full",
                variant="solid",
                margin_left=rx.cond(mentioned, "0", "auto"),
            ),
        ),
        id=f"room-{room.slug}",
        custom_attrs={
            "data-active": rx.cond(active, "true", "false"),
            "aria-current": rx.cond(active, "page", "false"),
        },
        variant=rx.cond(active, "soft", "ghost"),
        # Step 12 text: room names read at 4.5:1 and more on either background.
        high_contrast=True,
        justify_content="flex-start",
        width="100%",
        margin="0",
        size="2",
        on_click=ChatState.enter_room(room.slug),
    )


def rooms_menu() -> rx.Component:
    """The list of rooms; clicking one moves the user there.

    Returns:
        A navigation list with id ``rooms-list``.
    """
    return rx.vstack(
        rx.text(t("Rooms"), size="1", weight="bold", color_scheme="gray"),
        *[room_item(room) for room in ROOMS],
        id="rooms-list",
        role="navigation",
        aria_label=t("Rooms"),
        spacing="1",
        width="100%",
    )
