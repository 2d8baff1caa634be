"""The new-room dialog: name, topic, public or private; and public rooms to join."""

import reflex as rx

from chat_app.components.dialog_parts import dialog_error, form_buttons, labelled_input
from chat_app.components.words import t
from chat_app.domain.conversations import NAME_MAX, TOPIC_MAX
from chat_app.rooms.overview import Overview
from chat_app.states.conversations import ConversationsState


def public_room(row: rx.vars.ObjectVar[Overview]) -> rx.Component:
    """A public room one has not joined: its name and topic, a link into it.

    Args:
        row: The room.

    Returns:
        A link with id ``public-room-<slug>``.
    """
    return rx.link(
        rx.icon("hash", size=14),
        rx.text(row.name, weight="medium"),
        rx.text(row.text, size="1", color_scheme="gray", high_contrast=True),
        href="/rooms/" + row.slug.to(str),
        id="public-room-" + row.slug.to(str),
        display="flex",
        align_items="center",
        gap="0.5rem",
        on_click=ConversationsState.set_new_room_open(False),
    )


def new_room_form() -> rx.Component:
    """The form that creates a room.

    Returns:
        The form with ``#new-room-name``, ``#new-room-private`` and
        ``#new-room-submit``.
    """
    return rx.form(
        rx.vstack(
            labelled_input(
                t("Name"),
                id="new-room-name",
                name="name",
                max_length=NAME_MAX,
                required=True,
            ),
            labelled_input(
                t("Topic (optional)"),
                id="new-room-topic",
                name="topic",
                max_length=TOPIC_MAX,
            ),
            rx.text(
                rx.flex(
                    # Radix's checkbox is a button: named by its label's text.
                    rx.checkbox(
                        id="new-room-private",
                        name="private",
                        aria_labelledby="new-room-private-label",
                    ),
                    rx.el.span(
                        t("Private: only people you invite see it"),
                        id="new-room-private-label",
                    ),
                    spacing="2",
                    align="center",
                ),
                as_="label",
                size="2",
            ),
            form_buttons(t("Create"), "new-room-submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=ConversationsState.create_room,
        reset_on_submit=False,
        width="100%",
    )


def new_room_dialog() -> rx.Component:
    """The "new room" button and its dialog.

    Returns:
        A dialog with id ``new-room-dialog``.
    """
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("plus", size=16),
                id="new-room-button",
                type="button",
                variant="ghost",
                size="1",
                aria_label=t("New room"),
                title=t("New room"),
            )
        ),
        rx.dialog.content(
            rx.dialog.title(t("New room")),
            rx.dialog.description(
                t("A room for a topic or a team; you can invite people to it."),
                size="2",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.vstack(
                dialog_error("new-room-error"),
                new_room_form(),
                rx.cond(
                    ConversationsState.public_rooms.length() > 0,
                    rx.vstack(
                        rx.separator(),
                        rx.heading(t("Public rooms"), size="2", as_="h3"),
                        rx.foreach(ConversationsState.public_rooms, public_room),
                        spacing="2",
                        width="100%",
                        id="public-rooms",
                    ),
                ),
                spacing="3",
                margin_top="1rem",
                width="100%",
            ),
            id="new-room-dialog",
            max_width="28rem",
        ),
        open=ConversationsState.new_room_open,
        on_open_change=ConversationsState.set_new_room_open,
    )
