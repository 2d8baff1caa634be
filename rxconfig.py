"""Reflex configuration; the chat's own settings live in chat_app/settings.py."""

import os

import reflex as rx
from reflex.constants import StateManagerMode

from chat_app.settings import get_settings

# Notice a lost network within about 8 s (Reflex's default is 145 s), so presence
# is true: see chat_app/upkeep.py.
os.environ.setdefault("REFLEX_SOCKET_INTERVAL", "4")
os.environ.setdefault("REFLEX_SOCKET_TIMEOUT", "4")

# One process keeps its tabs' states in memory: the chat's truth is in the
# database, and a tab whose state is lost (a restart) hydrates and enters again.
# Reflex's default without Redis, the disk manager, pickles every state after
# every event and lists the whole folder on each write cycle. With Redis
# (several workers), Reflex keeps them in Redis.
MODE = StateManagerMode.REDIS if get_settings().redis_url else StateManagerMode.MEMORY

config = rx.Config(
    app_name="chat_app",
    telemetry_enabled=False,
    # Which web pages may call the API and open the socket: CHAT_ALLOWED_ORIGINS.
    # Reflex applies it to its CORS headers (its routes and the mounted API) and
    # to the socket's handshake.
    cors_allowed_origins=get_settings().cors_allowed_origins(),
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="iris", radius="large", panel_background="solid"
            )
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    state_manager_mode=MODE,
)
