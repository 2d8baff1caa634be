"""The composer: a text area and the send button."""

import reflex as rx

from chat_app.components.emoji_picker import emoji_picker
from chat_app.components.mention_list import mention_list
from chat_app.components.words import t, t_raw
from chat_app.settings import get_settings
from chat_app.states.actions import MessageActionsState
from chat_app.states.chat import ChatState

MAX_LENGTH = get_settings().max_message_length
# The composer's idle debounce is compiled into the page: read when it is built.
TYPING_IDLE_MS = int(get_settings().typing_idle_seconds * 1000)


def attachment_tray() -> rx.Component:
    """Files waiting to be sent, with their upload progress and any error.

    ``assets/chat.js`` fills the tray: it uploads each chosen, dropped or pasted
    file to ``/api/upload`` (showing ``upload-progress``), lets each be removed,
    keeps the returned links in the hidden ``attachments`` field the form sends,
    and holds the form back until every upload is done.

    Returns:
        The tray and the hidden field.
    """
    return rx.fragment(
        rx.box(
            id="attachment-tray",
            class_name="attachment-tray",
            # The limits chat.js checks before uploading, as the server has them.
            data_max_files=ChatState.max_files,
            data_max_file_bytes=ChatState.max_file_bytes,
            # What chat.js says, in the tab's language ({named} values its own).
            data_text_remove=t_raw("Remove {name}"),
            data_text_failed=t_raw("The upload failed."),
            data_text_unreachable=t_raw("{name} could not be uploaded."),
            data_text_too_many=t_raw("At most {limit} files per message."),
            data_text_too_large=t_raw("{name} is larger than {limit}."),
            data_text_empty=t_raw("{name} is empty."),
            data_text_wait=t_raw("Wait until the upload is done, then send."),
        ),
        rx.el.input(type="hidden", name="attachments", id="attachments-field"),
    )


def file_picker() -> rx.Component:
    """The hidden file input ``Anexar`` opens; outside the form, so not submitted.

    Returns:
        The input with id ``file-picker``.
    """
    return rx.el.input(
        type="file",
        id="file-picker",
        # Named, so Reflex does not treat the id as a form field's name.
        name="file-picker",
        multiple=True,
        tab_index=-1,
        aria_hidden="true",
        style={"display": "none"},
    )


def length_counter() -> rx.Component:
    """How long the draft is, once it nears the limit; red beyond it.

    Returns:
        The counter with id ``char-count``, present near and past the limit.
    """
    length = ChatState.draft.length()
    return rx.cond(
        length > MAX_LENGTH - 200,
        rx.text(
            length.to(str) + f" / {MAX_LENGTH}",
            rx.cond(length > MAX_LENGTH, t(" — too long to send"), ""),
            id="char-count",
            size="1",
            color_scheme=rx.cond(length > MAX_LENGTH, "red", "gray"),
            role="status",
        ),
    )


def button_label(text: rx.Var[str]) -> rx.Component:
    """A button's words, shown from small tablets up; phones get the icon alone.

    Args:
        text: The words (also the button's accessible name and tooltip).

    Returns:
        The label.
    """
    return rx.el.span(text, display=["none", "inline"])


def emoji_button() -> rx.Component:
    """The emoji button and the picker it opens over the composer.

    The chosen emoji goes into the text area at the cursor, replacing any
    selection, without a round trip (``chatInsertText`` in assets/chat.js); the
    text area then reports the change as if it had been typed. Focus goes back
    to the text area, and closing the picker with Escape returns it there too.

    Returns:
        The popover, its trigger the button with id ``emoji-button``.
    """
    insert = rx.vars.FunctionStringVar.create("window.chatInsertText")
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("smile", size=16),
                id="emoji-button",
                type="button",
                size="3",
                variant="soft",
                aria_label=t("Emoji"),
                title=t("Emoji"),
            ),
        ),
        rx.popover.content(
            emoji_picker(lambda emoji: insert.partial(emoji), id="emoji-picker"),
            id="emoji-popover",
            aria_label=t("Choose an emoji"),
            side="top",
            align="start",
            collision_padding=8,
            padding="0",
            on_close_auto_focus=rx.vars.FunctionStringVar.create(
                "window.chatFocusComposer"
            ),
        ),
    )


def composer() -> rx.Component:
    """Write and send a message.

    Enter sends and Shift+Enter starts a new line. The server reports typing when
    the draft stops being empty (refreshed while it changes) and its end when the
    draft is emptied, when the composer sits idle, or on sending; the timings are
    ``typing_*`` settings. Typing ``@`` lists people to mention over it.

    Returns:
        A form with ``composer-input`` and ``send-button`` (labelled ``Enviar``).
    """
    return rx.box(
        file_picker(),
        mention_list(),
        composer_form(),
        width="100%",
        position="relative",
    )


def composer_banner(
    banner_id: str,
    icon: str,
    content: rx.Component,
    cancel_id: str,
    cancel_label: rx.Var[str],
    on_cancel: rx.event.EventType[()],
) -> rx.Component:
    """A line above the text area saying what the composer does, with its ×.

    Args:
        banner_id: The banner's id.
        icon: Its Lucide icon.
        content: What it says.
        cancel_id: The id of its × button (Escape presses it, assets/chat.js).
        cancel_label: The button's accessible name and tooltip.
        on_cancel: What the button does.

    Returns:
        The banner.
    """
    return rx.hstack(
        rx.icon(icon, size=16, flex_shrink="0"),
        content,
        rx.icon_button(
            rx.icon("x", size=14),
            id=cancel_id,
            type="button",
            variant="ghost",
            size="1",
            aria_label=cancel_label,
            title=cancel_label,
            on_click=on_cancel,
        ),
        id=banner_id,
        class_name="composer-banner",
        align="center",
    )


def reply_preview() -> rx.Component:
    """What the message being written replies to; Escape or the button drops it.

    Returns:
        The preview with id ``reply-preview``, while replying.
    """
    quoted = rx.box(
        rx.text(
            t("Replying to {name}", name=ChatState.reply_author),
            size="1",
            weight="bold",
        ),
        rx.text(
            rx.match(
                ChatState.reply_kind,
                ("image", t("📷 Photo")),
                ("file", "📎 " + ChatState.reply_text),
                ChatState.reply_text,
            ),
            size="1",
            truncate=True,
        ),
        min_width="0",
        flex="1",
    )
    return rx.cond(
        ChatState.reply_to > 0,
        composer_banner(
            "reply-preview",
            "reply",
            quoted,
            "cancel-reply",
            t("Cancel the reply"),
            MessageActionsState.cancel_reply,
        ),
    )


def edit_preview() -> rx.Component:
    """Says a sent message is being edited; Escape or the button leaves it as it was.

    Returns:
        The banner with id ``edit-preview``, while editing.
    """
    saying = rx.text(
        t("Editing your message (Enter saves, Esc cancels)"),
        size="1",
        weight="bold",
        flex="1",
    )
    return rx.cond(
        ChatState.editing > 0,
        composer_banner(
            "edit-preview",
            "pencil",
            saying,
            "cancel-edit",
            t("Cancel the edit"),
            MessageActionsState.cancel_edit,
        ),
    )


def composer_form() -> rx.Component:
    """The form itself: tray, buttons, text area, counter.

    Returns:
        The form with id ``composer-form``.
    """
    return rx.form(
        reply_preview(),
        edit_preview(),
        attachment_tray(),
        # The Up arrow in an empty composer presses it (assets/chat.js).
        rx.el.button(
            id="edit-last",
            type="button",
            tab_index=-1,
            aria_hidden="true",
            style={"display": "none"},
            on_click=MessageActionsState.edit_latest,
        ),
        rx.hstack(
            rx.button(
                rx.icon("paperclip", size=16),
                button_label(t("Attach")),
                id="attach-button",
                type="button",
                size="3",
                variant="soft",
                aria_label=t("Attach"),
                title=t("Attach"),
                on_click=rx.call_script("window.chatPickFiles()"),
            ),
            emoji_button(),
            rx.text_area(
                id="composer-input",
                name="text",
                value=ChatState.draft,
                # Reflex types a list of handlers as needing one argument spec;
                # each of these is valid for a text area's change on its own.
                on_change=[
                    ChatState.set_draft,  # pyright: ignore[reportArgumentType]
                    ChatState.typing_stopped.debounce(TYPING_IDLE_MS),
                ],
                placeholder=t("Write a message"),
                aria_label=t("Message"),
                rows="1",
                enter_key_submit=True,
                # Grows with its text up to a limit and shrinks back once sent
                # (``field-sizing`` in assets/chat.css).
                flex="1",
                min_width="0",
                size="3",
            ),
            rx.button(
                rx.icon("send", size=16),
                button_label(t("Send")),
                id="send-button",
                type="submit",
                size="3",
                aria_label=t("Send"),
                title=t("Send"),
                disabled=ChatState.draft.length() > MAX_LENGTH,
            ),
            align="end",
            width="100%",
            spacing="2",
        ),
        length_counter(),
        id="composer-form",
        on_submit=ChatState.send,
        # Phones: a narrower margin, for the text box (see also assets/chat.css).
        padding=["0.75rem 0.5rem", "0.75rem 1rem"],
        border_top=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )
