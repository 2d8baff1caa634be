"""Create the Reflex app and register its pages."""

import reflex as rx

from chat_app import i18n, logs, upkeep
from chat_app.api.routes import create_api
from chat_app.pages.admin import admin_page
from chat_app.pages.auth import login_page, register_page
from chat_app.pages.chat import chat_page
from chat_app.realtime import activity, hub, pressure, receipts
from chat_app.realtime.events import ConnectionIds, log_backend_exception
from chat_app.settings import get_settings
from chat_app.states.admin import AdminState
from chat_app.states.auth import AuthState
from chat_app.states.chat import OPEN_CHAT_EVENT
from chat_app.states.locale import LocaleState
from chat_app.states.reading import REFRESH_SEEN_BY_EVENT
from chat_app.states.room_addresses import AddressState
from chat_app.states.search import SearchState  # noqa: F401 (its events)

settings = get_settings()
logs.configure(settings.log_level, settings.log_format_in_effect())
# Refuse to start with a missing or weak secret in production.
settings.signing_secret()

app = rx.App(
    # Until the page knows its language (assets/chat.js then follows it).
    html_lang=i18n.DEFAULT_LANGUAGE,
    stylesheets=["/chat.css"],
    head_components=[
        rx.script(src="/chat.js"),
        rx.script(src="/mentions.js"),
        rx.script(src="/profile.js"),
        rx.script(src="/attention.js"),
        rx.script(src="/reading.js"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
    ],
    api_transformer=create_api(),
    backend_exception_handler=log_backend_exception,
)
app.add_middleware(ConnectionIds(), index=0)
app.register_lifespan_task(upkeep.announce_start)
# After Redis comes back, tabs are shown their room again: they missed broadcasts.
app.register_lifespan_task(hub.relay, on_reconnect=[OPEN_CHAT_EVENT])
# Tabs whose session ended are taken out of their room and sent to log in.
app.register_lifespan_task(upkeep.keep_presence_true, on_evict=[OPEN_CHAT_EVENT])
app.register_lifespan_task(upkeep.clean_up_regularly)
app.register_lifespan_task(activity.pass_on_activity)
app.register_lifespan_task(pressure.watch_the_loop)
# How far tabs read, written once a second; authors' open "seen by" follows.
app.register_lifespan_task(receipts.flush_reads, on_seen=[REFRESH_SEEN_BY_EVENT])
# A room's address and a message's; "/" goes to the user's room's address.
for route in ("/", "/rooms/[room]", "/rooms/[room]/[number]"):
    app.add_page(
        chat_page,
        route=route,
        title="Prosa",
        on_load=[LocaleState.settle, AddressState.open_address],
    )
# Administrators only: the page checks on load, and every handler again.
app.add_page(
    admin_page,
    route="/admin",
    title="Prosa",
    on_load=[LocaleState.settle, AdminState.load],
)
app.add_page(
    login_page,
    route="/login",
    title="Prosa",
    on_load=[LocaleState.settle, AuthState.skip_if_signed_in],
)
app.add_page(
    register_page,
    route="/register",
    title="Prosa",
    on_load=[LocaleState.settle, AuthState.skip_if_signed_in],
)
