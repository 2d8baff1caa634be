"""The people ``@`` may mention, listed over the composer as the name is typed.

``assets/mentions.js`` runs it: it reads the ``@`` word at the cursor, asks the
server through the hidden ``mention-query`` field (``PeopleState.find``, after
a pause in typing), shows the list while it has people for that word, moves
the active option with the arrows and puts the chosen ``@username`` in the
text area (Tab, Enter or a click); Escape closes it.
"""

import reflex as rx

from chat_app.components.person import person_avatar
from chat_app.components.words import t
from chat_app.domain.people import Person
from chat_app.states.people import PeopleState

# A pause in typing this long asks the server (each key would be too many).
ASK_AFTER_MS = 150


def query_field() -> rx.Component:
    """The hidden field whose changes ask the server for people.

    mentions.js sets its value as a person typing would (so React's change
    handler runs); it is no form's field and never focused.

    Returns:
        The input with id ``mention-query``.
    """
    return rx.el.input(
        id="mention-query",
        name="mention-query",
        type="text",
        tab_index=-1,
        aria_hidden="true",
        style={"display": "none"},
        on_change=PeopleState.find.debounce(ASK_AFTER_MS),
    )


def mention_option(person: rx.vars.ObjectVar[Person]) -> rx.Component:
    """One person: picture, name, ``@username``, and whether they are here.

    Args:
        person: The person.

    Returns:
        An option with id ``mention-option-<username>`` and ``data-username``.
    """
    username = person.username.to(str)
    return rx.el.li(
        person_avatar(username, size="1", version=person.avatar),
        rx.el.span(person.name, class_name="mention-name"),
        rx.el.span("@" + username, class_name="mention-username"),
        rx.cond(
            person.member,
            rx.el.span(t("in this room"), class_name="mention-here"),
        ),
        id="mention-option-" + username,
        role="option",
        class_name="mention-option",
        custom_attrs={
            "data-username": username,
            "data-name-key": person.name_key,
        },
    )


def mention_list() -> rx.Component:
    """The list of people to mention, while the server has any to offer.

    Hidden until mentions.js shows it for the ``@`` word being typed.

    Returns:
        The query field, and the listbox with id ``mention-list``.
    """
    return rx.fragment(
        query_field(),
        rx.cond(
            PeopleState.people.length() > 0,
            rx.el.ul(
                rx.foreach(PeopleState.people, mention_option),
                id="mention-list",
                role="listbox",
                aria_label=t("People to mention"),
                hidden=True,
                class_name="mention-list",
                custom_attrs={"data-query": PeopleState.query},
            ),
        ),
    )
