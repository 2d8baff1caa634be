"""Moderation in the browser (B25): an administrator removes someone's message and
bans someone whose open tab is cut off. Each scenario runs on one process and on
three workers with Redis and PostgreSQL (the ``people`` fixture).
"""

import uuid

from playwright.sync_api import expect

from tests.browser.test_message_actions import act, bubble
from tests.support.accounts import admin_account


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def test_an_admin_removes_someones_message_and_everyone_sees_it_removed(
    people, deployment
):
    writer = people("autor").enter()
    reader = people("leitor").enter()
    admin = people("moderadora", account=admin_account(deployment[0].url)).enter()
    text = unique("propaganda indesejada")
    writer.send(text)
    expect(bubble(admin, text)).to_have_count(1)
    number = bubble(admin, text).get_attribute("data-id")
    # Someone else's message offers no delete to a reader, but does to an admin.
    expect(bubble(reader, text).locator("[data-action='delete']")).to_have_count(0)
    act(admin, bubble(admin, text), "delete")
    admin.page.click("#confirm-delete")
    for user in (writer, reader, admin):
        removed = user.page.locator(f"#message-list .message[data-id='{number}']")
        expect(removed).to_have_attribute("data-removed", "true")
        expect(removed).to_contain_text("Mensagem removida pela moderação")
        expect(user.messages().filter(has_text=text)).to_have_count(0)
    # The log on the admin screen says who did what to whom.
    admin.open("/admin")
    entry = admin.page.locator("#moderation-log [data-action='delete']").first
    expect(entry).to_have_attribute("data-target", writer.name)
    expect(entry).to_contain_text(f"#{number}")


def test_an_admin_bans_someone_whose_open_tab_is_cut_off(people, deployment):
    victim = people("banido").enter()
    witness = people("testemunha").enter()
    admin = people("moderadora", account=admin_account(deployment[0].url))
    admin.enter()
    expect(admin.page.locator("#admin-link")).to_be_visible()
    expect(victim.page.locator("#admin-link")).to_have_count(0)
    admin.page.click("#admin-link")
    page = admin.page
    expect(page.locator("#admin-people")).to_be_visible()
    page.fill("#admin-search", victim.name)
    expect(page.locator("#admin-people tbody tr")).to_have_count(1)
    page.fill("#admin-reason", "spam repetido")
    page.click(f"#ban-{victim.name}")
    expect(page.locator(f"#unban-{victim.name}")).to_be_visible()
    expect(page.locator("#moderation-log [data-action='ban']").first).to_contain_text(
        "spam repetido"
    )
    # Within seconds, without doing anything, the tab is on the login page
    # saying why; the others no longer see the person.
    expect(victim.page).to_have_url(victim.url("/login"))
    expect(victim.page.locator("#error-message")).to_contain_text("banida")
    expect(witness.page.locator(f"#user-{victim.name}")).to_have_count(0)
    # Logging in again is refused, with the reason.
    victim.page.fill("#login-login", victim.name)
    victim.page.fill("#login-password", victim.account.password)
    victim.page.click("#login-submit")
    expect(victim.page.locator("#auth-error")).to_contain_text("banida")
    # Unbanned, the person may log in again.
    page.click(f"#unban-{victim.name}")
    expect(page.locator(f"#ban-{victim.name}")).to_be_visible()
    victim.page.fill("#login-login", victim.name)
    victim.page.fill("#login-password", victim.account.password)
    victim.page.click("#login-submit")
    victim.wait_in_room()


def test_the_admin_screen_is_refused_to_anyone_else(people):
    user = people("curioso").enter()
    user.open("/admin")
    expect(user.page.locator("#admin-refused")).to_be_visible()
    expect(user.page.locator("#error-message")).to_contain_text("Só administradores")
    expect(user.page.locator("#admin-people")).to_have_count(0)
