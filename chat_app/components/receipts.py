"""Read receipts on the page: ✓ and ✓✓ on one's own messages, "seen by", reports.

The marks come from ``RoomViewState.seen`` (sent on the user's own channel):
a message of one's own up to that number was seen by someone else. Clicking
a mark opens the list of who saw it (``#seen-by``), kept live while open.
``assets/reading.js`` reports how far a visible tab read through the hidden
``read-report`` field.
"""

import reflex as rx

from chat_app.components.times import DAY_AND_TIME, ISO_TIME, LOCAL_TIME
from chat_app.components.words import t, tn
from chat_app.domain.messages import ChatMessage
from chat_app.domain.receipts import Reader
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ChatState
from chat_app.states.locale import LocaleState
from chat_app.states.reading import ReadingState

# The field's text is a message number, followed by "+" while the tab reads
# live (visible, at the bottom of the list).
NUMBER_OF = rx.vars.FunctionStringVar.create("((text) => Number.parseInt(text, 10))")
IS_LIVE = rx.vars.FunctionStringVar.create("((text) => text.endsWith('+'))")


def read_report_field() -> rx.Component:
    """The hidden field whose changes report how far the tab read.

    reading.js sets its value as a person typing would (so React's change
    handler runs); it is no form's field and never focused.

    Returns:
        The input with id ``read-report``.
    """
    return rx.el.input(
        id="read-report",
        type="text",
        tab_index=-1,
        aria_hidden="true",
        style={"display": "none"},
        on_change=lambda value: ReadingState.read_to(
            NUMBER_OF.call(value).to(int), IS_LIVE.call(value).to(bool)
        ),
    )


def receipt_mark(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """✓ (stored) or ✓✓ (someone else saw it) on one's own message; a click says who.

    Args:
        message: One's own message (not deleted).

    Returns:
        A small button carrying ``data-receipt`` (``sent`` or ``seen``).
    """
    seen = message.id.to(int) <= RoomViewState.seen[ChatState.room_slug].to(int)
    label = rx.cond(seen, t("Seen"), t("Sent"))
    return rx.el.button(
        rx.cond(seen, "✓✓", "✓"),
        type="button",
        class_name="receipt",
        title=label,
        aria_label=label,
        custom_attrs={
            "data-receipt": rx.cond(seen, "seen", "sent"),
            "aria-haspopup": "dialog",
        },
        on_click=ReadingState.show_seen_by(message.id),
    )


def reader_line(reader: rx.vars.ObjectVar[Reader]) -> rx.Component:
    """One reader and when they saw the message.

    Args:
        reader: The reader.

    Returns:
        A list item.
    """
    return rx.el.li(
        rx.text(reader.username, weight="medium", as_="span"),
        rx.el.time(
            LOCAL_TIME.call(reader.at_ms, LocaleState.lang).to(str),
            date_time=ISO_TIME.call(reader.at_ms).to(str),
            title=DAY_AND_TIME.call(reader.at_ms, LocaleState.lang).to(str),
            class_name="seen-at",
        ),
        class_name="seen-reader",
        custom_attrs={"data-reader": reader.username},
    )


def seen_by_list() -> rx.Component:
    """Who saw one's message, each with the time (``#seen-by``).

    Returns:
        A small dialog, open while ``ReadingState.seen_for`` names a message.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Seen by"), size="3"),
            rx.cond(
                ReadingState.seen_readers.length() > 0,
                rx.el.ul(
                    rx.foreach(ReadingState.seen_readers, reader_line),
                    class_name="seen-readers",
                ),
                rx.text(t("Nobody has seen it yet"), id="seen-by-nobody"),
            ),
            rx.cond(
                ReadingState.seen_more > 0,
                rx.text(
                    tn("and {count} more", "and {count} more", ReadingState.seen_more),
                    id="seen-by-more",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.flex(
                rx.dialog.close(
                    rx.button(t("Close"), variant="soft", high_contrast=True)
                ),
                justify="end",
                margin_top="1rem",
            ),
            id="seen-by",
            max_width="min(22rem, 95vw)",
        ),
        open=ReadingState.seen_for > 0,
        on_open_change=ReadingState.close_seen_by,
    )
