"""The scrolling list of the room's messages."""

from typing import Any

import reflex as rx

from chat_app.components.message_bubble import message_bubble
from chat_app.components.words import t
from chat_app.domain.history import OLDER_SLOTS
from chat_app.domain.messages import RING_BLOCKS
from chat_app.realtime.views import RoomViewState, block_var, older_var
from chat_app.states.history import HistoryState


def ring_block(slot: int) -> rx.Component:
    """The messages of one slot of the live window's ring.

    Blocks are laid out oldest first with the CSS ``order`` property, counted from
    the slot after the newest one, so a new message re-renders only its block.

    Args:
        slot: The ring slot.

    Returns:
        A column of bubbles.
    """
    messages = getattr(RoomViewState, block_var(slot))
    position = (RING_BLOCKS + slot - 1 - RoomViewState.head) % RING_BLOCKS
    return rx.flex(
        rx.foreach(messages, lambda message: message_bubble(message=message)),
        direction="column",
        gap="0.35rem",
        order=position,
        width="100%",
    )


# Older pages sit above the ring (CSS order 0..15), by their first message.
OLDER_ORDER = -1_000_000_000


def older_page(slot: int) -> rx.Component:
    """One page of older history the tab loaded.

    Pages arrive in the order they were loaded (older pages, and messages the
    live window let go of); each is laid out by its first message's number.

    Args:
        slot: The page's slot.

    Returns:
        A column of bubbles.
    """
    messages = getattr(RoomViewState, older_var(slot))
    return rx.flex(
        rx.foreach(messages, lambda message: message_bubble(message=message)),
        direction="column",
        gap="0.35rem",
        order=rx.cond(
            messages.length() > 0, messages[0].id.to(int) + OLDER_ORDER, OLDER_ORDER
        ),
        width="100%",
    )


def history_button(
    icon: str, label: rx.Var[str], id_: str, handler: Any, *, order: Any
) -> rx.Component:
    """A button that loads a page of history, placed among the pages.

    Args:
        icon: Its icon's name.
        label: What it says.
        id_: Its id.
        handler: The event it sends.
        order: Where it stands among the pages (CSS ``order``).

    Returns:
        The button, centred.
    """
    return rx.center(
        rx.button(
            rx.icon(icon, size=14),
            label,
            id=id_,
            variant="soft",
            size="1",
            on_click=handler,
        ),
        order=order,
        width="100%",
    )


def load_newer() -> rx.Component:
    """The button in the gap below a run of history a far jump loaded.

    Laid out just after the run's newest message, above the live window;
    ``assets/chat.js`` clicks it when it scrolls into view.

    Returns:
        The button with id ``load-newer``, while there is such a gap.
    """
    return rx.cond(
        RoomViewState.anchored
        & (RoomViewState.ring_start > RoomViewState.older_last + 1),
        history_button(
            "arrow-down-to-line",
            t("Load newer messages"),
            "load-newer",
            HistoryState.load_newer,
            order=RoomViewState.older_last + (OLDER_ORDER + 1),
        ),
    )


def jump_to_latest() -> rx.Component:
    """The button back to the newest message, with how many wait below.

    ``assets/chat.js`` shows it while the reader is scrolled up and keeps the count.

    Returns:
        The button with id ``jump-to-latest``.
    """
    return rx.button(
        rx.icon("arrow-down", size=16),
        rx.text("", id="jump-count", as_="span"),
        id="jump-to-latest",
        aria_label=t("Jump to the latest message"),
        radius="full",
        size="2",
        position="absolute",
        right="1.25rem",
        bottom="0.5rem",
        z_index="5",
        box_shadow="var(--shadow-3)",
        on_click=rx.call_script("window.chatJumpToLatest()"),
    )


def message_list() -> rx.Component:
    """The room's messages, newest at the bottom, with the jump button over them.

    The scroller lays its one child out in ``column-reverse``, so the browser keeps
    a reader who is at the bottom there as messages arrive, and leaves a reader who
    scrolled up where they are.

    Returns:
        The pane holding the scrolling region with id ``message-list``.
    """
    return rx.box(
        scroller(),
        jump_to_latest(),
        id="message-pane",
        position="relative",
        display="flex",
        flex="1",
        min_height="0",
    )


def scroller() -> rx.Component:
    """The scrolling list itself.

    Returns:
        The region with id ``message-list``.
    """
    newest = getattr(RoomViewState, block_var(0))
    empty = (RoomViewState.head == 0) & (newest.length() == 0)
    return rx.box(
        rx.flex(
            rx.cond(
                empty,
                rx.center(
                    rx.text(t("No messages yet. Say hello!"), color_scheme="gray"),
                    padding="2rem",
                    width="100%",
                ),
            ),
            rx.cond(
                RoomViewState.has_older
                | (
                    ~RoomViewState.anchored
                    & (RoomViewState.ring_start > RoomViewState.older_last + 1)
                ),
                history_button(
                    "history",
                    t("Load older messages"),
                    "load-older",
                    HistoryState.load_older,
                    order=OLDER_ORDER - 1,
                ),
            ),
            *[older_page(slot) for slot in range(OLDER_SLOTS)],
            load_newer(),
            *[ring_block(slot) for slot in range(RING_BLOCKS)],
            direction="column",
            gap="0.35rem",
            padding="1rem",
            width="100%",
        ),
        id="message-list",
        # Reachable by keyboard to scroll, even with no message to focus.
        tab_index=0,
        role="log",
        aria_live="polite",
        aria_label=t("Messages"),
        display="flex",
        flex_direction="column-reverse",
        overflow_y="auto",
        flex="1",
        min_height="0",
        width="100%",
    )
