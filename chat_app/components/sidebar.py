"""The left sidebar: rooms, people present, the user's own controls."""

import reflex as rx

from chat_app.components.brand import brand_mark
from chat_app.components.language_switch import language_switch
from chat_app.components.profile_dialog import profile_dialog
from chat_app.components.rooms_menu import rooms_menu
from chat_app.components.users_menu import users_menu
from chat_app.components.words import t
from chat_app.states.chat import ChatState


def theme_toggle() -> rx.Component:
    """Switch between the light and the dark theme.

    Returns:
        An icon button.
    """
    return rx.icon_button(
        rx.color_mode_cond(
            light=rx.icon("moon", size=16), dark=rx.icon("sun", size=16)
        ),
        on_click=rx.toggle_color_mode,
        variant="ghost",
        aria_label=t("Toggle dark theme"),
        id="theme-toggle",
    )


def sidebar() -> rx.Component:
    """The sidebar's content, shown beside the messages or as a drawer on phones.

    Returns:
        A column with one's profile button, the rooms menu, the users menu, and
        the leave and logout buttons.
        On phones it also has a button that closes the drawer.
    """
    return rx.vstack(
        # The mark and the page's own controls on one row; one's profile under it,
        # with room for the whole name.
        rx.hstack(
            brand_mark(size="1.5rem", text_size="4"),
            rx.spacer(),
            language_switch(),
            theme_toggle(),
            rx.icon_button(
                rx.icon("x", size=16),
                on_click=ChatState.toggle_sidebar,
                variant="ghost",
                aria_label=t("Close the menu"),
                id="sidebar-close",
                display=["flex", "flex", "none"],
            ),
            align="center",
            width="100%",
        ),
        profile_dialog(),
        rx.separator(),
        rooms_menu(),
        rx.separator(),
        rx.box(
            rx.cond(ChatState.room_slug != "", users_menu()),
            flex="1",
            overflow_y="auto",
            width="100%",
        ),
        rx.hstack(
            rx.cond(
                ChatState.room_slug != "",
                rx.button(
                    rx.icon("door-open", size=16),
                    t("Leave"),
                    id="leave-button",
                    variant="soft",
                    color_scheme="gray",
                    flex="1",
                    white_space="nowrap",
                    on_click=ChatState.leave_room,
                ),
            ),
            rx.button(
                rx.icon("log-out", size=16),
                t("Log out"),
                id="logout-button",
                variant="soft",
                color_scheme="red",
                high_contrast=True,
                flex="1",
                white_space="nowrap",
                on_click=ChatState.log_out,
            ),
            width="100%",
        ),
        spacing="3",
        padding="1rem",
        height="100%",
        width="100%",
    )
