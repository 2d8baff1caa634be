"""The full-size picture viewer."""

import reflex as rx

from chat_app.state import ChatState


def image_viewer() -> rx.Component:
    """Show the picture a reader clicked, as large as the screen allows.

    Returns:
        A dialog with id ``image-viewer``.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(ChatState.viewer_name, size="3"),
            rx.image(
                src=ChatState.viewer_url,
                alt=ChatState.viewer_name,
                max_width="100%",
                max_height="75vh",
                margin_x="auto",
                id="image-viewer-image",
            ),
            rx.flex(
                rx.link("Open original", href=ChatState.viewer_url, is_external=True),
                rx.dialog.close(
                    rx.button("Close", variant="soft", id="image-viewer-close")
                ),
                justify="between",
                align="center",
                margin_top="1rem",
            ),
            id="image-viewer",
            max_width="min(56rem, 95vw)",
        ),
        open=ChatState.viewer_url != "",
        on_open_change=ChatState.close_viewer,
    )
