"""Create the Reflex app and register its pages."""

import reflex as rx

from chat_app import logs, upkeep
from chat_app.api.routes import create_api
from chat_app.pages.auth import login_page, register_page
from chat_app.pages.chat import chat_page
from chat_app.realtime import hub, pressure, views
from chat_app.realtime.events import ConnectionIds, log_backend_exception
from chat_app.settings import get_settings
from chat_app.states.auth import AuthState
from chat_app.states.chat import OPEN_CHAT_EVENT, ChatState

settings = get_settings()
logs.configure(settings.log_level, settings.log_format_in_effect())
# Refuse to start with a missing or weak secret in production.
settings.signing_secret()

app = rx.App(
    stylesheets=["/chat.css"],
    head_components=[rx.script(src="/chat.js")],
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
app.register_lifespan_task(views.pass_on_unread_counts)
app.register_lifespan_task(pressure.watch_the_loop)
app.add_page(
    chat_page,
    route="/",
    title="Chat",
    on_load=ChatState.open_chat,
)
app.add_page(
    login_page,
    route="/login",
    title="Log in",
    on_load=AuthState.skip_if_signed_in,
)
app.add_page(
    register_page,
    route="/register",
    title="Create an account",
    on_load=AuthState.skip_if_signed_in,
)
