"""The admin screen's parts: the controls, the people with their buttons, the log."""

import reflex as rx

from chat_app.components.times import DAY_AND_TIME
from chat_app.components.words import t
from chat_app.domain.moderation import MAX_REASON_LENGTH, Entry, PersonStatus
from chat_app.states.admin import AdminState
from chat_app.states.locale import LocaleState


def admin_controls() -> rx.Component:
    """The search, the reason for the next action, and how long a mute lasts.

    Returns:
        A row of labelled fields.
    """
    return rx.flex(
        rx.vstack(
            rx.el.label(t("Find people"), html_for="admin-search"),
            rx.input(
                id="admin-search",
                placeholder=t("Start of a username or name"),
                default_value=AdminState.query,
                on_change=AdminState.search.debounce(300),
                max_length=64,
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label(t("Reason (optional)"), html_for="admin-reason"),
            rx.input(
                id="admin-reason",
                # Kept when the field is left, so before a button's click.
                default_value=AdminState.reason,
                on_blur=AdminState.set_reason,
                max_length=MAX_REASON_LENGTH,
                width="20rem",
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label(t("Mute for"), html_for="mute-choice"),
            rx.el.select(
                rx.el.option(t("10 minutes"), value="10m"),
                rx.el.option(t("1 hour"), value="1h"),
                rx.el.option(t("1 day"), value="1d"),
                id="mute-choice",
                value=AdminState.mute_choice,
                on_change=AdminState.set_mute_choice,
                class_name="language-switch",
            ),
            spacing="1",
        ),
        gap="1rem",
        wrap="wrap",
        align="end",
    )


def person_status(person: rx.vars.ObjectVar[PersonStatus]) -> rx.Component:
    """What a person's state is: administrator, banned, muted until when.

    Args:
        person: The person.

    Returns:
        A short text.
    """
    until = DAY_AND_TIME.call(person.muted_until_ms, LocaleState.lang).to(str)
    status = rx.cond(
        person.admin,
        t("Administrator"),
        rx.cond(
            person.banned,
            t("Banned"),
            rx.cond(
                person.muted_until_ms.to(int) > 0,
                t("Muted until {time}", time=until),
                "",
            ),
        ),
    )
    return rx.text(status, size="2")


def person_buttons(person: rx.vars.ObjectVar[PersonStatus]) -> rx.Component:
    """Ban or unban, mute or unmute one person (none for an administrator).

    Args:
        person: The person.

    Returns:
        The buttons.
    """
    name = person.username.to(str)
    return rx.cond(
        person.admin,
        rx.fragment(),
        rx.flex(
            rx.cond(
                person.banned,
                rx.button(
                    t("Unban"),
                    id="unban-" + name,
                    size="1",
                    variant="soft",
                    on_click=AdminState.unban(person.username),
                ),
                rx.button(
                    t("Ban"),
                    id="ban-" + name,
                    size="1",
                    color_scheme="red",
                    high_contrast=True,
                    on_click=AdminState.ban(person.username),
                ),
            ),
            rx.cond(
                person.muted_until_ms.to(int) > 0,
                rx.button(
                    t("Unmute"),
                    id="unmute-" + name,
                    size="1",
                    variant="soft",
                    on_click=AdminState.unmute(person.username),
                ),
                rx.button(
                    t("Mute"),
                    id="mute-" + name,
                    size="1",
                    variant="soft",
                    color_scheme="orange",
                    high_contrast=True,
                    on_click=AdminState.mute(person.username),
                ),
            ),
            gap="0.5rem",
        ),
    )


def admin_table(headers: list, body: rx.Component, id_: str) -> rx.Component:
    """A small table of the admin screen: its column headers over its rows.

    Args:
        headers: What each column header says.
        body: The rows.
        id_: The table's id.

    Returns:
        The table.
    """
    return rx.table.root(
        rx.table.header(
            rx.table.row(*(rx.table.column_header_cell(text) for text in headers))
        ),
        rx.table.body(body),
        id=id_,
        size="1",
        width="100%",
    )


def person_row(person: rx.vars.ObjectVar[PersonStatus]) -> rx.Component:
    """One person found: their names, state and the buttons to act on them.

    Args:
        person: The person.

    Returns:
        A table row carrying ``data-username``.
    """
    return rx.table.row(
        rx.table.row_header_cell(person.username),
        rx.table.cell(person.name),
        rx.table.cell(person_status(person)),
        rx.table.cell(person_buttons(person)),
        custom_attrs={"data-username": person.username},
    )


def people_table() -> rx.Component:
    """The people found, with their state and the buttons to act on them.

    Returns:
        A table with id ``admin-people``.
    """
    return admin_table(
        [t("Username"), t("Name"), t("State"), t("Actions")],
        rx.foreach(AdminState.people, person_row),
        "admin-people",
    )


def action_label(entry: rx.vars.ObjectVar[Entry]) -> rx.Component:
    """What was done, in the tab's language.

    Args:
        entry: The log's entry.

    Returns:
        The words.
    """
    return rx.el.span(
        rx.match(
            entry.action,
            ("delete", t("Removed a message")),
            ("ban", t("Banned")),
            ("unban", t("Unbanned")),
            ("mute", t("Muted")),
            ("unmute", t("Unmuted")),
            ("remove", t("Removed from a private room")),
            entry.action,
        )
    )


def entry_row(entry: rx.vars.ObjectVar[Entry]) -> rx.Component:
    """One line of the moderation log.

    Args:
        entry: The action.

    Returns:
        A table row.
    """
    until = DAY_AND_TIME.call(entry.until_ms, LocaleState.lang).to(str)
    return rx.table.row(
        rx.table.cell(DAY_AND_TIME.call(entry.at_ms, LocaleState.lang).to(str)),
        rx.table.cell(entry.admin),
        rx.table.cell(
            action_label(entry),
            rx.cond(
                entry.seq.to(int) > 0,
                rx.el.span(" · ", entry.room, " #", entry.seq),
            ),
            rx.cond(
                entry.until_ms.to(int) > 0,
                rx.el.span(" · ", t("until {time}", time=until)),
            ),
        ),
        rx.table.cell(entry.target),
        rx.table.cell(entry.reason),
        custom_attrs={"data-action": entry.action, "data-target": entry.target},
    )


def moderation_log() -> rx.Component:
    """The moderation actions, newest first.

    Returns:
        A table with id ``moderation-log``.
    """
    return admin_table(
        [t("When"), t("Administrator"), t("Action"), t("Person"), t("Reason")],
        rx.foreach(AdminState.entries, entry_row),
        "moderation-log",
    )
