"""Reflex configuration; the chat's own settings live in chat_app/settings.py."""

import reflex as rx

config = rx.Config(
    app_name="chat_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="teal", radius="large")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
