"""Every role, on a phone and on a desktop, reaches each page its navigation
offers: nothing scrolls sideways, and on a phone the menu opens from the
keyboard, without JavaScript being needed."""

import pytest
from playwright.sync_api import expect

from demo.content import PASSWORD

from .conftest import serious_accessibility_violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ROLES = [None, "author", "editor", "reviewer", "board"]


def _open_menu_by_keyboard(page):
    """Tab to the "Menu" button and open it with Enter, as a keyboard user."""
    menu = page.locator("summary", has_text="Menu")
    for _ in range(10):
        page.keyboard.press("Tab")
        if menu.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("The Menu button cannot be reached with Tab")
    page.keyboard.press("Enter")
    main = page.get_by_role("navigation", name="Main")
    expect(main).to_be_visible()
    page.keyboard.press("Tab")  # into the menu's first link
    assert page.evaluate("document.activeElement.closest('nav') !== null")
    return main


def _offered(nav) -> list[str]:
    """The work pages a navigation links to (not the admin, not sign-out)."""
    hrefs = [link.get_attribute("href") for link in nav.get_by_role("link").all()]
    return [href for href in hrefs if not href.startswith("/admin/")]


def _signed_in(context, demo_site, who):
    page = context.new_page()
    if who:
        page.goto(f"{demo_site.url}/accounts/login/")
        page.get_by_label("Username").fill(who)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Editorial desk")).to_be_visible()
    else:
        page.goto(demo_site.url)
    return page


def _fits(page, viewport) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("who", ROLES, ids=[role or "reader" for role in ROLES])
def test_each_role_reaches_its_pages_without_sideways_scrolling(demo_site, browser, who, viewport):
    # JavaScript on for axe; the menu needs none (see the test below).
    context = browser.new_context(viewport=viewport)
    page = _signed_in(context, demo_site, who)
    if viewport is PHONE:
        nav = _open_menu_by_keyboard(page)
    else:
        nav = page.get_by_role("navigation", name="Main")
        expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    pages = _offered(nav)
    if who:
        assert "/desk/" in pages
        # The staff home's own links: each kind of work, and the office.
        page.goto(f"{demo_site.url}/desk/")
        pages += [
            link.get_attribute("href")
            for link in page.get_by_role("main").get_by_role("link").all()
            if link.get_attribute("href").startswith(("/office/", "/desk/reviews/", "/desk/board/"))
        ]
    else:
        assert pages == ["/board/", "/accounts/login/"]
    for address in dict.fromkeys(pages):
        page.goto(f"{demo_site.url}{address}")
        _fits(page, viewport)
        assert serious_accessibility_violations(page) == [], page.url
    context.close()


def test_the_header_search_finds_articles_without_javascript(demo_site, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site.url}/board/")
    page.get_by_role("search").get_by_label("Search articles").fill("tendon")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Results for “tendon”")).to_be_visible()
    _fits(page, PHONE)
    context.close()


def test_the_phone_menu_opens_from_the_keyboard_without_javascript(demo_site, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = _signed_in(context, demo_site, "editor")
    nav = _open_menu_by_keyboard(page)
    nav.get_by_role("link", name="Editorial queue").click()
    expect(page.get_by_role("heading", name="Editorial queue")).to_be_visible()
    _fits(page, PHONE)
    context.close()
