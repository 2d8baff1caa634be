"""One message in the list, with the day separator above it when the day changes."""

from typing import cast

import reflex as rx

from chat_app.domain.messages import AttachedFile, ChatMessage
from chat_app.realtime.views import RoomViewState
from chat_app.states.chat import ChatState
from chat_app.states.dialogs import DialogState

# Browsers format the server's timestamps in the reader's own time zone and locale.
LOCAL_TIME = rx.vars.FunctionStringVar.create(
    "((ms) => new Date(ms).toLocaleTimeString("
    "[], {hour: '2-digit', minute: '2-digit'}))"
)
NEW_DAY = rx.vars.FunctionStringVar.create(
    "((ms, previous) => previous === 0 || "
    "new Date(ms).toDateString() !== new Date(previous).toDateString())"
)
DAY_LABEL = rx.vars.FunctionStringVar.create(
    "((ms) => { const day = new Date(ms); const today = new Date();"
    " const yesterday = new Date(); yesterday.setDate(today.getDate() - 1);"
    " if (day.toDateString() === today.toDateString()) return 'Today';"
    " if (day.toDateString() === yesterday.toDateString()) return 'Yesterday';"
    " return day.toLocaleDateString([], {weekday: 'long', day: 'numeric',"
    " month: 'long', year: 'numeric'}); })"
)


SIZE_LABEL = rx.vars.FunctionStringVar.create(
    "((bytes) => bytes < 1024 ? bytes + ' B' : bytes < 1048576 ?"
    " (bytes / 1024).toFixed(1) + ' KB' : (bytes / 1048576).toFixed(1) + ' MB')"
)


def image_thumbnail(image: rx.vars.ObjectVar[AttachedFile]) -> rx.Component:
    """A small, lazily loaded picture that opens full size in the viewer.

    Args:
        image: The attached picture.

    Returns:
        The thumbnail.
    """
    return rx.image(
        src=image.url,
        alt=image.name,
        loading="lazy",
        class_name="attachment-image",
        width="9rem",
        height="9rem",
        object_fit="cover",
        border_radius="8px",
        tab_index=0,
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
                DAY_LABEL.call(message.sent_at_ms).to(str),
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
                rx.text("New messages", size="1", color_scheme="red", weight="bold"),
                rx.separator(flex="1", color_scheme="red"),
                id="new-messages-divider",
                align="center",
                width="100%",
                role="separator",
            ),
        ),
        rx.box(
            rx.cond(
                own | message.continues,
                rx.fragment(),
                rx.text(
                    message.author,
                    size="1",
                    weight="bold",
                    color=rx.color("accent", 11),
                ),
            ),
            attachments(message),
            rx.cond(
                message.text != "",
                rx.text(message.text, white_space="pre-wrap", overflow_wrap="anywhere"),
            ),
            rx.text(
                LOCAL_TIME.call(message.sent_at_ms).to(str),
                size="1",
                color_scheme="gray",
                text_align="right",
            ),
            class_name="message",
            custom_attrs={
                "data-own": rx.cond(own, "true", "false"),
                "data-author": message.author,
                "data-id": message.id,
            },
            align_self=rx.cond(own, "flex-end", "flex-start"),
            background=rx.cond(own, rx.color("accent", 4), rx.color("gray", 3)),
            border_radius="12px",
            padding="0.4rem 0.7rem",
            max_width="min(36rem, 80%)",
        ),
    )
