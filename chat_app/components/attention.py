"""The bell in the room's header: what the person is told of, and the browser's side.

Beside it, a hidden element holds what ``assets/attention.js`` needs to keep the
tab's title and icon, notifications and sound: the rooms' counts, the settings,
the latest mention notice and the words it shows, in the tab's language.
"""

import reflex as rx

from chat_app.components.brand import PRODUCT_NAME
from chat_app.components.words import t, t_raw
from chat_app.domain.attention import PREVIEW_LENGTH
from chat_app.realtime.notices import NoticeState
from chat_app.realtime.view_vars import latest_numbers
from chat_app.realtime.views import RoomViewState
from chat_app.states.attention import AttentionState
from chat_app.states.chat import ChatState


def on_off(value: rx.Var[bool]) -> rx.Var[str]:
    """A setting as a data attribute reads it.

    Args:
        value: The setting.

    Returns:
        ``"true"`` or ``"false"``.
    """
    return rx.cond(value, "true", "false").to(str)


def attention_data() -> rx.Component:
    """The hidden element ``#attention-data`` that ``assets/attention.js`` reads.

    Its mounting loads the person's settings.

    Returns:
        The element.
    """
    return rx.el.div(
        id="attention-data",
        hidden=True,
        on_mount=AttentionState.load,
        custom_attrs={
            "data-user": ChatState.username,
            "data-room": ChatState.room_slug,
            "data-room-name": ChatState.room_name,
            "data-product": PRODUCT_NAME,
            "data-latest": latest_numbers().to_string(),
            "data-last-read": RoomViewState.last_read.to_string(),
            "data-mentioned": RoomViewState.mentioned.to_string(),
            "data-notice": NoticeState.mention.to_string(),
            "data-notify": AttentionState.notify,
            "data-preview": on_off(AttentionState.preview),
            "data-sound": on_off(AttentionState.sound),
            "data-preview-length": str(PREVIEW_LENGTH),
            # What attention.js writes, in the tab's language ({named} its own).
            "data-text-message": t_raw("{author} in {room}"),
            "data-text-mention": t_raw("{author} mentioned you in {room}"),
            "data-text-new": t_raw("New message"),
            "data-text-mentioned": t_raw("Mentioned you"),
        },
    )


def choice(value: str, label: rx.Var[str]) -> rx.Component:
    """One option of what the person is told of.

    Args:
        value: One of ``domain.attention.NOTIFY_CHOICES``.
        label: What it says.

    Returns:
        A labelled radio button carrying ``value``.
    """
    return rx.text(
        rx.flex(rx.radio_group.item(value=value), label, spacing="2", align="center"),
        as_="label",
        size="2",
    )


def switch(
    control_id: str, label: rx.Var[str], checked: rx.Var[bool], on_change
) -> rx.Component:
    """An on/off setting with its label.

    Args:
        control_id: The switch's id.
        label: What it says.
        checked: The setting.
        on_change: The handler saving it.

    Returns:
        A labelled switch.
    """
    return rx.text(
        rx.flex(
            rx.switch(id=control_id, checked=checked, on_change=on_change),
            label,
            spacing="2",
            align="center",
        ),
        as_="label",
        size="2",
    )


def permission_state(text: rx.Var | str, permission: str) -> rx.Component:
    """What the bell says for one state of the browser's permission (hidden).

    Args:
        text: The words.
        permission: The state (``granted``, ``denied``, ``unsupported``).

    Returns:
        A line with class ``permission-<state>``, shown by attention.js.
    """
    return rx.text(text, class_name=f"permission-{permission}", size="1", hidden=True)


def permission_line() -> rx.Component:
    """The browser's permission: a button that asks for it, or what it is.

    ``assets/attention.js`` shows the part that fits ``Notification.permission``
    and asks when the button is pressed (never on its own).

    Returns:
        The line, with id ``notification-permission``.
    """
    return rx.box(
        rx.button(
            rx.icon("bell-ring", size=14),
            t("Allow notifications in this browser"),
            id="permission-button",
            type="button",
            size="1",
            variant="soft",
            hidden=True,
        ),
        permission_state(t("This browser shows the chat's notifications."), "granted"),
        permission_state(
            t(
                "This browser blocks the chat's notifications: allow them in its "
                "site settings."
            ),
            "denied",
        ),
        permission_state(t("This browser cannot show notifications."), "unsupported"),
        id="notification-permission",
    )


def attention_controls() -> rx.Component:
    """The bell and its settings, and the hidden element attention.js reads.

    Returns:
        The button with id ``attention-button`` and its popover
        (``#notification-settings``, ``#preview-toggle``, ``#sound-toggle``).
    """
    return rx.box(
        attention_data(),
        rx.popover.root(
            rx.popover.trigger(
                rx.icon_button(
                    rx.icon("bell", size=18),
                    id="attention-button",
                    variant="ghost",
                    aria_label=t("Notifications"),
                    title=t("Notifications"),
                ),
            ),
            rx.popover.content(
                rx.flex(
                    rx.heading(t("Notifications"), size="2", as_="h2"),
                    rx.radio_group.root(
                        rx.flex(
                            choice("all", t("All messages and mentions")),
                            choice("mentions", t("Mentions only")),
                            choice("off", t("No notifications")),
                            direction="column",
                            spacing="2",
                        ),
                        id="notification-settings",
                        value=AttentionState.notify,
                        on_change=AttentionState.choose,
                        aria_label=t("Notify me of"),
                    ),
                    rx.separator(size="4"),
                    switch(
                        "preview-toggle",
                        t("Show the message's text"),
                        AttentionState.preview,
                        AttentionState.show_preview,
                    ),
                    switch(
                        "sound-toggle",
                        t("Play a sound"),
                        AttentionState.sound,
                        AttentionState.play_sound,
                    ),
                    permission_line(),
                    direction="column",
                    spacing="3",
                ),
                id="attention-popover",
                aria_label=t("Notifications"),
                align="end",
                collision_padding=8,
                max_width="20rem",
            ),
        ),
        # At the header's far end.
        margin_left="auto",
        flex_shrink="0",
    )
