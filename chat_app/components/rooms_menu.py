"""The list of conversations: the configured rooms on top, the rest by activity."""

import reflex as rx

from chat_app.components.new_room import new_room_dialog
from chat_app.components.times import SHORT_WHEN
from chat_app.components.words import t, tn
from chat_app.domain.conversations import DIRECT
from chat_app.realtime.view_vars import (
    latest_in,
    live_of,
    news_besides,
    online_of,
    ordered_conversations,
)
from chat_app.realtime.views import RoomViewState
from chat_app.rooms.overview import Overview
from chat_app.states.chat import ChatState
from chat_app.states.locale import LocaleState


def read_in(slug: rx.Var[str]) -> rx.vars.NumberVar:
    """How far this tab's user read a conversation.

    Args:
        slug: The conversation's slug.

    Returns:
        Its read mark (0 before the first read).
    """
    return rx.cond(
        RoomViewState.last_read.contains(slug), RoomViewState.last_read[slug], 0
    ).to(int)


def unread_in(slug: rx.Var[str]) -> rx.vars.NumberVar:
    """How many of a conversation's messages this tab's user has not read.

    Args:
        slug: The conversation's slug.

    Returns:
        An integer var.
    """
    return latest_in(slug) - read_in(slug)


def mentioned_in(slug: rx.Var[str]) -> rx.vars.BooleanVar:
    """Whether a conversation mentions this tab's user after their read mark.

    Args:
        slug: The conversation's slug.

    Returns:
        A boolean var.
    """
    return RoomViewState.mentioned[slug].to(int) > read_in(slug)


def news_elsewhere() -> rx.vars.BooleanVar:
    """Whether a conversation other than the open one has news (unread or "@").

    Returns:
        A boolean var (the phone menu button's dot).
    """
    return news_besides(ChatState.room_slug)


def presence_dot(row: rx.vars.ObjectVar[Overview]) -> rx.Component:
    """A person's picture-less mark: a dot, green while they are here.

    Args:
        row: A direct conversation's line.

    Returns:
        The dot, with ``data-online`` and a name for screen readers.
    """
    here = online_of(row.peer.to(str), row.online.to(bool))
    return rx.box(
        class_name="presence-dot",
        id="presence-" + row.peer.to(str),
        role="img",
        aria_label=rx.cond(here, t("Online"), t("Offline")),
        custom_attrs={"data-online": rx.cond(here, "true", "false")},
        flex_shrink="0",
    )


def kind_icon(row: rx.vars.ObjectVar[Overview]) -> rx.Component:
    """What kind of conversation a line is: a person (here or not), or a room.

    Args:
        row: The line.

    Returns:
        An icon, or the person's presence dot.
    """
    return rx.cond(
        row.kind == DIRECT,
        presence_dot(row),
        rx.cond(
            row.private,
            rx.icon("lock", size=16, flex_shrink="0"),
            rx.icon("hash", size=16, flex_shrink="0"),
        ),
    )


def latest_line(row: rx.vars.ObjectVar[Overview]) -> rx.Component:
    """The conversation's latest message: who wrote it and how it starts.

    Args:
        row: The line.

    Returns:
        A muted, truncated line (nothing before the first message).
    """
    live = live_of(row.slug)
    # What arrived since the list was read, if later (a new message, an edit).
    n, shown = live["n"].to(int), row.n.to(int)
    arrived = (n > shown) | ((n == shown) & (live["v"].to(int) > row.v.to(int)))
    by = rx.cond(arrived, live["by"], row.by).to(str)
    text = rx.cond(arrived, live["text"], row.text).to(str)
    return rx.cond(
        by != "",
        rx.text(
            by + ": " + text,
            size="1",
            color_scheme="gray",
            high_contrast=True,
            truncate=True,
            class_name="conversation-latest",
            weight="regular",
            width="100%",
            # One line, however long the message (the button lets text wrap).
            white_space="nowrap",
            overflow="hidden",
            text_overflow="ellipsis",
        ),
    )


def latest_time(row: rx.vars.ObjectVar[Overview]) -> rx.Component:
    """When the conversation's latest message was sent (nothing before one).

    Args:
        row: The line.

    Returns:
        A short time or date, in the reader's zone and language.
    """
    live = live_of(row.slug)
    at = rx.cond(live["at"].to(int) > row.at.to(int), live["at"], row.at).to(int)
    return rx.text(
        SHORT_WHEN.call(at, LocaleState.lang).to(str),
        size="1",
        color_scheme="gray",
        high_contrast=True,
        white_space="nowrap",
        class_name="conversation-time",
    )


def conversation_item(row: rx.vars.ObjectVar[Overview]) -> rx.Component:
    """One conversation in the list: the open one highlighted, others with counts.

    A link to its address, so Back and Forward move between conversations and
    one opens in a new tab like any link.

    Args:
        row: The line (``rooms.overview.Overview``).

    Returns:
        A link with id ``room-<slug>``, ``data-kind`` and ``data-active``.
    """
    slug = row.slug.to(str)
    active = ChatState.room_slug == slug
    unread = unread_in(slug)
    mentioned = mentioned_in(slug)
    return rx.button(
        rx.link(
            kind_icon(row),
            rx.vstack(
                rx.hstack(
                    rx.text(row.name, truncate=True, weight="medium", flex="1"),
                    latest_time(row),
                    width="100%",
                    align="baseline",
                    spacing="2",
                ),
                latest_line(row),
                spacing="0",
                min_width="0",
                flex="1",
                align="start",
            ),
            rx.cond(
                mentioned & ~active,
                rx.badge(
                    "@",
                    id="mention-" + slug,
                    aria_label=t("You were mentioned"),
                    title=t("You were mentioned"),
                    color_scheme="amber",
                    radius="full",
                    variant="solid",
                ),
            ),
            rx.cond(
                (unread > 0) & ~active,
                rx.badge(
                    unread,
                    id="unread-" + slug,
                    aria_label=tn(
                        "{count} unread message", "{count} unread messages", unread
                    ),
                    radius="full",
                    variant="solid",
                ),
            ),
            href="/rooms/" + slug,
            id="room-" + slug,
            underline="none",
            width="100%",
            text_align="left",
            display="flex",
            align_items="center",
            gap="0.5rem",
            custom_attrs={
                "data-kind": row.kind,
                "data-active": rx.cond(active, "true", "false"),
                "aria-current": rx.cond(active, "page", "false"),
            },
        ),
        as_child=True,
        variant=rx.cond(active, "soft", "ghost"),
        # Step 12 text: names read at 4.5:1 and more on either background.
        high_contrast=True,
        justify_content="flex-start",
        width="100%",
        height="auto",
        min_height="2.25rem",
        padding_y="0.25rem",
        margin="0",
        size="2",
    )


def rooms_menu() -> rx.Component:
    """The user's conversations; clicking one opens it.

    Returns:
        A navigation list with id ``rooms-list``.
    """
    return rx.vstack(
        rx.hstack(
            rx.text(t("Conversations"), size="1", weight="bold", color_scheme="gray"),
            rx.spacer(),
            new_room_dialog(),
            align="center",
            width="100%",
        ),
        rx.foreach(ordered_conversations(), conversation_item),
        id="rooms-list",
        role="navigation",
        aria_label=t("Conversations"),
        spacing="1",
        width="100%",
        overflow_y="auto",
        max_height="45vh",
    )
