"""A created room's settings: name and topic, members, inviting, archiving, leaving.

Only rooms people created have them; what the owner may change shows to the
owner only (the server checks again), the rest to every member.
"""

import reflex as rx

from chat_app.components.dialog_parts import dialog_error, labelled_input
from chat_app.components.person import person_avatar
from chat_app.components.words import t
from chat_app.domain.conversations import NAME_MAX, TOPIC_MAX
from chat_app.states.chat import ChatState
from chat_app.states.conversations import ConversationsState


def member_line(username: rx.vars.StringVar) -> rx.Component:
    """One member, with a button that removes them (owner of a private room).

    Args:
        username: The member.

    Returns:
        A row; the button has id ``remove-member-<username>``.
    """
    return rx.hstack(
        person_avatar(username, size="1"),
        rx.text(username, flex="1", truncate=True),
        rx.cond(
            ChatState.room_owned
            & ChatState.room_private
            & (username != ChatState.username),
            rx.button(
                t("Remove"),
                id="remove-member-" + username,
                type="button",
                size="1",
                variant="soft",
                color_scheme="red",
                high_contrast=True,
                aria_label=t("Remove {name} from the room", name=username),
                on_click=ConversationsState.remove_member(username),
            ),
        ),
        align="center",
        width="100%",
    )


def owner_forms() -> rx.Component:
    """What only the room's owner changes: name, topic, members, archiving.

    Returns:
        The forms, ``#invite-input`` and ``#invite-submit`` among them.
    """
    return rx.vstack(
        rx.form(
            rx.vstack(
                labelled_input(
                    t("Name"),
                    id="room-name-input",
                    name="name",
                    default_value=ChatState.room_name,
                    max_length=NAME_MAX,
                    required=True,
                ),
                labelled_input(
                    t("Topic"),
                    id="room-topic-input",
                    name="topic",
                    default_value=ChatState.room_topic,
                    max_length=TOPIC_MAX,
                ),
                rx.button(t("Save"), type="submit", id="room-save"),
                spacing="2",
                align="end",
                width="100%",
            ),
            on_submit=ConversationsState.change_room,
            reset_on_submit=False,
            width="100%",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    id="invite-input",
                    name="username",
                    placeholder=t("Username"),
                    aria_label=t("Username of the person to add"),
                    auto_complete="off",
                    flex="1",
                ),
                rx.button(t("Add"), type="submit", id="invite-submit"),
                width="100%",
            ),
            on_submit=ConversationsState.invite,
            reset_on_submit=True,
            width="100%",
        ),
        rx.button(
            rx.icon("archive", size=16),
            t("Archive the room"),
            id="archive-room",
            type="button",
            variant="soft",
            color_scheme="red",
            high_contrast=True,
            on_click=ConversationsState.archive_room,
        ),
        spacing="3",
        width="100%",
    )


def room_settings() -> rx.Component:
    """The settings button of a created room, and its dialog.

    Returns:
        A dialog with id ``room-settings``.
    """
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("settings", size=18),
                id="room-settings-button",
                type="button",
                variant="ghost",
                aria_label=t("Room settings"),
                title=t("Room settings"),
            )
        ),
        rx.dialog.content(
            rx.dialog.title(ChatState.room_name),
            rx.dialog.description(
                rx.cond(
                    ChatState.room_topic != "",
                    ChatState.room_topic,
                    t("Members and settings of the room."),
                ),
                size="2",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.vstack(
                dialog_error("room-settings-error"),
                rx.cond(ChatState.room_owned & ~ChatState.room_archived, owner_forms()),
                rx.heading(t("Members"), size="2", as_="h3"),
                rx.vstack(
                    rx.foreach(ConversationsState.members, member_line),
                    id="room-members",
                    spacing="1",
                    width="100%",
                ),
                rx.cond(
                    ~ChatState.room_owned,
                    rx.button(
                        rx.icon("log-out", size=16),
                        t("Leave the room"),
                        id="leave-membership",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        high_contrast=True,
                        on_click=ConversationsState.leave_membership,
                    ),
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            t("Close"),
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            high_contrast=True,
                        )
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                margin_top="1rem",
                width="100%",
            ),
            id="room-settings",
            max_width="28rem",
        ),
        open=ConversationsState.settings_open,
        on_open_change=ConversationsState.set_settings_open,
    )
