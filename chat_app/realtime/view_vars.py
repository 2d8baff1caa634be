"""What the page reads of its view: expressions over ``RoomViewState`` in the browser.

Besides its declared vars, a tab's view holds one key per conversation of its
user (``live:<slug>``, its latest message as it arrived) and per other person
of their direct conversations (``online:<username>``). These read them, with
what the tab was shown when it came, so the components never name a key.
"""

import reflex as rx
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.vars import VarData

from chat_app.realtime.views import RoomViewState
from chat_app.rooms.overview import Overview


def _in_view(js: str, *uses: rx.Var) -> tuple[str, VarData | None]:
    """A JS expression over the tab's ``RoomViewState`` object (``{view}`` in it)."""
    state = str(RoomViewState.latest).rsplit(".", 1)[0]
    data = VarData.merge(
        RoomViewState.latest._get_all_var_data(),
        *(use._get_all_var_data() for use in uses),
    )
    return js.replace("{view}", state), data


def live_of(slug: rx.Var[str]) -> rx.vars.ObjectVar:
    """A conversation's latest message as it arrived in this tab ({} if none yet).

    Args:
        slug: The conversation's slug (a var).

    Returns:
        An object var with ``n``, ``at``, ``by`` and ``text``.
    """
    js, data = _in_view(f'({{view}}["live:" + {slug}] ?? {{}})', slug)
    return rx.Var(_js_expr=js, _var_type=dict, _var_data=data).to(dict)


def latest_in(slug: rx.Var[str]) -> rx.vars.NumberVar:
    """A conversation's latest message number in this tab.

    Args:
        slug: The conversation's slug (a var).

    Returns:
        The higher of what the tab was shown and what arrived since.
    """
    js, data = _in_view(
        f"Math.max(({{view}}.latest{FIELD_MARKER}?.[{slug}] ?? 0), "
        f'({{view}}["live:" + {slug}]?.n ?? 0))',
        slug,
    )
    return rx.Var(_js_expr=js, _var_type=int, _var_data=data).to(int)


def latest_numbers() -> rx.vars.ObjectVar:
    """Every conversation's latest message number in this tab, by slug.

    Returns:
        An object var.
    """
    js, data = _in_view(
        f"Object.fromEntries(Object.entries({{view}}.latest{FIELD_MARKER} ?? {{}})"
        '.map(([slug, n]) => [slug, Math.max(n, {view}["live:" + slug]?.n ?? 0)]))'
    )
    return rx.Var(_js_expr=js, _var_type=dict, _var_data=data).to(dict)


def news_besides(room: rx.Var[str]) -> rx.vars.BooleanVar:
    """Whether a conversation other than one has unread messages or a mention.

    Args:
        room: The conversation left out (the open one).

    Returns:
        A boolean var.
    """
    read = "({view}.last_read" + FIELD_MARKER + "?.[slug] ?? 0)"
    js, data = _in_view(
        "Object.entries({view}.latest" + FIELD_MARKER + " ?? {}).some(([slug, n]) => "
        f'slug !== {room} && (Math.max(n, {{view}}["live:" + slug]?.n ?? 0) > {read}'
        f" || ({{view}}.mentioned{FIELD_MARKER}?.[slug] ?? 0) > {read}))",
        room,
    )
    return rx.Var(_js_expr=js, _var_type=bool, _var_data=data).to(bool)


def ordered_conversations() -> rx.vars.ArrayVar:
    """The user's conversations: the configured rooms first, then by activity.

    Returns:
        A list var of ``Overview`` rows, the latest message first.
    """
    js, data = _in_view(
        "[...({view}.conversations" + FIELD_MARKER + " ?? [])].sort((a, b) => "
        "(b.pinned - a.pinned) || (a.pinned ? 0 : "
        '(({view}["live:" + b.slug]?.at ?? b.at) - '
        '({view}["live:" + a.slug]?.at ?? a.at))))'
    )
    return rx.Var(_js_expr=js, _var_type=list[Overview], _var_data=data).to(
        list[Overview]
    )


def online_of(peer: rx.Var[str], shown: rx.Var[bool]) -> rx.vars.BooleanVar:
    """Whether a person is here: as last told, else as the list said.

    Args:
        peer: Their username.
        shown: What the tab's list of conversations said when it came.

    Returns:
        A boolean var.
    """
    js, data = _in_view(f'({{view}}["online:" + {peer}] ?? {shown})', peer, shown)
    return rx.Var(_js_expr=js, _var_type=bool, _var_data=data).to(bool)
