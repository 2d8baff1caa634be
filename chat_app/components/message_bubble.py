"""One message in the list."""

import reflex as rx
from reflex.vars import FunctionStringVar

from chat_app.domain.messages import ChatMessage
from chat_app.state import ChatState

# Browsers format the server's timestamp in the reader's own time zone and locale.
LOCAL_TIME = FunctionStringVar.create(
    "((ms) => new Date(ms).toLocaleTimeString("
    "[], {hour: '2-digit', minute: '2-digit'}))"
)


def message_bubble(message: rx.Var[ChatMessage]) -> rx.Component:
    """Draw a message: own ones on the right in the accent colour, others on the left.

    Args:
        message: The message.

    Returns:
        A bubble carrying ``data-own`` and ``data-author``.
    """
    own = message.author == ChatState.username
    return rx.box(
        rx.cond(
            own,
            rx.fragment(),
            rx.text(
                message.author, size="1", weight="bold", color=rx.color("accent", 11)
            ),
        ),
        rx.text(message.text, white_space="pre-wrap", overflow_wrap="anywhere"),
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
        },
        align_self=rx.cond(own, "flex-end", "flex-start"),
        background=rx.cond(own, rx.color("accent", 4), rx.color("gray", 3)),
        border_radius="12px",
        padding="0.4rem 0.7rem",
        max_width="min(36rem, 80%)",
    )
