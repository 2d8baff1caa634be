"""The login and registration forms."""

from typing import Literal

import reflex as rx

from chat_app.components.brand import brand_mark
from chat_app.components.language_switch import language_switch
from chat_app.components.words import t
from chat_app.domain.validation import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PASSWORD_MAX_BYTES,
    PASSWORD_MIN_BYTES,
    USERNAME_MAX_LENGTH,
)
from chat_app.states.auth import AuthState

# Until the page is connected a submit would be lost.
WAITING = rx.cond(rx.State.is_hydrated, False, True)


def auth_error() -> rx.Component:
    """The reason the last login or registration was refused.

    Returns:
        An alert with id ``auth-error``, present only while there is one.
    """
    return rx.cond(
        AuthState.auth_error != "",
        rx.callout(
            AuthState.auth_error,
            icon="triangle-alert",
            id="auth-error",
            role="alert",
            color_scheme="red",
            size="1",
            width="100%",
        ),
    )


def labelled_field(
    label: rx.Var[str],
    name: str,
    element_id: str,
    *,
    input_type: Literal["text", "email", "password"] = "text",
    autocomplete: str,
    max_length: int,
    hint: rx.Var[str] | None = None,
) -> rx.Component:
    """A labelled input that is marked invalid when the server refused it.

    Args:
        label: The visible label.
        name: The form field's name.
        element_id: The input's id.
        input_type: The HTML input type.
        autocomplete: The autocomplete hint for password managers.
        max_length: The most characters the input takes.
        hint: A line of help under the input.

    Returns:
        The label, the input and the hint.
    """
    return rx.vstack(
        rx.el.label(label, html_for=element_id, font_weight="500", font_size="14px"),
        rx.input(
            id=element_id,
            name=name,
            type=input_type,
            auto_complete=autocomplete,
            max_length=max_length,
            required=True,
            size="3",
            width="100%",
            custom_attrs={
                "aria-invalid": rx.cond(AuthState.auth_field == name, "true", "false")
            },
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint is not None else None,
        spacing="1",
        width="100%",
    )


def auth_card(
    title: rx.Var[str],
    subtitle: rx.Var[str],
    form: rx.Component,
    footer: rx.Component,
):
    """The centred card both auth pages use.

    Args:
        title: The heading.
        subtitle: A line under it.
        form: The form.
        footer: The link to the other page.

    Returns:
        The page body.
    """
    return rx.center(
        rx.card(
            rx.vstack(
                rx.flex(
                    brand_mark(),
                    language_switch(),
                    justify="between",
                    align="center",
                    width="100%",
                ),
                rx.text(
                    t("Your team's rooms, in real time."),
                    color_scheme="gray",
                    size="2",
                ),
                rx.heading(title, size="7", margin_top="0.5rem"),
                rx.text(subtitle, color_scheme="gray"),
                auth_error(),
                form,
                footer,
                spacing="4",
                width="100%",
            ),
            width="min(26rem, 92vw)",
            size="4",
        ),
        min_height="100dvh",
        padding="1rem",
        class_name="auth-backdrop",
    )


def submit_button(label: rx.Var[str], element_id: str) -> rx.Component:
    """The submit button, disabled until the page is connected and hydrated.

    Args:
        label: Its text.
        element_id: Its id.

    Returns:
        The button.
    """
    return rx.button(
        label,
        id=element_id,
        type="submit",
        size="3",
        width="100%",
        loading=WAITING,
        disabled=WAITING,
    )


def login_form() -> rx.Component:
    """Log in with a username or email and a password.

    Returns:
        The login card.
    """
    return auth_card(
        t("Log in"),
        t("Log in to chat with your team."),
        rx.form(
            rx.vstack(
                labelled_field(
                    t("Username or email"),
                    "login",
                    "login-login",
                    autocomplete="username",
                    max_length=EMAIL_MAX_LENGTH,
                ),
                labelled_field(
                    t("Password"),
                    "password",
                    "login-password",
                    input_type="password",
                    autocomplete="current-password",
                    max_length=PASSWORD_MAX_BYTES,
                ),
                submit_button(t("Log in"), "login-submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.log_in,
            width="100%",
        ),
        rx.text(
            t("No account yet?"),
            " ",
            rx.link(
                t("Create one"), href="/register", id="to-register", underline="always"
            ),
            size="2",
        ),
    )


def register_form() -> rx.Component:
    """Create an account: name, username, email and password.

    Returns:
        The registration card.
    """
    return auth_card(
        t("Create an account"),
        t("Your username is how people see you in the rooms."),
        rx.form(
            rx.vstack(
                labelled_field(
                    t("Name"),
                    "name",
                    "register-name",
                    autocomplete="name",
                    max_length=NAME_MAX_LENGTH,
                ),
                labelled_field(
                    t("Username"),
                    "username",
                    "register-username",
                    autocomplete="username",
                    max_length=USERNAME_MAX_LENGTH,
                    hint=t(
                        "Letters, digits, '.', '_' and '-'; up to {limit}.",
                        limit=USERNAME_MAX_LENGTH,
                    ),
                ),
                labelled_field(
                    t("Email"),
                    "email",
                    "register-email",
                    input_type="email",
                    autocomplete="email",
                    max_length=EMAIL_MAX_LENGTH,
                ),
                labelled_field(
                    t("Password"),
                    "password",
                    "register-password",
                    input_type="password",
                    autocomplete="new-password",
                    max_length=PASSWORD_MAX_BYTES,
                    hint=t(
                        "{least} to {most} characters.",
                        least=PASSWORD_MIN_BYTES,
                        most=PASSWORD_MAX_BYTES,
                    ),
                ),
                submit_button(t("Create account"), "register-submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.sign_up,
            width="100%",
        ),
        rx.text(
            t("Already have an account?"),
            " ",
            rx.link(t("Log in"), href="/login", id="to-login", underline="always"),
            size="2",
        ),
    )
