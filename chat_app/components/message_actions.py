"""What a reader can do with a message: its toolbar, its reactions, the delete check.

The toolbar shows while the pointer is over a message or it holds the focus (a
tap on a phone, Tab on a keyboard); ``assets/chat.js`` adds the keyboard
shortcuts of a focused message (R reply, E edit, Delete).
"""

import reflex as rx

from chat_app.components.emoji_picker import emoji_picker
from chat_app.components.words import t
from chat_app.domain.actions import QUICK_REACTIONS
from chat_app.domain.messages import ChatMessage, ReactionChip
from chat_app.states.actions import MessageActionsState
from chat_app.states.chat import ChatState

# Radix closes the open popover on an Escape keydown at the document.
CLOSE_POPOVER = (
    "document.dispatchEvent(new KeyboardEvent('keydown', "
    "{key: 'Escape', bubbles: true}))"
)


def reaction_chip(
    number: rx.Var[int], chip: rx.vars.ObjectVar[ReactionChip]
) -> rx.Component:
    """One emoji with its count; a click adds or takes back one's own.

    Args:
        number: The message's number.
        chip: The reaction.

    Returns:
        A toggle button listing who reacted in its tooltip.
    """
    mine = chip.users.contains(ChatState.username)
    names = chip.users.join(", ")
    return rx.el.button(
        rx.el.span(chip.emoji, aria_hidden="true"),
        rx.el.span(chip.count, class_name="reaction-count", aria_hidden="true"),
        rx.el.span(
            t("{emoji} by {names}", emoji=chip.emoji, names=names),
            class_name="sr-only",
        ),
        type="button",
        class_name="reaction",
        title=names,
        aria_pressed=rx.cond(mine, "true", "false"),
        custom_attrs={
            "data-reaction": chip.emoji,
            "data-count": chip.count,
            "data-mine": rx.cond(mine, "true", "false"),
        },
        on_click=MessageActionsState.react(number, chip.emoji),
    )


def reaction_chips(message: rx.vars.ObjectVar[ChatMessage]) -> rx.Component:
    """A message's reactions, in the order they first came.

    Args:
        message: The message.

    Returns:
        The row of chips.
    """
    return rx.flex(
        rx.foreach(message.reactions, lambda chip: reaction_chip(message.id, chip)),
        class_name="reactions",
        wrap="wrap",
        gap="0.25rem",
        padding_top="0.25rem",
    )


def action_button(icon: str, label: rx.Var[str], action: str, **props) -> rx.Component:
    """One of a message's actions, as an icon button named for screen readers.

    Args:
        icon: The Lucide icon.
        label: Its accessible name and tooltip.
        action: ``reply``, ``edit``, ``delete`` or ``react`` (``data-action``).
        **props: The click handler and the like.

    Returns:
        The button.
    """
    return rx.el.button(
        rx.icon(icon, size=15),
        type="button",
        class_name="message-action",
        aria_label=label,
        title=label,
        custom_attrs={"data-action": action},
        **props,
    )


def reaction_picker(number: rx.Var[int]) -> rx.Component:
    """The quick reactions and the full emoji picker, behind the react button.

    Args:
        number: The message's number.

    Returns:
        A popover.
    """
    return rx.popover.root(
        rx.popover.trigger(action_button("smile-plus", t("React"), "react")),
        rx.popover.content(
            rx.flex(
                *[
                    rx.popover.close(
                        rx.el.button(
                            emoji,
                            type="button",
                            class_name="quick-reaction",
                            aria_label=emoji,
                            custom_attrs={"data-emoji": emoji},
                            on_click=MessageActionsState.react(number, emoji),
                        )
                    )
                    for emoji in QUICK_REACTIONS
                ],
                gap="0.25rem",
                padding_bottom="0.5rem",
            ),
            emoji_picker(
                lambda emoji: [
                    MessageActionsState.react(number, emoji),
                    # The popover closes on Escape, as after a quick reaction.
                    rx.call_script(CLOSE_POPOVER),
                ]
            ),
            aria_label=t("React"),
            padding="0.5rem",
        ),
    )


def message_actions(
    message: rx.vars.ObjectVar[ChatMessage], own: rx.Var[bool]
) -> rx.Component:
    """The toolbar over a message: reply, react, and for one's own, edit and delete.

    An administrator may delete anyone's message too (removed by moderation).

    Args:
        message: The message.
        own: Whether the reader wrote it.

    Returns:
        The toolbar.
    """
    return rx.flex(
        action_button(
            "reply",
            t("Reply"),
            "reply",
            on_click=MessageActionsState.start_reply(message.id),
        ),
        reaction_picker(message.id),
        rx.cond(
            own,
            action_button(
                "pencil",
                t("Edit"),
                "edit",
                on_click=MessageActionsState.start_edit(message.id),
            ),
        ),
        rx.cond(
            own | ChatState.is_admin,
            action_button(
                "trash-2",
                t("Delete"),
                "delete",
                on_click=MessageActionsState.ask_delete(message.id),
            ),
        ),
        class_name="message-actions",
        role="toolbar",
        aria_label=t("Message actions"),
    )


def delete_confirmation() -> rx.Component:
    """The "Delete this message?" check, for the message whose button was pressed.

    Returns:
        The alert dialog.
    """
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("Delete this message?")),
            rx.alert_dialog.description(
                t(
                    "Everyone in the room will see that it was deleted; "
                    "its files go too."
                )
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(t("Cancel"), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        t("Delete"),
                        color_scheme="red",
                        # White on red 9 reads at 3.9:1; high contrast, above 4.5.
                        high_contrast=True,
                        id="confirm-delete",
                        on_click=MessageActionsState.delete_message,
                    )
                ),
                gap="0.75rem",
                justify="end",
                margin_top="1rem",
            ),
        ),
        open=MessageActionsState.confirm_delete > 0,
        on_open_change=MessageActionsState.cancel_delete,
    )
