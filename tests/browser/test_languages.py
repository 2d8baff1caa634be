"""Portuguese and English in the browser: chosen, switched live, followed (B16)."""

import uuid

from playwright.sync_api import expect

from tests.browser.test_accounts import register_in_the_form


def test_an_english_browser_gets_english_and_a_switch_changes_every_tab(people):
    visitor = people("lingua", locale="en-US")
    visitor.open("/login")
    page = visitor.page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#login-submit")).to_have_text("Log in")
    page.fill("#login-login", "nobody-here")
    page.fill("#login-password", "not-the-password")
    page.click("#login-submit")
    expect(page.locator("#auth-error")).to_contain_text("Wrong username")

    page.click("#to-register")
    username = f"en-{uuid.uuid4().hex[:6]}"
    register_in_the_form(visitor, username)
    expect(page.locator("#room-title")).to_have_text("Sala 1")
    expect(page.locator("#send-button")).to_contain_text("Send")
    page.fill("#composer-input", "hello there")
    page.click("#send-button")
    expect(page.locator("#date-separator").first).to_have_text("Today")
    page.fill("#composer-input", "x" * 4001)
    page.locator("#composer-input").press("Enter")
    expect(page.locator("#error-message")).to_contain_text("at most 4000")
    page.click("#error-message button")

    second = page.context.new_page()
    second.goto(visitor.url("/"))
    expect(second.locator("#send-button")).to_contain_text("Send")

    page.select_option("#language-switch", "pt-BR")
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page.locator("#send-button")).to_contain_text("Enviar")
    expect(page.locator("#date-separator").first).to_have_text("Hoje")
    expect(second.locator("#send-button")).to_contain_text("Enviar")
    expect(second.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(second.locator("#language-switch")).to_have_value("pt-BR")
    page.fill("#composer-input", "x" * 4001)
    page.locator("#composer-input").press("Enter")
    expect(page.locator("#error-message")).to_contain_text("no máximo 4000")

    # Saved on the account: a browser in another language follows the account.
    elsewhere = people("outro", locale="en-US")
    elsewhere.open("/login")
    elsewhere.page.fill("#login-login", username)
    elsewhere.page.fill("#login-password", "uma-senha-boa")
    elsewhere.page.click("#login-submit")
    expect(elsewhere.page.locator("#send-button")).to_contain_text("Enviar")
    second.close()


def test_a_portuguese_or_unknown_browser_gets_portuguese(people):
    for locale in ("pt-BR", "de-DE"):
        visitor = people("visita", locale=locale)
        visitor.open("/login")
        expect(visitor.page.locator("html")).to_have_attribute("lang", "pt-BR")
        expect(visitor.page.locator("#login-submit")).to_have_text("Entrar")
        # A visitor's choice stays with the browser, before any account.
        visitor.page.select_option("#language-switch", "en")
        expect(visitor.page.locator("#login-submit")).to_have_text("Log in")
        visitor.page.reload()
        expect(visitor.page.locator("#login-submit")).to_have_text("Log in")
