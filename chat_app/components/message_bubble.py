"""One message in the list, with the day separator above it when the day changes."""

from typing import cast

import reflex as rx

from chat_app.components.message_actions import message_actions, reaction_chips
from chat_app.components.person import name_color
from chat_app.components.receipts import receipt_mark
from chat_app.components.times import (
    DAY_AND_TIME,
    DAY_LABEL,
    ISO_TIME,
    LOCAL_TIME,
    NEW_DAY,
)
from chat_app.components.words import t
from chat_app.domain.messages import AttachedFile, ChatMessage
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ChatState
from chat_app.states.dialogs import DialogState
from chat_app.states.history import HistoryState
from chat_app.states.locale import LocaleState

SIZE_LABEL = rx.vars.FunctionStringVar.create(
    "((bytes) => bytes < 1024 ? bytes + ' B' : bytes < 1048576 ?"
    " (bytes / 1024).toFixed(1) + ' KB' : (bytes / 1048576).toFixed(1) + ' MB')"
)


def image_thumbnail(image: rx.vars.ObjectVar[AttachedFile]) -> rx.Component:
    """A small, lazily loaded picture; clicked, or Enter on it, opens the viewer.

    A real button, so keyboards open it; the picture keeps its aspect ratio
    within the box (a landscape photo keeps its sides).

    Args:
        image: The attached picture.

    Returns:
        The button holding the thumbnail.
    """
    return rx.el.button(
        rx.image(
            src=image.url,
            alt=image.name,
            loading="lazy",
            max_width="14rem",
            max_height="10rem",
            width="auto",
            height="auto",
            display="block",
            border_radius="8px",
        ),
        type="button",
        class_name="attachment-image",
        aria_label=t("Open {name}", name=image.name),
        on_click=DialogState.open_viewer(image.url, image.name),
    )


def file_entry(attached: rx.vars.ObjectVar[AttachedFile]) -> rx.Component:
    """An icon, the original name and the size; a click downloads the file.

    Reflex renders internal links with the router, which would treat the click as
    a page change; ``reloadDocument`` hands it back to the browser, which then
    downloads.

    Args:
        attached: The attached file.

    Returns:
        The download link.
    """
    return rx.el.a(
        rx.hstack(
            rx.icon("file-down", size=18),
            rx.text(attached.name, weight="medium", truncate=True, max_width="16rem"),
            rx.text(
                SIZE_LABEL.call(attached.size).to(str), size="1", color_scheme="gray"
            ),
            align="center",
            spacing="2",
        ),
        href=attached.url,
        class_name="attachment-file",
        download=attached.name,
        custom_attrs={"reloadDocument": True},
        color="inherit",
        text_decoration="none",
    )


def attachments(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """A message's pictures and files.

    Args:
        message: The message.

    Returns:
        Thumbnails, then file entries.
    """
    return rx.fragment(
        rx.cond(
            message.images.length() > 0,
            rx.flex(
                rx.foreach(message.images, image_thumbnail),
                wrap="wrap",
                gap="0.35rem",
                padding_y="0.25rem",
            ),
        ),
        rx.foreach(message.files, file_entry),
    )


def day_separator(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """The "Today" / "Yesterday" / date line above a day's first message.

    Args:
        message: The message below the line.

    Returns:
        The separator, or nothing when the day did not change.
    """
    return rx.cond(
        NEW_DAY.call(message.sent_at_ms, message.previous_sent_at_ms).to(bool),
        rx.center(
            rx.badge(
                rx.el.time(
                    DAY_LABEL.call(
                        message.sent_at_ms, LocaleState.lang, t("Today"), t("Yesterday")
                    ).to(str),
                    date_time=ISO_TIME.call(message.sent_at_ms).to(str),
                ),
                variant="soft",
                color_scheme="gray",
                radius="full",
            ),
            id="date-separator",
            class_name="date-separator",
            role="separator",
            padding_y="0.5rem",
            width="100%",
        ),
    )


def message_text(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """A message's text, drawn by the server's safe renderer (``domain.markup``).

    A long one shows folded to a few lines until "Read more"; ``assets/chat.js``
    unfolds it (for this reader only).

    Args:
        message: The message.

    Returns:
        The text, and the button for a long one.
    """
    return rx.fragment(
        rx.html(message.html, class_name="message-text"),
        rx.cond(
            message.long,
            rx.el.button(t("Read more"), type="button", class_name="read-more"),
        ),
    )


def quote_block(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """What a reply quotes; a click brings the original into view.

    Args:
        message: The reply.

    Returns:
        A button with the quoted author and first line (or what it was).
    """
    kind = message.quote_kind
    return rx.el.button(
        rx.el.span(message.quote_author, class_name="quote-author"),
        rx.el.span(
            rx.match(
                kind,
                ("deleted", t("Message deleted")),
                ("image", t("📷 Photo")),
                ("file", "📎 " + message.quote_text.to(str)),
                message.quote_text,
            ),
            class_name="quote-text",
        ),
        type="button",
        class_name="quote",
        custom_attrs={
            "data-quote-of": ChatState.room_slug + ":" + message.reply_to.to_string(),
            "data-quote-deleted": rx.cond(kind == "deleted", "true", "false"),
        },
        on_click=HistoryState.show_message(message.reply_to),
    )


def edited_mark(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """The "edited" mark, with when on hover.

    Args:
        message: The message.

    Returns:
        The mark, or nothing for a message never edited.
    """
    return rx.cond(
        message.edited_at_ms.to(int) > 0,
        rx.el.span(
            t("edited"),
            class_name="edited-mark",
            title=DAY_AND_TIME.call(message.edited_at_ms, LocaleState.lang).to(str),
        ),
    )


def author_line(message: rx.vars.ObjectVar[ChatMessage], own: rx.Var[bool]):
    """Who wrote a message: shown above a run of theirs, else said to screen readers.

    Args:
        message: The message.
        own: Whether the reader wrote it.

    Returns:
        The visible name, or a name only screen readers read.
    """
    return rx.cond(
        own,
        rx.el.span(t("You said:"), class_name="sr-only"),
        rx.cond(
            message.continues,
            rx.el.span(message.author.to(str) + ":", class_name="sr-only"),
            rx.text(
                message.author,
                size="1",
                weight="bold",
                color=name_color(message.author),
            ),
        ),
    )


@rx.memo
def message_bubble(message: rx.Var[ChatMessage]) -> rx.Component:
    """Draw a message: own ones on the right in the accent colour, others on the left.

    One React component, used by every slot of the list: the page carries its
    markup once, not once per slot.

    Args:
        message: The message.

    Returns:
        The bubble.
    """
    return bubble(cast(rx.vars.ObjectVar[ChatMessage], message))


def bubble(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """The markup of :func:`message_bubble`.

    Consecutive messages of one author within five minutes share one name.

    Args:
        message: The message.

    Returns:
        The bubble, carrying ``data-own`` and ``data-author``.
    """
    own = message.author == ChatState.username
    return rx.fragment(
        day_separator(message),
        rx.cond(
            message.id == RoomViewState.first_unread,
            rx.hstack(
                rx.separator(flex="1", color_scheme="red"),
                rx.text(t("New messages"), size="1", color_scheme="red", weight="bold"),
                rx.separator(flex="1", color_scheme="red"),
                id="new-messages-divider",
                align="center",
                width="100%",
                role="separator",
            ),
        ),
        rx.box(
            author_line(message, own),
            rx.cond(
                message.deleted,
                rx.text(
                    rx.cond(
                        message.removed,
                        t("Message removed by moderation"),
                        t("Message deleted"),
                    ),
                    class_name="deleted-text",
                    color_scheme="gray",
                    size="2",
                ),
                rx.fragment(
                    rx.cond(message.reply_to.to(int) > 0, quote_block(message)),
                    attachments(message),
                    rx.cond(message.html != "", message_text(message)),
                ),
            ),
            rx.text(
                edited_mark(message),
                rx.el.time(
                    LOCAL_TIME.call(message.sent_at_ms, LocaleState.lang).to(str),
                    date_time=ISO_TIME.call(message.sent_at_ms).to(str),
                ),
                rx.cond(own & ~message.deleted, receipt_mark(message)),
                size="1",
                color_scheme="gray",
                text_align="right",
            ),
            rx.cond(message.reactions.length() > 0, reaction_chips(message)),
            rx.cond(~message.deleted, message_actions(message, own)),
            tab_index=0,
            class_name="message",
            custom_attrs={
                "data-own": rx.cond(own, "true", "false"),
                "data-author": message.author,
                "data-id": message.id,
                "data-message-id": ChatState.room_slug + ":" + message.id.to_string(),
                "data-edited": rx.cond(
                    message.edited_at_ms.to(int) > 0, "true", "false"
                ),
                "data-deleted": rx.cond(message.deleted, "true", "false"),
                "data-removed": rx.cond(message.removed, "true", "false"),
                "data-mentions-me": rx.cond(
                    message.mentions.contains(ChatState.username), "true", "false"
                ),
                # The first of a run has the tail (assets/chat.css).
                "data-tail": rx.cond(message.continues, "false", "true"),
            },
            align_self=rx.cond(own, "flex-end", "flex-start"),
            background=rx.cond(own, rx.color("accent", 4), "var(--color-panel-solid)"),
            box_shadow="0 1px 1px var(--black-a3)",
            border_radius="12px",
            position="relative",
            padding="0.4rem 0.7rem",
            max_width="min(36rem, 80%)",
        ),
    )
