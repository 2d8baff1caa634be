"""The search box: a header button (or Ctrl+K, or "/"), results as one types.

Each result names its conversation, author and time, shows the words found
marked, and is a link to the message's address: the room opens there, with the
messages around it, the message highlighted.
"""

import reflex as rx

from chat_app.components.times import SHORT_WHEN
from chat_app.components.words import t, tn
from chat_app.domain.conversations import DIRECT
from chat_app.domain.search import MAX_QUERY_CHARACTERS
from chat_app.domain.text import N_
from chat_app.rooms.search import Hit, Piece
from chat_app.states.locale import LocaleState
from chat_app.states.search import MAX_RESULTS, SearchState

# The browser's time zone, whose days "before:", "after:" and "on:" name.
BROWSER_ZONE = rx.Var(
    _js_expr="Intl.DateTimeFormat().resolvedOptions().timeZone", _var_type=str
)
ASK_AFTER_MS = 250


def marked(pieces: rx.Var[list[Piece]]) -> rx.Component:
    """Text with the words the search found marked.

    Args:
        pieces: The text's pieces.

    Returns:
        Inline pieces, ``<mark>`` for the words found.
    """
    return rx.foreach(
        pieces,
        lambda piece: rx.cond(
            piece.found, rx.el.mark(piece.text), rx.el.span(piece.text)
        ),
    )


def search_result(hit: rx.vars.ObjectVar[Hit]) -> rx.Component:
    """One message found: where, who, when, and its words.

    Args:
        hit: The result.

    Returns:
        A list item: a link to the message, ``[data-search-result]``.
    """
    link = rx.link(
        rx.flex(
            rx.icon(rx.cond(hit.kind == DIRECT, "user", "hash"), size=14),
            rx.text(hit.room_name, weight="medium", truncate=True),
            rx.text("·", aria_hidden="true"),
            rx.text(hit.author, truncate=True),
            rx.spacer(),
            rx.text(
                SHORT_WHEN.call(hit.sent_at_ms, LocaleState.lang).to(str),
                size="1",
                color_scheme="gray",
                high_contrast=True,
                flex_shrink="0",
            ),
            align="center",
            gap="0.4rem",
            width="100%",
        ),
        rx.text(marked(hit.pieces), size="2", class_name="search-text"),
        rx.cond(
            hit.files.length() > 0,
            rx.flex(
                rx.icon("paperclip", size=12, aria_label=t("Files")),
                rx.text(marked(hit.files), size="1"),
                align="center",
                gap="0.3rem",
            ),
        ),
        href=hit.address,
        custom_attrs={"data-search-result": "true", "data-message-id": hit.key},
        class_name="search-result",
        width="100%",
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )
    # Following the link closes the box (in the browser) as the room opens.
    return rx.el.li(rx.dialog.close(link), list_style="none")


FILTER_HINTS = [
    ("from:@ana", N_("messages from a person")),
    ("in:#sala-2", N_("in a room (in:@ana: your conversation with her)")),
    ("before:2026-11-01", N_("before a day (also after: and on:)")),
    ("has:file", N_("with files (has:image: with pictures)")),
    (N_('"exact phrase"'), N_("these words together")),
    (N_("-word"), N_("without this word")),
]


def search_help() -> rx.Component:
    """What can be typed besides words, shown while the box is empty.

    Returns:
        A list with id ``search-help``.
    """
    return rx.el.ul(
        *[
            rx.el.li(rx.code(t(example)), " ", t(meaning), margin_bottom="0.25rem")
            for example, meaning in FILTER_HINTS
        ],
        id="search-help",
        font_size="var(--font-size-2)",
        padding_left="1.1rem",
        color=rx.color("gray", 11),
    )


def search_status() -> rx.Component:
    """What the search came to, for screen readers (the list itself stays quiet).

    Returns:
        A visually hidden live line with id ``search-status``.
    """
    return rx.el.p(
        rx.cond(
            SearchState.searched,
            rx.cond(
                SearchState.hits.length() > 0,
                tn(
                    "{count} message found",
                    "{count} messages found",
                    SearchState.hits.length(),
                ),
                t("Nothing found."),
            ),
            "",
        ),
        id="search-status",
        role="status",
        class_name="sr-only",
    )


def search_results() -> rx.Component:
    """The results, "nothing found", or the help.

    Returns:
        The part of the dialog under the box.
    """
    return rx.cond(
        SearchState.searched,
        rx.cond(
            SearchState.hits.length() > 0,
            rx.vstack(
                rx.el.ul(
                    rx.foreach(SearchState.hits, search_result),
                    display="flex",
                    flex_direction="column",
                    gap="0.5rem",
                    width="100%",
                    padding="0",
                    margin="0",
                ),
                rx.cond(
                    SearchState.more,
                    rx.button(
                        t("More results"),
                        id="search-more",
                        variant="soft",
                        size="2",
                        on_click=SearchState.more_results,
                    ),
                ),
                rx.cond(
                    ~SearchState.more & (SearchState.hits.length() >= MAX_RESULTS),
                    rx.text(
                        t("That is as many results as a search shows: narrow it."),
                        size="2",
                        color_scheme="gray",
                        high_contrast=True,
                    ),
                ),
                id="search-results",
                # The text these results are for: Enter opens the first only
                # once they answer what the box holds (assets/chat.js).
                custom_attrs={"data-for": SearchState.text},
                spacing="2",
                width="100%",
            ),
            rx.text(
                t("Nothing found."),
                id="search-empty",
                color_scheme="gray",
                high_contrast=True,
            ),
        ),
        search_help(),
    )


def search_dialog() -> rx.Component:
    """The header's search button and its dialog.

    Returns:
        A dialog with ``#search-input``.
    """
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("search", size=18),
                id="search-button",
                type="button",
                variant="ghost",
                color_scheme="gray",
                aria_label=t("Search messages (Ctrl+K)"),
                title=t("Search messages (Ctrl+K)"),
            )
        ),
        rx.dialog.content(
            rx.dialog.title(t("Search messages")),
            rx.dialog.description(
                t("In every conversation you can read."),
                size="2",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.vstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=16)),
                    id="search-input",
                    type="search",
                    default_value=SearchState.text,
                    placeholder=t("Words, from:@person, in:#room…"),
                    aria_label=t("Search messages"),
                    max_length=MAX_QUERY_CHARACTERS,
                    auto_complete="off",
                    on_change=lambda text: SearchState.search(
                        text, BROWSER_ZONE
                    ).debounce(ASK_AFTER_MS),
                    width="100%",
                ),
                rx.cond(
                    SearchState.error != "",
                    rx.callout(
                        SearchState.error,
                        icon="triangle_alert",
                        color_scheme="red",
                        role="alert",
                        id="search-error",
                        width="100%",
                    ),
                ),
                search_status(),
                rx.box(
                    search_results(),
                    width="100%",
                    max_height="60vh",
                    overflow_y="auto",
                ),
                spacing="3",
                margin_top="1rem",
                width="100%",
            ),
            id="search-dialog",
            max_width="36rem",
        ),
    )
