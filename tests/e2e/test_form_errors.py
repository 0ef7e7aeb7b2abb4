"""A form sent with mistakes, in a real browser: focus lands on the error
summary (no script needed: it carries `autofocus`), its links take the person
to the field, and the page in its error state has no serious accessibility
problem."""

import re

import pytest
from playwright.sync_api import expect

from demo.content import PASSWORD

from .conftest import serious_accessibility_violations

pytestmark = pytest.mark.e2e

BORTEZOMIB = "/articles/can-bortezomib-cause-peripheral-neuropathy/"


def test_wrong_sign_in_moves_focus_to_the_summary(demo_site, csp_page):
    page = csp_page
    page.goto(f"{demo_site.url}/accounts/login/")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.get_by_role("region", name="Please fix this problem")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    expect(page.get_by_label("Username")).to_have_value("author")
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("window.__cspViolations") == []

    summary.get_by_role("link").click()
    assert page.evaluate("location.hash") == "#id_username"


def test_empty_reader_question_moves_focus_to_the_summary_and_links_to_the_box(demo_site, csp_page):
    page = csp_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + BORTEZOMIB)
    page.get_by_role("link", name="Write to the editors").click()
    page.get_by_label("Your email, if you would like an answer (optional)").fill(
        "reader@example.org"
    )
    page.get_by_role("button", name="Send to the editors").click()

    # expect() waits for the response (htmx swaps the form in place).
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    box = page.get_by_label("Your question or the error you found")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your email, if you would like an answer (optional)")).to_have_value(
        "reader@example.org"
    )
    assert serious_accessibility_violations(page) == []

    page.get_by_role(
        "link", name="Your question or the error you found: This field is required."
    ).click()
    expect(box).to_be_focused()


def test_new_article_without_a_question_focuses_the_summary(demo_site, csp_page):
    page = csp_page
    page.goto(f"{demo_site.url}/accounts/login/")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Start a new article").click()
    expect(page.get_by_label("What changed since the last submitted revision")).to_have_count(0)
    page.get_by_label("Full answer", exact=True).fill("Typed before the mistake.")
    # Preview is sent by htmx: the swapped-in summary takes focus all the same.
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Please fix this problem")).to_be_focused()
    expect(page).to_have_title("Error: New article · Medical Review")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("region", name="Please fix this problem")).to_be_focused()
    expect(page.get_by_label("Full answer", exact=True)).to_have_value("Typed before the mistake.")
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("window.__cspViolations") == []
