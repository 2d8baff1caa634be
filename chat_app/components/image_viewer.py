"""The full-size picture viewer."""

import reflex as rx

from chat_app.components.words import t
from chat_app.states.dialogs import DialogState


def image_viewer() -> rx.Component:
    """Show the picture a reader clicked, as large as the screen allows.

    Returns:
        A dialog with id ``image-viewer``.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(DialogState.viewer_name, size="3"),
            rx.image(
                src=DialogState.viewer_url,
                alt=DialogState.viewer_name,
                max_width="100%",
                max_height="75vh",
                margin_x="auto",
                id="image-viewer-image",
            ),
            rx.flex(
                rx.link(
                    t("Open original"), href=DialogState.viewer_url, is_external=True
                ),
                rx.dialog.close(
                    rx.button(
                        t("Close"),
                        variant="soft",
                        high_contrast=True,
                        id="image-viewer-close",
                    )
                ),
                justify="between",
                align="center",
                margin_top="1rem",
            ),
            id="image-viewer",
            max_width="min(56rem, 95vw)",
        ),
        open=DialogState.viewer_url != "",
        on_open_change=DialogState.close_viewer,
    )
