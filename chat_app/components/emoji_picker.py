"""An emoji picker (npm's ``emoji-picker-react``), in the tab's language and theme.

The emoji are drawn by the system's own font (``emojiStyle="native"``): the
picker fetches no pictures, and its code and each language's emoji names come
from the app's own server, loaded when a picker first opens.
"""

from typing import Any

import reflex as rx

from chat_app.components.words import t
from chat_app.states.locale import LocaleState

# Each language's emoji names and keywords (what the search matches), as the
# package ships them; English is bundled with the picker itself. The loaders are
# defined once per page: the picker loads again whenever it is given a new one.
DATASETS = {"pt-BR": "emoji-picker-react/data/emojis-pt"}
_LOADERS = "emojiPickerDatasets"


def _emoji_chosen(data: rx.vars.ObjectVar[dict[str, Any]]) -> tuple[rx.Var[str]]:
    """The chosen emoji's own character(s), from the picker's ``EmojiClickData``."""
    return (data["emoji"].to(str),)


class EmojiPicker(rx.NoSSRComponent):
    """``emoji-picker-react``'s picker; its code loads when it is first drawn."""

    library = "emoji-picker-react@5.1.4"
    tag = "EmojiPicker"
    is_default = True

    emoji_style: rx.Var[str]
    color_scheme: rx.Var[str]
    lazy_load_emojis: rx.Var[bool]
    auto_focus_search: rx.Var[bool]
    emoji_data: rx.Var[Any]
    labels: rx.Var[dict[str, str]]
    categories: rx.Var[list[dict[str, str]]]
    preview_config: rx.Var[dict[str, Any]]
    skin_tones_disabled: rx.Var[bool]
    reactions_default_open: rx.Var[bool]
    reactions: rx.Var[list[str]]
    width: rx.Var[str | int]
    height: rx.Var[str | int]

    on_emoji_click: rx.EventHandler[_emoji_chosen]
    on_reaction_click: rx.EventHandler[_emoji_chosen]

    def add_custom_code(self) -> list[str]:
        """The datasets' loaders, defined once at the top of the page's module.

        Returns:
            The JavaScript.
        """
        loaders = ", ".join(
            f'"{language}": () => import("{module}")'
            for language, module in DATASETS.items()
        )
        return [f"const {_LOADERS} = {{{loaders}}};"]


def _labels() -> dict[str, rx.Var[str]]:
    """Every string the picker shows or announces, in the tab's language."""
    return {
        "searchPlaceholder": t("Search emoji"),
        "searchLabel": t("Search for an emoji"),
        "searchClear": t("Clear the search"),
        "searchResultsNone": t("No emoji found"),
        # The picker puts the number in for %n.
        "searchResultsOne": t(
            "1 emoji found. Use the up and down arrow keys to reach it."
        ),
        "searchResultsMany": t(
            "%n emoji found. Use the up and down arrow keys to move among them."
        ),
        "categoryNavigation": t("Emoji categories"),
        "reactions": t("Reactions"),
        "expandReactions": t("Show all emoji"),
        "loading": t("Loading emoji…"),
        "loadingError": t("The emoji could not be loaded."),
        "retryLoading": t("Try again"),
        "skinToneNeutral": t("Neutral skin tone"),
        "skinToneLight": t("Light skin tone"),
        "skinToneMediumLight": t("Medium-light skin tone"),
        "skinToneMedium": t("Medium skin tone"),
        "skinToneMediumDark": t("Medium-dark skin tone"),
        "skinToneDark": t("Dark skin tone"),
    }


def _categories() -> list[dict[str, str | rx.Var[str]]]:
    """The categories, in the picker's order, named in the tab's language."""
    names = {
        "suggested": t("Frequently used"),
        "smileys_people": t("Smileys & people"),
        "animals_nature": t("Animals & nature"),
        "food_drink": t("Food & drink"),
        "travel_places": t("Travel & places"),
        "activities": t("Activities"),
        "objects": t("Objects"),
        "symbols": t("Symbols"),
        "flags": t("Flags"),
    }
    return [{"category": category, "name": name} for category, name in names.items()]


def emoji_picker(
    on_pick: rx.event.EventType[str], *, show_preview: bool = False, **props: Any
) -> rx.Component:
    """A picker that hands the chosen emoji to ``on_pick``.

    The picker follows the tab's language (its labels, category names and the
    words its search matches) and the app's light or dark theme.

    Args:
        on_pick: What choosing an emoji does; it receives the emoji itself, a
            string such as ``"😀"`` (with the skin tone chosen, if any). An event
            handler taking that string (``State.handler`` or
            ``State.handler(other_arg)``, the emoji then coming last), or a
            lambda of it returning events or a JavaScript function.
        show_preview: Whether the picker shows the pointed emoji's name under
            the grid.
        **props: More props of ``EmojiPicker`` (``id``, ``width``, ``height``,
            ``reactions_default_open``...) or of any component.

    Returns:
        The picker.
    """
    props.setdefault("width", "min(22rem, calc(100vw - 1.5rem))")
    props.setdefault("height", "24rem")
    return EmojiPicker.create(
        emoji_style="native",
        color_scheme=rx.color_mode_cond(light="light", dark="dark"),
        lazy_load_emojis=True,
        # Undefined for English: the picker's own dataset.
        emoji_data=rx.Var(_LOADERS).to(dict)[LocaleState.lang],
        labels=_labels(),
        categories=_categories(),
        preview_config={
            "showPreview": show_preview,
            "defaultCaption": t("Pick an emoji"),
        },
        on_emoji_click=on_pick,
        **props,
    )
