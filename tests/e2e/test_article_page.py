"""The article page on a phone and a desktop: the answer comes first, the
text fits the screen, glossary terms reach their definitions by tap and by
keyboard, and the level picker updates everything that names the level."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import serious_accessibility_violations

pytestmark = pytest.mark.e2e

BORTEZOMIB = "/articles/can-bortezomib-cause-peripheral-neuropathy/"
IBUPROFEN = "/articles/is-it-safe-to-take-ibuprofen-with-an-ace-inhibitor/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _no_sideways_scrolling(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("path", [BORTEZOMIB, BORTEZOMIB + "?audience=professional", IBUPROFEN])
def test_the_first_screen_of_a_phone_holds_the_question_and_the_short_answer(
    demo_site, browser, path
):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(demo_site.url + path)
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    answer = page.locator(".article-summary").bounding_box()
    assert answer["y"] + 40 < PHONE["height"], answer  # at least its first line shows
    if path == IBUPROFEN:  # unapproved: the caution comes first, and stays visible
        expect(page.get_by_role("region", name="Caution")).to_be_in_viewport()
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_the_article_never_scrolls_sideways_and_passes_axe_open_or_closed(
    demo_site, browser, viewport
):
    page = browser.new_context(viewport=viewport).new_page()
    for path in (BORTEZOMIB, IBUPROFEN):
        page.goto(demo_site.url + path)
        assert _no_sideways_scrolling(page), path
        assert serious_accessibility_violations(page) == [], path
        disclosure = page.locator("details.how-checked > summary")
        disclosure.click()
        expect(page.get_by_role("navigation", name="Review status")).to_be_visible()
        current = page.get_by_role("navigation", name="Review status").locator(
            '[aria-current="step"]'
        )
        expect(current).to_have_count(1)
        expect(page.get_by_text("Last updated")).to_be_visible()
        assert _no_sideways_scrolling(page), path
        assert serious_accessibility_violations(page) == [], path
    page.context.close()


def test_the_disclosure_holds_the_signers_dates_and_byline(demo_site, page):
    page.goto(demo_site.url + BORTEZOMIB)
    approval = page.get_by_role("region", name="Approval")
    expect(approval).to_be_hidden()  # folded: one line up front
    expect(page.get_by_text("Approved by the Medical Advisory Board")).to_be_visible()
    page.get_by_text("How this was checked").click()
    expect(approval.get_by_role("link", name="Grace Okafor, MD, PhD")).to_be_visible()
    expect(page.get_by_text("Next review due")).to_be_visible()
    expect(page.get_by_role("link", name="View editorial policy")).to_be_visible()
    expect(page.get_by_role("region", name="Authors and peer review")).to_contain_text(
        "Competing interests:"
    )


def test_a_glossary_term_reaches_its_definition_by_keyboard(demo_site, page):
    page.goto(demo_site.url + BORTEZOMIB + "?audience=patient")
    term = page.locator(".article-summary").get_by_role("link", name="myeloma")
    paragraph = page.locator(".article-summary p").first
    height = paragraph.bounding_box()["height"]
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "#define-myeloma":
            break
    expect(term).to_be_focused()
    assert paragraph.bounding_box()["height"] == height  # the paragraph did not move
    page.keyboard.press("Enter")
    definition = page.get_by_role("region", name="Words used in this article")
    expect(definition.get_by_text("a cancer of plasma cells", exact=False)).to_be_in_viewport()
    assert page.evaluate("location.hash") == "#define-myeloma"
    definition.get_by_role("link", name="Back to “myeloma” in the text").click()
    assert page.evaluate("location.hash") == "#use-myeloma"
    expect(term).to_be_in_viewport()


def test_a_glossary_term_reaches_its_definition_by_tap_on_a_phone(demo_site, browser):
    page = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    page.goto(demo_site.url + BORTEZOMIB + "?audience=patient")
    page.locator(".article-body").get_by_role("link", name="proteasome").tap()
    words = page.get_by_role("region", name="Words used in this article")
    expect(words.get_by_text("proteasome", exact=True)).to_be_in_viewport()
    assert _no_sideways_scrolling(page)
    page.context.close()


def test_switching_level_with_htmx_updates_the_question_forms_level(demo_site, page):
    page.goto(demo_site.url + BORTEZOMIB)
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Healthcare professional").check()
    page.get_by_role("button", name="Show this version").click()
    expect(page.locator(".article-body")).to_contain_text("Bortezomib blocks the proteasome")
    assert page.evaluate("window.notReloaded === true")  # swapped in place by htmx
    # The address is the level's own, ready to share or bookmark.
    expect(page).to_have_url(
        re.compile(r"/can-bortezomib-cause-peripheral-neuropathy/professional/$")
    )
    expect(page.get_by_role("status")).to_contain_text("Healthcare professional")
    # The cached page carries no form token: the form opens in place, at the level read.
    page.get_by_role("link", name="Write to the editors").click()
    expect(page.get_by_label("Your question or the error you found")).to_be_focused()
    assert page.evaluate("window.notReloaded === true")
    expect(page.get_by_label("You are reading as")).to_have_value("professional")
    page.get_by_label("Your question or the error you found").fill("Is the dose the same?")
    page.get_by_role("button", name="Send to the editors").click()
    expect(page.get_by_text("Your message went to our editors")).to_be_visible()

    from articles.models import ReaderQuestion

    assert ReaderQuestion.objects.get(question="Is the dose the same?").audience == "professional"
    assert serious_accessibility_violations(page) == []


def test_on_this_page_sits_beside_the_text_on_a_desktop_only(demo_site, browser):
    desktop = browser.new_context(viewport=DESKTOP).new_page()
    desktop.goto(demo_site.url + BORTEZOMIB)
    contents = desktop.get_by_role("navigation", name="On this page")
    expect(contents).to_be_visible()
    text_box = desktop.locator(".article-summary").bounding_box()
    assert contents.bounding_box()["x"] > text_box["x"] + text_box["width"]  # beside, not above
    assert text_box["width"] <= 40 * 16  # about 70 characters a line
    contents.get_by_role("link", name="What to do").click()
    expect(desktop.get_by_role("heading", name="What to do", level=2)).to_be_in_viewport()
    desktop.context.close()
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(demo_site.url + BORTEZOMIB)
    expect(phone.get_by_role("navigation", name="On this page")).to_be_hidden()
    phone.context.close()
