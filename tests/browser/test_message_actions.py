"""What people do with a message, between browsers: reply, edit, delete, react,
links and formatting. Each scenario runs on one process and on three workers
with Redis and PostgreSQL (the ``people`` fixture).
"""

import uuid

from playwright.sync_api import Locator, expect

from chat_app.domain.history import ANCHOR_CONTEXT
from chat_app.settings import get_settings
from harness.protocol import ChatClient
from tests.browser.conftest import User
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_attachments import png_bytes
from tests.browser.test_rooms import fill_room, post_and_number
from tests.support.accounts import create_account
from tests.support.filling import post_many
from tests.support.threads import run_async

PAGE = get_settings().history_page_size


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def bubble(user: User, text: str) -> Locator:
    return user.messages().filter(has_text=text)


def by_id(user: User, number: str | int) -> Locator:
    return user.page.locator(f"#message-list .message[data-id='{number}']")


def act(user: User, message: Locator, action: str) -> None:
    """Point at a message and press one of its actions."""
    message.hover()
    message.locator(f"[data-action='{action}']").click()


def test_reply_edit_and_delete_reach_the_other_person(people):
    ana = people("ana").enter()
    bia = people("bia").enter()
    original = unique("bom dia pessoal")
    ana.send(original)
    expect(bubble(bia, original)).to_have_count(1)
    number = bubble(bia, original).get_attribute("data-id")
    theirs = by_id(bia, str(number))

    # Bia replies; Escape drops a reply, the button starts it again.
    act(bia, theirs, "reply")
    preview = bia.page.locator("#reply-preview")
    expect(preview).to_contain_text(ana.name)
    expect(preview).to_contain_text(original)
    bia.page.locator("#composer-input").press("Escape")
    expect(preview).to_have_count(0)
    act(bia, theirs, "reply")
    answer = unique("bom dia, Ana")
    bia.send(answer)
    expect(preview).to_have_count(0)
    reply = bubble(ana, answer)
    quote = reply.locator(f"[data-quote-of='sala-1:{number}']")
    expect(quote).to_contain_text(original)

    # Ana edits her latest message with the Up arrow; Enter saves.
    box = ana.page.locator("#composer-input")
    box.fill("meio escrito")
    box.fill("")
    box.press("ArrowUp")
    expect(ana.page.locator("#edit-preview")).to_be_visible()
    expect(box).to_have_value(original)
    fixed = unique("bom dia, pessoal!")
    box.fill(fixed)
    box.press("Enter")
    expect(ana.page.locator("#edit-preview")).to_have_count(0)
    edited = by_id(bia, str(number))
    expect(edited).to_contain_text(fixed)
    expect(edited).to_have_attribute("data-edited", "true")
    expect(edited).to_contain_text("editada")
    expect(reply.locator(".quote")).to_contain_text(fixed)  # the quote follows

    # Ana deletes it after the check; both see its place kept, the quote says so.
    mine = by_id(ana, str(number))
    act(ana, mine, "delete")
    dialog = ana.page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Apagar esta mensagem?")
    assert_accessible(ana.page, "delete check")
    ana.page.click("#confirm-delete")
    gone = by_id(bia, str(number))
    expect(gone).to_have_attribute("data-deleted", "true")
    expect(gone).to_contain_text("Mensagem apagada")
    expect(gone).not_to_contain_text(fixed)
    expect(reply.locator(".quote")).to_have_attribute("data-quote-deleted", "true")
    expect(reply.locator(".quote")).to_contain_text("Mensagem apagada")


def test_a_deleted_messages_file_is_gone_from_the_server(people):
    ana = people("apaga").enter()
    page = ana.page
    page.set_input_files(
        "#file-picker",
        files=[{"name": "praia.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    expect(page.locator("#attachment-tray [data-state='done']")).to_have_count(1)
    text = unique("foto para apagar")
    page.fill("#composer-input", text)
    page.click("#send-button")
    mine = bubble(ana, text)
    image = mine.locator(".attachment-image img")
    expect(image).to_have_count(1)
    src = image.get_attribute("src")
    assert src
    assert page.request.get(ana.url(src)).status == 200
    act(ana, mine, "delete")
    page.click("#confirm-delete")
    expect(mine).to_have_count(0)  # its text went with it
    assert page.request.get(ana.url(src)).status == 404


def test_reactions_toggled_by_two_people(people):
    ana = people("reage").enter()
    bia = people("tambem").enter()
    text = unique("almoço às 12h?")
    ana.send(text)
    theirs, mine = bubble(bia, text), bubble(ana, text)
    expect(theirs).to_have_count(1)

    theirs.hover()
    theirs.locator("[data-action='react']").click()
    bia.page.locator("[data-emoji='👍']").click()
    bias_chip = theirs.locator("[data-reaction='👍']")
    expect(bias_chip).to_have_attribute("data-count", "1")
    expect(bias_chip).to_have_attribute("data-mine", "true")
    anas_chip = mine.locator("[data-reaction='👍']")
    expect(anas_chip).to_have_attribute("data-mine", "false")
    expect(anas_chip).to_have_attribute("title", bia.name)

    anas_chip.click()
    expect(bias_chip).to_have_attribute("data-count", "2")
    expect(anas_chip).to_have_attribute("data-mine", "true")
    bias_chip.click()
    expect(anas_chip).to_have_attribute("data-count", "1")
    expect(bias_chip).to_have_attribute("data-mine", "false")
    anas_chip.click()
    expect(mine.locator("[data-reaction]")).to_have_count(0)

    # Any emoji, from the full picker: found by its Portuguese name.
    mine.hover()
    mine.locator("[data-action='react']").click()
    search = ana.page.locator(".epr-search-container input")
    search.fill("coração")
    ana.page.locator("[data-epr-part='emoji']").first.click()
    expect(theirs.locator("[data-reaction]")).to_have_count(1)
    expect(search).to_have_count(0)  # the picker closed with the choice
    assert_accessible(ana.page, "reactions")


def test_links_and_formatting_show_and_raw_html_stays_text(people):
    ana = people("formata").enter()
    bia = people("le").enter()
    alerts: list[str] = []
    bia.page.on(
        "dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss())
    )
    tag = uuid.uuid4().hex[:6]
    ana.send(
        f"*negrito {tag}* _itálico_ ~riscado~ **forte** `código` "
        "https://example.com/a?b=1 www.exemplo.com.br [clique](javascript:alert(1)) "
        "<img src=x onerror=alert(2)> <script>alert(3)</script>"
    )
    shown = bubble(bia, f"negrito {tag}")
    expect(shown).to_have_count(1)
    text = shown.locator(".message-text")
    expect(text.locator("strong")).to_have_count(2)
    expect(text.locator("em")).to_have_text("itálico")
    expect(text.locator("s")).to_have_text("riscado")
    expect(text.locator("code")).to_have_text("código")
    link = text.locator("a[href='https://example.com/a?b=1']")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(text.locator("a[href='http://www.exemplo.com.br']")).to_have_count(1)
    expect(text.locator("a[href^='javascript']")).to_have_count(0)
    expect(text.locator("img, script")).to_have_count(0)
    expect(text).to_contain_text("<img src=x onerror=alert(2)>")
    expect(text).to_contain_text("<script>alert(3)</script>")
    text.get_by_text("clique").click()  # inert: not a link
    assert alerts == []


def test_a_quote_of_a_message_far_back_brings_it_into_view(people):
    reader = people("volta")
    url = reader.server.url
    tag = uuid.uuid4().hex[:4]
    original = f"pergunta antiga {tag}"

    async def ask_fill_and_reply() -> int:
        asker = create_account(url, "pergunta")
        tab = await ChatClient(url, asker.token).connect()
        # Sala 1, the busy room: test_rooms counts on Sala 2 and Sala 3
        # holding little history (a day separator on top, one older page).
        await tab.wait_for(lambda: tab.room_slug() == "sala-1")
        number = await post_and_number(tab, original)
        await fill_room(url, "sala-1", f"conversa {tag}", 135)
        await tab.reply(number, f"respondendo à pergunta {tag}")
        await tab.wait_for(
            lambda: any(m["reply_to"] == number for m in tab.messages()), 30
        )
        await tab.leave_room()
        await tab.close()
        return number

    number = run_async(ask_fill_and_reply())
    assert isinstance(number, int)
    reader.enter()
    reply = bubble(reader, f"respondendo à pergunta {tag}")
    expect(reply).to_have_count(1)
    far = by_id(reader, number)
    expect(far).to_have_count(0)  # beyond the live window
    reply.locator(".quote").click()
    expect(far).to_have_count(1)
    expect(far).to_have_attribute("data-highlighted", "true")
    expect(far).to_be_in_viewport()


def test_a_link_to_a_message_600_back_opens_it_among_its_neighbours(people):
    reader = people("arquivista")
    url = reader.server.url
    tag = uuid.uuid4().hex[:4]
    target = f"mensagem soterrada {tag}"

    async def post_and_bury() -> int:
        author = create_account(url, "autor")
        tab = await ChatClient(url, author.token).connect()
        # Sala 1, the busy room: Sala 2 and 3 keep little history (test_rooms).
        await tab.wait_for(lambda: tab.room_slug() == "sala-1")
        number = await post_and_number(tab, target)
        await tab.leave_room()
        await tab.close()
        await post_many(url, "sala-1", f"soterrando {tag}", 600)
        return number

    number = run_async(post_and_bury(), timeout=300)
    assert isinstance(number, int)
    reader.open("/login")
    reader.page.evaluate(
        f"localStorage.setItem('chat_session', '{reader.account.token}')"
    )
    reader.page.goto(reader.url(f"/rooms/sala-1/{number}"))
    reader.wait_in_room("Sala 1")
    message = by_id(reader, number)
    expect(message).to_have_attribute("data-highlighted", "true")
    expect(message).to_contain_text(target)
    expect(message).to_be_in_viewport()
    # Its neighbours came with it, not the 600 messages since.
    expect(by_id(reader, number + 1)).to_be_in_viewport()
    if number > 1:
        expect(by_id(reader, number - 1)).to_have_count(1)
    last = number + ANCHOR_CONTEXT
    expect(by_id(reader, last)).to_have_count(1)
    expect(by_id(reader, last + 1)).to_have_count(0)
    expect(by_id(reader, number + 300)).to_have_count(0)
    # Scrolled down to the gap, the next page loads by itself, below the reader.
    newer = reader.page.locator("#load-newer")
    expect(newer).to_have_count(1)
    newer.scroll_into_view_if_needed()
    expect(by_id(reader, last + 1)).to_have_count(1)
    expect(by_id(reader, last + PAGE)).to_have_count(1)
    expect(by_id(reader, last)).to_be_in_viewport()
    expect(by_id(reader, last + PAGE + 1)).to_have_count(0)
    # And the next, one page at a time.
    newer.scroll_into_view_if_needed()
    expect(by_id(reader, last + PAGE + 1)).to_have_count(1)
    expect(by_id(reader, last + 2 * PAGE + 1)).to_have_count(0)
    # In order on the screen: the run, then the gap's button, then the window.
    tops = [
        locator.evaluate("b => b.getBoundingClientRect().top")
        for locator in (by_id(reader, last), by_id(reader, last + 1), newer)
    ]
    assert tops == sorted(tops)
