"""The menu of rooms."""

import functools
import operator

import reflex as rx

from chat_app.components.words import t, tn
from chat_app.domain.room_addresses import room_path
from chat_app.domain.rooms import Room
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ROOMS, ChatState


def unread_in(slug: str) -> rx.vars.NumberVar:
    """How many of a room's messages this tab's user has not read.

    Args:
        slug: The room's slug.

    Returns:
        An integer var.
    """
    return RoomViewState.latest[slug].to(int) - RoomViewState.last_read[slug].to(int)


def mentioned_in(slug: str) -> rx.vars.BooleanVar:
    """Whether a room mentions this tab's user after their read mark.

    Args:
        slug: The room's slug.

    Returns:
        A boolean var.
    """
    read = RoomViewState.last_read[slug].to(int)
    return RoomViewState.mentioned[slug].to(int) > read


def news_elsewhere() -> rx.vars.BooleanVar:
    """Whether a room other than the open one has unread messages or a mention.

    Returns:
        A boolean var (the phone menu button's dot).
    """
    news = [
        (ChatState.room_slug != room.slug)
        & ((unread_in(room.slug) > 0) | mentioned_in(room.slug))
        for room in ROOMS
    ]
    return functools.reduce(operator.or_, news).to(bool)


def room_item(room: Room) -> rx.Component:
    """One room in the menu: the active one highlighted, others with unread counts.

    A link to the room's address, so Back and Forward move between rooms and
    a room opens in a new tab like any link.

    Args:
        room: The room.

    Returns:
        A button with id ``room-<slug>`` and ``data-active``.
    """
    active = ChatState.room_slug == room.slug
    unread = unread_in(room.slug)
    mentioned = mentioned_in(room.slug)
    return rx.button(
        rx.link(
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
            href=room_path(room.slug),
            id=f"room-{room.slug}",
            underline="none",
            custom_attrs={
                "data-active": rx.cond(active, "true", "false"),
                "aria-current": rx.cond(active, "page", "false"),
            },
        ),
        as_child=True,
        variant=rx.cond(active, "soft", "ghost"),
        # Step 12 text: room names read at 4.5:1 and more on either background.
        high_contrast=True,
        justify_content="flex-start",
        width="100%",
        margin="0",
        size="2",
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
