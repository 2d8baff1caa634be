import re
import time
from html.parser import HTMLParser

import pytest

from chat_app.domain.markup import mention_candidates, plain, render

PEOPLE = {"ana": "Ana", "bob": "bob", "maria.s": "Maria.S"}
LINK = 'target="_blank" rel="noopener noreferrer nofollow"'
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "span",
}


class Tags(HTMLParser):
    """Collects every tag with its attributes, as a browser would read them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_safe(html: str) -> None:
    """Only the allowed tags, links only to http(s)/mailto, spans only mentions."""
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        if tag == "a":
            assert set(attrs) == {"href", "target", "rel"}, html
            assert re.match(r"(https?://|mailto:)", attrs["href"] or "", re.I), html
        elif tag == "span":
            assert attrs.get("class") == "mention", html
            assert set(attrs) == {"class", "data-mention"}, html
        elif tag == "ol":
            assert set(attrs) <= {"start"}, html
        else:
            assert attrs == {}, html


def a(href: str, text: str) -> str:
    return f'<a href="{href}" {LINK}>{text}</a>'


def mention(username: str, written: str) -> str:
    return f'<span class="mention" data-mention="{username}">{written}</span>'


# Plain text and layout


def test_a_short_message_is_one_paragraph():
    assert render("oi") == "<p>oi</p>"


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " \n \t "])
def test_a_blank_message_renders_nothing(text):
    assert render(text) == ""


def test_lines_in_a_paragraph_break_without_newlines_between_tags():
    assert render("one\ntwo\nthree") == "<p>one<br>two<br>three</p>"


def test_blank_lines_make_paragraphs_with_nothing_between_them():
    assert render("one\n\n\n\ntwo") == "<p>one</p><p>two</p>"


@pytest.mark.parametrize("text", ["oi\n", "- a\n- b\n", "> q\n", "a\n\nb\n\n", "1. a"])
def test_no_newline_between_or_after_tags(text):
    assert "\n" not in render(text)


# WhatsApp and Markdown habits


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*negrito*", "<p><strong>negrito</strong></p>"),
        ("_itálico_", "<p><em>itálico</em></p>"),
        ("~riscado~", "<p><s>riscado</s></p>"),
        ("**negrito**", "<p><strong>negrito</strong></p>"),
        ("__negrito__", "<p><strong>negrito</strong></p>"),
        ("~~riscado~~", "<p><s>riscado</s></p>"),
        ("`code`", "<p><code>code</code></p>"),
        ("um *dois* três", "<p>um <strong>dois</strong> três</p>"),
        ("*a* _b_ ~c~", "<p><strong>a</strong> <em>b</em> <s>c</s></p>"),
        ("(*ok*), *sim*!", "<p>(<strong>ok</strong>), <strong>sim</strong>!</p>"),
        ("_*ambos*_", "<p><em><strong>ambos</strong></em></p>"),
        ("*_ambos_*", "<p><strong><em>ambos</em></strong></p>"),
    ],
)
def test_both_chat_and_markdown_formatting_work(text, html):
    assert render(text) == html


@pytest.mark.parametrize(
    "text",
    [
        "snake_case_words",
        "call my_function_name now",
        "2*3*4 = 24",
        "a*b*c",
        "5 * 3 * 2",
        "* alone",
        "**",
        "_",
    ],
)
def test_markers_inside_words_or_alone_stay_as_written(text):
    html = render(text)
    assert "<strong>" not in html and "<em>" not in html
    assert text.removeprefix("* ") in html


@pytest.mark.parametrize(
    "text",
    [
        "~/path/to/file",
        "cd ~/projetos e ~/downloads",
        "approx ~5",
        "de ~5 a ~10 minutos",
        "a~b~c",
        "~",
        "~~",
        "~~~ three ~~~ tildes",
        "~~mismatched~",
        "~mismatched~~",
    ],
)
def test_tildes_without_a_closing_pair_stay_as_written(text):
    html = render(text)
    assert "<s>" not in html
    assert text.split(" ")[-1] in html


def test_tildes_in_code_stay_as_written():
    assert (
        render("`~x~` and `~~y~~`") == "<p><code>~x~</code> and <code>~~y~~</code></p>"
    )


def test_markers_in_code_are_not_formatting():
    assert render("`*a* _b_ **c**`") == "<p><code>*a* _b_ **c**</code></p>"


def test_a_backslash_escapes_a_marker():
    assert render(r"\*not bold\*") == "<p>*not bold*</p>"


# Blocks


def test_fenced_code_keeps_its_lines_and_escapes_them():
    html = render("```python\nif a < b:\n    print('*x*')\n```")
    assert html == "<pre><code>if a &lt; b:\n    print('*x*')</code></pre>"


def test_tildes_never_open_a_code_block():
    assert render("~~~\nx ~y~\n~~~") == "<p>~~~<br>x <s>y</s><br>~~~</p>"
    assert render("~~~oi~~~") == "<p>~~~oi~~~</p>"


def test_a_fence_interrupts_a_list_or_a_quote():
    assert render("- a\n```\nb\n```") == "<ul><li>a</li></ul><pre><code>b</code></pre>"
    assert (
        render("> ```\n> b\n> ```")
        == "<blockquote><pre><code>b</code></pre></blockquote>"
    )


def test_an_unclosed_fence_runs_to_the_end():
    assert render("```\nx\ny") == "<pre><code>x\ny</code></pre>"


def test_a_fence_info_string_cannot_inject_attributes():
    html = render('```" onmouseover="alert(1)\ncode\n```')
    assert html == "<pre><code>code</code></pre>"


def test_text_around_a_fence_stays_in_paragraphs():
    html = render("before\n```\ncode\n```\nafter")
    assert html == "<p>before</p><pre><code>code</code></pre><p>after</p>"


def test_indented_lines_are_text_not_code():
    assert render("    indented") == "<p>indented</p>"


def test_a_block_quote():
    assert (
        render("> citado\n> aqui") == "<blockquote><p>citado<br>aqui</p></blockquote>"
    )


def test_a_quote_followed_by_an_answer():
    html = render("> pergunta?\n\nresposta")
    assert html == "<blockquote><p>pergunta?</p></blockquote><p>resposta</p>"


@pytest.mark.parametrize("marker", ["-", "*", "+"])
def test_bullet_lists(marker):
    html = render(f"{marker} um\n{marker} *dois*")
    assert html == "<ul><li>um</li><li><strong>dois</strong></li></ul>"


def test_numbered_lists():
    assert render("1. um\n2. dois") == "<ol><li>um</li><li>dois</li></ol>"


def test_a_numbered_list_keeps_its_first_number():
    assert (
        render("3. três\n4. quatro")
        == '<ol start="3"><li>três</li><li>quatro</li></ol>'
    )


def test_a_list_after_a_line_of_text():
    assert render("compras:\n- pão\n- café") == (
        "<p>compras:</p><ul><li>pão</li><li>café</li></ul>"
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("# não é título", "<p># não é título</p>"),
        ("## nem este", "<p>## nem este</p>"),
        ("título\n===", "<p>título<br>===</p>"),
        ("título\n---", "<p>título<br>---</p>"),
        ("---", "<p>---</p>"),
        ("***", "<p>***</p>"),
        (
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "<p>| a | b |<br>|---|---|<br>| 1 | 2 |</p>",
        ),
    ],
)
def test_document_blocks_stay_as_text(text, html):
    assert render(text) == html


def test_images_are_never_drawn():
    html = render("![gato](https://example.com/gato.png)")
    assert "<img" not in html
    assert html == "<p>!" + a("https://example.com/gato.png", "gato") + "</p>"


def test_an_image_with_a_bad_address_is_text():
    assert render("![x](javascript:alert(1))") == "<p>![x](javascript:alert(1))</p>"


def test_reference_definitions_are_text():
    html = render("[site][r]\n\n[r]: https://example.com")
    assert html.startswith("<p>[site][r]</p><p>[r]: ")
    assert html.count("<a ") == 1  # only the bare address, linkified


def test_deep_nesting_is_bounded():
    html = render("> " * 500 + "fundo")
    assert html.count("<blockquote>") <= 20
    assert_safe(html)


# Links


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("https://example.com", a("https://example.com", "https://example.com")),
        ("http://example.com/a", a("http://example.com/a", "http://example.com/a")),
        ("www.example.com", a("http://www.example.com", "www.example.com")),
        ("ana@example.com", a("mailto:ana@example.com", "ana@example.com")),
        ("<https://example.com>", a("https://example.com", "https://example.com")),
        ("<ana@example.com>", a("mailto:ana@example.com", "ana@example.com")),
        ("[site](https://example.com)", a("https://example.com", "site")),
        ("[mail](mailto:ana@example.com)", a("mailto:ana@example.com", "mail")),
        ("[t](https://example.com 'title')", a("https://example.com", "t")),
    ],
)
def test_links_open_apart_without_the_opener(text, html):
    assert render(text) == f"<p>{html}</p>"


def test_a_link_inside_a_sentence():
    html = render("veja https://example.com/x_y_z, ok?")
    link = a("https://example.com/x_y_z", "https://example.com/x_y_z")
    assert html == f"<p>veja {link}, ok?</p>"


@pytest.mark.parametrize(
    "text",
    ["main.py", "notes.md", "example.com", "ftp://example.com", "//example.com"],
)
def test_file_names_bare_hosts_and_other_schemes_are_not_linked(text):
    assert render(text) == f"<p>{text}</p>"


def test_markdown_inside_a_bare_address_is_not_formatting():
    html = render("https://example.com/*a*/_b_/~c~")
    assert "<strong>" not in html and "<em>" not in html and "<s>" not in html


def test_a_quote_cannot_break_out_of_a_linkified_href():
    html = render('https://example.com/"onmouseover="alert(1)')
    assert 'href="https://example.com/%22onmouseover=%22alert(1)"' in html
    assert (
        tags_of(html)[1][1]["href"] == "https://example.com/%22onmouseover=%22alert(1)"
    )
    assert_safe(html)


def test_a_quote_cannot_break_out_of_a_markdown_href():
    html = render('[x](https://example.com/"onclick="alert(1))')
    assert tags_of(html)[1][1]["href"] == "https://example.com/%22onclick=%22alert(1)"
    assert_safe(html)


# XSS


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
        '<iframe src="https://evil.example"></iframe>',
        "<svg/onload=alert(1)>",
        "<style>body{display:none}</style>",
        "<!-- comment -->",
        "<div>\n*x*\n</div>",
        "```\n<script>alert(1)</script>\n```",
        "`<script>alert(1)</script>`",
        "> <script>alert(1)</script>",
        "- <img src=x onerror=alert(1)>",
    ],
)
def test_raw_html_is_shown_as_text(text):
    html = render(text)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<svg" not in html and "<style" not in html and "<!--" not in html
    assert "&lt;" in html
    assert_safe(html)


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&colon;alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](java%09script:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x]( javascript:alert(1))",
        "[x](\njavascript:alert(1))",
        "[x](<\x01javascript:alert(1)>)",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](data:image/png;base64,AAAA)",
        "[x](file:///etc/passwd)",
        "[x](/relative/path)",
        "[x](relative)",
        "[x](#fragment)",
        "[x](//evil.example)",
        "[x](ftp://example.com)",
        "[x]()",
        "[x](<>)",
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "<vbscript:msgbox(1)>",
        "<data:text/html,<script>alert(1)</script>>",
        "javascript:alert(1)",
        "![x](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_dangerous_links_are_never_links(text):
    html = render(text)
    assert "<a " not in html
    assert "href" not in html
    assert_safe(html)


def test_a_refused_link_shows_its_source():
    assert render("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"
    assert render("<javascript:alert(1)>") == "<p>&lt;javascript:alert(1)&gt;</p>"


@pytest.mark.parametrize(
    "text",
    [
        '[a"b](https://example.com)',
        '*"><script>alert(1)</script>*',
        '@"><b>x',
        '@ana"onmouseover="alert(1)',
        "`\"'<>&`",
        "\"'&<>",
    ],
)
def test_quotes_and_brackets_are_escaped(text):
    html = render(text, PEOPLE)
    assert_safe(html)
    assert "<b>" not in html and "<script" not in html


def test_ampersands_and_entities_are_escaped():
    assert render("a & b &lt;i&gt;") == "<p>a &amp; b &lt;i&gt;</p>"


# Mentions


def test_a_known_name_becomes_a_mention_naming_the_real_username():
    html = render("oi @ana!", PEOPLE)
    assert html == f"<p>oi {mention('Ana', '@ana')}!</p>"


def test_a_mention_keeps_the_case_it_was_written_in():
    assert render("@ANA", PEOPLE) == f"<p>{mention('Ana', '@ANA')}</p>"
    assert render("@Maria.S", PEOPLE) == f"<p>{mention('Maria.S', '@Maria.S')}</p>"


def test_an_unknown_name_stays_text():
    assert render("oi @carol", PEOPLE) == "<p>oi @carol</p>"


def test_without_people_nothing_is_a_mention():
    assert render("oi @ana") == "<p>oi @ana</p>"
    assert render("oi @ana", {}) == "<p>oi @ana</p>"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("@ana.", f"<p>{mention('Ana', '@ana')}.</p>"),
        ("@ana...", f"<p>{mention('Ana', '@ana')}...</p>"),
        ("@ana-", f"<p>{mention('Ana', '@ana')}-</p>"),
        ("@ana, @bob", f"<p>{mention('Ana', '@ana')}, {mention('bob', '@bob')}</p>"),
        ("(@ana)", f"<p>({mention('Ana', '@ana')})</p>"),
        ("@ana's", f"<p>{mention('Ana', '@ana')}'s</p>"),
        ("@ana:", f"<p>{mention('Ana', '@ana')}:</p>"),
        ("*@ana*", f"<p><strong>{mention('Ana', '@ana')}</strong></p>"),
        ("> @ana", f"<blockquote><p>{mention('Ana', '@ana')}</p></blockquote>"),
        ("- @ana", f"<ul><li>{mention('Ana', '@ana')}</li></ul>"),
        ("a\n@ana", f"<p>a<br>{mention('Ana', '@ana')}</p>"),
    ],
)
def test_mentions_beside_punctuation_and_formatting(text, html):
    assert render(text, PEOPLE) == html


@pytest.mark.parametrize(
    "text",
    [
        "`@ana`",
        "```\n@ana\n```",
        "ana@example.com",
        "bob.ana@example.com",
        "x@ana",
        "x.@ana",
        "x-@ana",
        "@@ana",
        "@joão",
        "@ana@example.com",
        "https://example.com/@ana",
        "[@ana](https://example.com)",
        "[falar com @ana](https://example.com)",
        r"\@ana",
        "@",
        "@ ana",
        "@...",
        "@" + "a" * 33,
    ],
)
def test_no_mention_in_code_links_addresses_or_malformed_names(text):
    people = {**PEOPLE, "a" * 33: "toolong", "joão": "joao", "jo": "jo"}
    html = render(text, people)
    assert "mention" not in html
    assert_safe(html)


def test_a_name_of_32_characters_is_mentioned():
    name = "a" * 32
    assert render(f"@{name}", {name: name}) == f"<p>{mention(name, '@' + name)}</p>"


def test_the_username_is_escaped_in_the_attribute():
    html = render("@ana", {"ana": '"><script>x</script>'})
    escaped = "&quot;&gt;&lt;script&gt;x&lt;/script&gt;"
    assert html == f"<p>{mention(escaped, '@ana')}</p>"
    assert_safe(html)


def test_mention_candidates_in_order_without_the_at():
    assert mention_candidates("@bob falou com @ana e @carol.") == [
        "bob",
        "ana",
        "carol",
    ]


def test_mention_candidates_are_unique_keeping_the_first_spelling():
    assert mention_candidates("@Ana @ana @ANA @bob @bob") == ["Ana", "bob"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sem menções",
        "`@ana`",
        "```\n@ana\n```",
        "ana@example.com",
        "https://example.com/@ana",
        "[@ana](https://example.com)",
        r"\@ana",
        "@joão",
        "@" + "a" * 33,
        "x@ana",
    ],
)
def test_mention_candidates_skip_code_links_addresses_and_malformed_names(text):
    assert mention_candidates(text) == []


def test_mention_candidates_agree_with_render():
    text = "@ana `@bob` @Maria.S, ana@example.com @carol- *@dora* > @eve"
    candidates = mention_candidates(text)
    assert candidates == ["ana", "Maria.S", "carol", "dora", "eve"]
    people = {name.casefold(): name.upper() for name in candidates}
    html = render(text, people)
    assert html.count('class="mention"') == len(candidates)


def test_mention_candidates_do_not_need_people():
    assert mention_candidates("> @ana\n- @bob\n\n1. *@carol*") == [
        "ana",
        "bob",
        "carol",
    ]


# A long message


def test_a_long_message_renders_quickly_and_safely():
    line = "Palavra *negrito* _it_ ~x~ @ana https://example.com/x `c` <b>ok</b>\n"
    text = (line * 80)[:4000]
    start = time.perf_counter()
    html = ""
    for _ in range(10):
        html = render(text, PEOPLE)
    assert time.perf_counter() - start < 2  # typically ~0.1 s for all ten
    assert html.count("<strong>") == html.count("</strong>") >= 50
    assert html.count('class="mention"') >= 50
    assert "<b>" not in html
    assert_safe(html)


@pytest.mark.parametrize(
    "text",
    ["*" * 4000, "_" * 4000, "~" * 4000, "[" * 4000, "@a" * 2000, "a~" * 2000],
)
def test_pathological_messages_stay_fast(text):
    start = time.perf_counter()
    html = render(text, {"a": "a"})
    assert time.perf_counter() - start < 1
    assert_safe(html)


def test_plain_text_keeps_the_words_and_lines_without_the_marks():
    assert plain("*relatório* de `ontem` & <b>\nsegunda") == (
        "relatório de ontem & <b>\nsegunda"
    )
