"""What a person does in the browser, in the words of the journeys: sign in, switch language, sign out.

Selectors go by form field ids and names, not by visible text: the Indonesian wording is still moving.
"""

import re

from playwright.sync_api import Page, expect


def sign_in(page: Page, login: str, password: str) -> None:
    """Fill in and send the sign-in form; the caller asserts where it lands."""
    page.goto("/login")
    form = page.locator("form:has(#login)")
    form.locator("#login").fill(login)
    form.locator("#password").fill(password)
    form.locator("button[type=submit]").click()


def switch_language(page: Page, code: str) -> None:
    """Press the language button in the top bar and wait for the page to come back in that language."""
    page.locator(f"header button[name=language][value={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def sign_out(page: Page) -> None:
    """Open the account menu (the user's name in the top bar) and sign out."""
    menu = page.locator("details.account")
    menu.locator("summary").click()
    menu.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def overflows_sideways(page: Page) -> bool:
    """True when the page is wider than the window, so a phone would scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
