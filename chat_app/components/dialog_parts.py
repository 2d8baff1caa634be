"""Parts every dialog of the chat uses: its error, labelled fields, its buttons."""

import reflex as rx

from chat_app.components.words import t
from chat_app.states.chat import ChatState


def dialog_error(id_: str) -> rx.Component:
    """The refusal of the last thing tried, inside a dialog (the banner is behind it).

    Args:
        id_: The callout's id.

    Returns:
        A red callout while there is an error.
    """
    return rx.cond(
        ChatState.error != "",
        rx.callout(
            ChatState.error,
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
            id=id_,
            width="100%",
        ),
    )


def labelled_input(label: rx.Var[str], **props) -> rx.Component:
    """A text field with its label above it.

    Args:
        label: What the label says.
        **props: The input's props (``id`` and ``name`` among them).

    Returns:
        A column with the label and the input.
    """
    return rx.vstack(
        rx.el.label(label, html_for=props["id"]),
        rx.input(width="100%", **props),
        spacing="1",
        width="100%",
    )


def form_buttons(
    submit: rx.Var[str], submit_id: str, cancel_id: str | None = None
) -> rx.Component:
    """A dialog form's Cancel (closes the dialog) and submit buttons, at the end.

    Args:
        submit: What the submit button says.
        submit_id: Its id.
        cancel_id: The Cancel button's id, if tests need it.

    Returns:
        The row of buttons.
    """
    return rx.flex(
        rx.dialog.close(
            rx.button(
                t("Cancel"),
                type="button",
                variant="soft",
                color_scheme="gray",
                high_contrast=True,
                id=cancel_id,
            )
        ),
        rx.button(submit, type="submit", id=submit_id),
        justify="end",
        gap="3",
        width="100%",
    )
