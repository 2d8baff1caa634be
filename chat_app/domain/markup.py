"""A chat message's text as safe HTML, and the @mentions it holds.

Messages are written the way people write in chats: WhatsApp's ``*bold*``,
``_italic_`` and ``~struck~`` as well as Markdown's ``**bold**``, ``__bold__``,
``~~struck~~``, ``code``, fenced blocks, quotes and lists. Everything else a
document would have (headings, rules, tables, images, raw HTML) stays plain text.

The HTML holds only ``p br strong em s code pre blockquote ul ol li a span``; its
text is always escaped, links go only to ``http``, ``https`` or ``mailto``
addresses and open in a new tab, and there is no newline between tags, so a
bubble drawn with ``white-space: pre-wrap`` shows no stray blank lines. Every
paragraph is a ``<p>``: a message "oi" is ``<p>oi</p>``.
"""

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import make_fence_rule
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from chat_app.domain.validation import USERNAME_MAX_LENGTH

# Compared after markdown-it's normalizeLink, which percent-encodes spaces,
# controls and quotes and decodes entities first: whatever a browser could read as
# another scheme ("JaVaScRiPt:", "java%09script:", " javascript:") fails to
# start with one of these.
SAFE_URL = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
LINK_SCHEMAS = frozenset({"http:", "https:", "mailto:"})
LINK_REL = "noopener noreferrer nofollow"
# The name is taken whole (possessive ``++``) so that "@ana.b@x" or "@joão" is not
# cut down to a shorter name that happens to be followed by an allowed character.
# Before the "@": nothing that can sit in an address's local part, so
# "ana@example.com" and "a.b@host" are never mentions.
MENTION = re.compile(r"(?<![\w.+@-])@([A-Za-z0-9._-]++)(?![\w@])")
# Sentence punctuation after a name: "@ana." and "@ana-" mention "ana".
MENTION_TRAILER = ".-"


class ChatLinkify(LinkifyIt):
    """Linkify that finds only what a chat means as a link.

    Links with ``http://`` or ``https://``, ones starting ``www.``, and e-mail
    addresses. Bare host names are left alone: in a chat "main.py" or "notes.md"
    is a file name, not a site in Paraguay or Moldova.
    """

    def match(self, text: str) -> list[Any] | None:
        """Find the links in a text, keeping the kinds a chat links.

        Args:
            text: The text to scan.

        Returns:
            The matches, or None when there are none.
        """
        found = [link for link in super().match(text) or [] if wanted_link(link)]
        return found or None

    def match_at_start(self, text: str) -> Any | None:
        """Find a link at the very start of a text, if it is a kind a chat links.

        Args:
            text: The text to scan.

        Returns:
            The match, or None.
        """
        link = super().match_at_start(text)
        return link if link is not None and wanted_link(link) else None


def wanted_link(link: Any) -> bool:
    """Say whether linkify's match is a link a chat draws.

    Args:
        link: A ``linkify_it`` match.

    Returns:
        True for http(s) and mailto matches and for fuzzy ones starting "www.".
    """
    if link.schema:
        return link.schema in LINK_SCHEMAS
    return link.raw[:4].lower() == "www."


class ChatMarkdown(MarkdownIt):
    """MarkdownIt that lets a link through only to an allowed scheme."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        """Accept only http, https and mailto links.

        markdown-it's own check lists the bad schemes; a list of good ones also
        refuses relative links and any scheme a browser may add tomorrow.

        Args:
            url: The normalized link.

        Returns:
            True when the link may be drawn.
        """
        return SAFE_URL.match(url) is not None


class ChatRenderer(RendererHTML):
    """HTML without newlines between tags, fences without language classes.

    The methods are markdown-it's renderer rules, one per token type, with its
    arguments: the tokens, the index of the one to draw, options and env.
    """

    def renderToken(  # noqa: N802 (markdown-it's name)
        self,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        """Draw a tag, without markdown-it's newline after blocks."""
        token = tokens[idx]
        if token.hidden:  # a tight list's paragraphs
            return ""
        slash = "/" if token.nesting == -1 else ""
        return f"<{slash}{token.tag}{self.renderAttrs(token)}>"

    def fence(
        self,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        """Draw a fenced block, without the newline that ends its last line."""
        code = tokens[idx].content.removesuffix("\n")
        return f"<pre><code>{escapeHtml(code)}</code></pre>"

    def softbreak(
        self,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        """Draw a line break as ``<br>``, with no newline after it."""
        return "<br>"

    hardbreak = softbreak

    def mention(
        self,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        """Draw a mention: the name as written, the real username in data-mention."""
        token = tokens[idx]
        username = escapeHtml(token.meta["username"])
        written = escapeHtml(token.content)
        return f'<span class="mention" data-mention="{username}">{written}</span>'


def emphasis(state: StateInline, silent: bool) -> bool:
    """Take a run of ``*`` or ``_`` as an emphasis delimiter.

    markdown-it's own rule, except that ``*`` may not split a word either (as
    ``_`` already may not): in a chat "2*3*4" is arithmetic, as in WhatsApp.

    Args:
        state: The inline parser's state.
        silent: Whether only to check (emphasis never matches then).

    Returns:
        Whether a delimiter was taken.
    """
    marker = state.src[state.pos]
    if silent or marker not in "*_":
        return False
    scanned = state.scanDelims(state.pos, False)
    for _ in range(scanned.length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(
            Delimiter(
                marker=ord(marker),
                length=scanned.length,
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


def strikethrough(state: StateInline, silent: bool) -> bool:
    """Take ``~`` or ``~~`` as a strikethrough delimiter.

    markdown-it's single-tilde mode (an opener pairs only with a closer of its
    own width, three or more tildes are text), except that a tilde may not split
    a word: "~/path", "approx ~5" and "a~b~c" stay as written.

    Args:
        state: The inline parser's state.
        silent: Whether only to check (strikethrough never matches then).

    Returns:
        Whether the tildes were taken.
    """
    if silent or state.src[state.pos] != "~":
        return False
    scanned = state.scanDelims(state.pos, False)
    token = state.push("text", "", 0)
    token.content = "~" * scanned.length
    if scanned.length <= 2:
        state.delimiters.append(
            Delimiter(
                marker=ord("~"),
                length=0,  # no "rule of 3" between tildes
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


def finish(state: StateCore) -> None:
    r"""Draw ``*x*`` bold, drop unsafe links, find and mark the mentions.

    Runs after linkify, so a mention is never looked for in a link's text or
    address, and before text_join, so ``\@ana`` (an escaped "@") mentions nobody.
    Code is a token of its own and never looked into.

    Args:
        state: The core parser's state; its env may hold ``people`` (written
            name case-folded → username) and ``candidates`` (a list to which the
            names written are added).
    """
    people: Mapping[str, str] | None = state.env.get("people")
    candidates: list[str] | None = state.env.get("candidates")
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = False
        dropped_link = False
        for token in block.children:
            kind = token.type
            if kind == "link_open":
                in_link = True
                # A link markdown-it accepted with an empty address ("[x]()")
                # never passed validateLink: it is drawn as its text.
                href = str(token.attrs.get("href", ""))
                dropped_link = SAFE_URL.match(href) is None
                if dropped_link:
                    continue
                # Only these attributes: a title is text nobody needs in a chat.
                token.attrs = {"href": href, "target": "_blank", "rel": LINK_REL}
            elif kind == "link_close":
                in_link = False
                if dropped_link:
                    continue
            elif kind in ("em_open", "em_close") and token.markup == "*":
                token.tag = "strong"
            elif kind == "text" and not in_link and "@" in token.content:
                children += mentions(token, people, candidates)
                continue
            children.append(token)
        block.children = children


def mentions(
    token: Token, people: Mapping[str, str] | None, candidates: list[str] | None
) -> list[Token]:
    """Split a text token around the mentions of people it names.

    Args:
        token: A text token outside links and code.
        people: Written name case-folded → username; None mentions nobody.
        candidates: Where to add every name written, or None.

    Returns:
        The tokens replacing it: the text itself when it mentions nobody.
    """
    text = token.content
    parts: list[Token] = []
    start = 0
    for found in MENTION.finditer(text):
        name = found.group(1).rstrip(MENTION_TRAILER)
        if not name or len(name) > USERNAME_MAX_LENGTH:
            continue
        if candidates is not None:
            candidates.append(name)
        username = people.get(name.casefold()) if people else None
        if username is None:
            continue
        if found.start() > start:
            parts.append(text_token(text[start : found.start()], token.level))
        mention = Token("mention", "span", 0, level=token.level)
        mention.content = "@" + name
        mention.meta = {"username": username}
        parts.append(mention)
        start = found.start() + 1 + len(name)
    if not parts:
        return [token]
    if start < len(text):
        parts.append(text_token(text[start:], token.level))
    return parts


def text_token(content: str, level: int) -> Token:
    """Make a text token.

    Args:
        content: Its text.
        level: Its nesting level.

    Returns:
        The token.
    """
    token = Token("text", "", 0, level=level)
    token.content = content
    return token


def build() -> MarkdownIt:
    """Build the parser: a whitelist of rules on markdown-it's empty preset.

    Returns:
        The parser, made once at import and shared (parsing keeps no state in it).
    """
    md = ChatMarkdown(
        "zero",
        {"html": False, "breaks": True, "linkify": True, "maxNesting": 20},
        renderer_cls=ChatRenderer,
    )
    md.linkify = ChatLinkify()
    # Fences of backticks only: in a chat "~" strikes, and "~~~a~~~" would open an
    # empty block that swallows its own text.
    fence = make_fence_rule(markers=("`",))
    md.block.ruler.at("fence", fence, {"alt": ["paragraph", "blockquote", "list"]})
    # Not enabled, so drawn as text: headings, rules, tables, images, raw HTML,
    # reference definitions and indented code (a pasted indented line is not
    # meant as code in a chat; fences are).
    md.enable(["blockquote", "fence", "list"])
    md.enable(["autolink", "backticks", "emphasis", "entity", "escape", "link"])
    md.enable(["newline", "strikethrough", "linkify"])
    md.inline.ruler.at("emphasis", emphasis)
    md.inline.ruler.at("strikethrough", strikethrough)
    # markdown-it's strikethrough pairing then matches "~" only with "~".
    md.options["strikethrough_single_tilde"] = True
    md.core.ruler.before("text_join", "chat", finish)
    return md


MARKDOWN = build()


def mention_candidates(text: str) -> list[str]:
    r"""The @names written in a text, to look up before rendering it.

    Names in code, in links (an e-mail address included) or escaped (``\@ana``)
    are not counted, exactly as ``render`` would not draw them as mentions.

    Args:
        text: The message as typed.

    Returns:
        The names without the "@", in order of appearance, each once (the first
        spelling of names that differ only in case), case kept.
    """
    written: list[str] = []
    MARKDOWN.parse(text, {"candidates": written})
    seen: dict[str, str] = {}
    for name in written:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def render(text: str, people: Mapping[str, str] | None = None) -> str:
    """The message's HTML.

    Args:
        text: The message as typed.
        people: Maps a written name, case-folded (``str.casefold()``), to the
            username it mentions; only those names become mentions.

    Returns:
        The HTML: paragraphs in ``<p>``, no newline between tags; empty for a
        blank text.
    """
    return MARKDOWN.render(text, {"people": people or {}})


def plain(text: str) -> str:
    """The message's words without their formatting, for a quote's one line.

    Args:
        text: The message as typed.

    Returns:
        Its text as the reader sees it, lines kept, marks dropped.
    """
    drawn = re.sub(r"<br>|</p>|</li>|</pre>", "\n", render(text))
    return html.unescape(re.sub(r"<[^>]+>", "", drawn)).strip("\n")
