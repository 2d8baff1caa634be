"""The profile dialog: one's display name and picture, opened from the sidebar."""

import reflex as rx

from chat_app.components.dialog_parts import form_buttons
from chat_app.components.person import person_avatar
from chat_app.components.words import t
from chat_app.domain.files import size_text
from chat_app.domain.validation import NAME_MAX_LENGTH
from chat_app.settings import get_settings
from chat_app.states.chat import ChatState
from chat_app.states.profile import ProfileState

AVATAR_LIMIT = size_text(get_settings().max_avatar_bytes)
ACCEPTED = "image/png,image/jpeg,image/webp,image/gif"


def shown_name() -> rx.Var[str]:
    """The signed-in person's display name, or their username until it is known.

    Returns:
        The name.
    """
    return rx.cond(ProfileState.name != "", ProfileState.name, ChatState.username).to(
        str
    )


def profile_button() -> rx.Component:
    """One's own picture and name, opening the profile dialog (its tooltip says so).

    Returns:
        The button with id ``profile-button``.
    """
    return rx.button(
        person_avatar(ChatState.username, version=ProfileState.avatar_version),
        rx.el.span(
            shown_name(),
            font_weight="bold",
            white_space="nowrap",
            overflow="hidden",
            text_overflow="ellipsis",
            min_width="0",
        ),
        id="profile-button",
        type="button",
        variant="ghost",
        color_scheme="gray",
        high_contrast=True,
        width="100%",
        min_width="0",
        overflow="hidden",
        justify_content="flex-start",
        height="auto",
        padding="0.25rem",
        margin="0",
        aria_label=t("Edit your profile ({name})", name=shown_name()),
        title=t("Edit your profile"),
        on_mount=ProfileState.load,
    )


def avatar_picker() -> rx.Component:
    """The current picture, the one chosen (``assets/profile.js`` draws it), a button.

    The file input itself is hidden: its visible button opens it.

    Returns:
        The picker, with the input ``avatar-upload``.
    """
    return rx.hstack(
        person_avatar(
            ChatState.username, size="6", version=ProfileState.avatar_version
        ),
        rx.box(id="avatar-preview", class_name="avatar-preview"),
        rx.vstack(
            rx.button(
                rx.icon("image-up", size=16),
                t("Choose a picture"),
                id="avatar-choose",
                type="button",
                variant="soft",
                aria_describedby="avatar-hint",
                on_click=rx.call_script("window.prosaPickAvatar()"),
            ),
            rx.text(
                t("PNG, JPEG, WebP or GIF, up to {limit}.", limit=AVATAR_LIMIT),
                id="avatar-hint",
                size="1",
                color_scheme="gray",
                high_contrast=True,
            ),
            spacing="1",
            min_width="0",
        ),
        rx.el.input(
            type="file",
            id="avatar-upload",
            # Named, so Reflex does not treat the id as a form field's name.
            name="avatar-upload",
            accept=ACCEPTED,
            tab_index=-1,
            aria_hidden="true",
            style={"display": "none"},
            # What profile.js checks and says, in the tab's language.
            data_max_bytes=ProfileState.max_avatar_bytes,
            data_text_too_large=t(
                "That picture is larger than {limit}.", limit=AVATAR_LIMIT
            ),
            data_text_not_image=t(
                "That file is not a picture: choose a PNG, JPEG, WebP or GIF image."
            ),
            data_text_failed=t("The picture could not be uploaded."),
            data_text_preview=t("The picture you chose"),
        ),
        align="center",
        spacing="4",
        width="100%",
    )


def profile_form() -> rx.Component:
    """The display name, and the buttons that save or drop the changes.

    Returns:
        The form with id ``profile-form``.
    """
    return rx.form(
        rx.vstack(
            rx.el.label(t("Display name"), html_for="profile-name"),
            rx.input(
                id="profile-name",
                name="name",
                default_value=ProfileState.name,
                max_length=NAME_MAX_LENGTH,
                auto_complete="name",
                width="100%",
            ),
            spacing="1",
            width="100%",
        ),
        rx.box(
            form_buttons(t("Save"), "profile-save", "profile-cancel"),
            margin_top="1rem",
        ),
        id="profile-form",
        on_submit=ProfileState.save,
        width="100%",
    )


def profile_dialog() -> rx.Component:
    """The profile button and the dialog it opens.

    Returns:
        A dialog with id ``profile-dialog``, named by its title.
    """
    return rx.dialog.root(
        rx.dialog.trigger(profile_button()),
        rx.dialog.content(
            # The title keeps Radix's own id, which names the dialog.
            rx.dialog.title(t("Your profile")),
            rx.dialog.description(
                t("Your name and picture, as the others see them."),
                size="2",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.vstack(
                rx.cond(
                    ProfileState.error != "",
                    rx.callout(
                        ProfileState.error,
                        icon="triangle_alert",
                        color_scheme="red",
                        role="alert",
                        id="profile-error",
                        width="100%",
                    ),
                ),
                # Filled by profile.js when a picture is refused in the browser
                # or by the upload.
                rx.text(
                    id="avatar-error",
                    class_name="avatar-error",
                    role="alert",
                    size="2",
                    color_scheme="red",
                    high_contrast=True,
                ),
                avatar_picker(),
                profile_form(),
                spacing="3",
                margin_top="1rem",
                width="100%",
            ),
            id="profile-dialog",
            max_width="28rem",
        ),
        open=ProfileState.is_open,
        on_open_change=ProfileState.set_open,
    )
