"""Create the Reflex app and register its pages."""

import reflex as rx

from chat_app.pages.chat import chat_page

app = rx.App(stylesheets=["/chat.css"])
app.add_page(chat_page, route="/", title="Chat")
