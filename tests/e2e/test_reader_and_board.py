"""Readers and the board in a real browser: the board signs an article into
approval, and a visitor reads it in their own words."""

import pytest
from playwright.sync_api import expect

from demo.content import PASSWORD

from .conftest import serious_accessibility_violations

pytestmark = pytest.mark.e2e

BORTEZOMIB = "/articles/can-bortezomib-cause-peripheral-neuropathy/"
TENDONS = "Can fluoroquinolone antibiotics damage tendons?"


def _signed_in(browser, base_url, username):
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _sign(page, title, password=PASSWORD):
    page.get_by_role("link", name="Sign-off queue").click()
    page.get_by_role("link", name=title, exact=True).click()
    for box in page.get_by_label("I read the version for").all():
        box.check()  # each written version, confirmed one by one
    page.get_by_label("I have read this revision and approve it for publication.").check()
    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Sign electronically").click()


def test_two_board_members_sign_and_readers_see_who_approved_it(demo_site, browser):
    editor = _signed_in(browser, demo_site.url, "editor")
    editor.get_by_role("link", name="Editorial queue").click()
    editor.get_by_role("link", name=TENDONS).click()
    # One review of the two the policy asks for: the editor records why that is enough.
    editor.get_by_role("link", name="Open the round's page").click()
    editor.get_by_label("Why this round can be decided with fewer reviews").fill(
        "One review is enough: the reviewer is our musculoskeletal pharmacist."
    )
    editor.get_by_role("button", name="Decide with fewer reviews").click()
    expect(
        editor.get_by_text("Recorded: round 1 may be decided with fewer reviews")
    ).to_be_visible()
    editor.get_by_label("Send to Advisory Board", exact=True).check()
    editor.get_by_label("Your letter").fill("One review is enough.")
    editor.get_by_role("button", name="Record the decision").click()
    expect(editor.get_by_text("The article is now “Board review”")).to_be_visible()

    first = _signed_in(browser, demo_site.url, "board")
    _sign(first, TENDONS, password="not my password")
    # The error summary takes focus and links to the password box.
    expect(first.get_by_role("region", name="Please fix this problem")).to_be_focused()
    expect(
        first.get_by_role("link", name="Your password: That password is not correct")
    ).to_have_attribute("href", "#id_password")
    assert serious_accessibility_violations(first) == []
    first.get_by_label("Your password").fill(PASSWORD)
    first.get_by_role("button", name="Sign electronically").click()
    expect(first.get_by_text("The article awaits further board sign-offs.")).to_be_visible()

    second = _signed_in(browser, demo_site.url, "board2")
    _sign(second, TENDONS)
    expect(
        second.get_by_text("That completed the quorum: the article is approved.")
    ).to_be_visible()

    reader = browser.new_context().new_page()
    reader.goto(f"{demo_site.url}/articles/can-fluoroquinolone-antibiotics-damage-tendons/")
    reader.get_by_text("How this was checked").click()
    current = reader.get_by_role("navigation", name="Review status").locator(
        '[aria-current="step"]'
    )
    expect(current).to_contain_text("Approved")
    approval = reader.get_by_role("region", name="Approval")
    expect(approval.get_by_role("link", name="Grace Okafor, MD, PhD")).to_be_visible()
    expect(approval.get_by_role("link", name="Erik Lindqvist, MD")).to_be_visible()
    expect(reader.get_by_text("Not yet approved.")).to_have_count(0)


def test_visitor_switches_the_reading_level_and_the_wording_changes(demo_site, page):
    page.goto(demo_site.url + BORTEZOMIB)
    assert serious_accessibility_violations(page) == []
    body = page.locator(".article-body")
    expect(body).to_contain_text("jamming a cleaning system")  # patient version
    expect(page.locator(".glossary").first).to_be_visible()

    # Keyboard: tab from the top reaches the level picker.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "audience":
            break
    assert page.evaluate("document.activeElement.name") == "audience"

    page.get_by_label("Healthcare professional").check()
    page.get_by_role("button", name="Show this version").click()
    expect(body).to_contain_text("Bortezomib blocks the proteasome")
    expect(body).not_to_contain_text("jamming a cleaning system")

    page.reload()  # remembered
    expect(page.locator(".article-body")).to_contain_text("Bortezomib blocks the proteasome")
    assert serious_accessibility_violations(page) == []


def test_the_level_picker_works_without_javascript(demo_site, browser):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(demo_site.url + BORTEZOMIB)
    page.get_by_label("Student").check()
    page.get_by_role("button", name="Show this version").click()
    expect(page.get_by_text("no separate version for your reading level")).to_be_visible()
    expect(page.locator(".article-body")).to_contain_text("Bortezomib blocks the proteasome")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search/?q=nerve+damage",
        "/editorial-policy/",
        "/editorial-policy/versions/",
        "/board/",
    ],
)
def test_public_pages_pass_automated_accessibility_checks(demo_site, page, path):
    page.goto(demo_site.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert serious_accessibility_violations(page) == []


def test_reader_searches_and_opens_an_article(demo_site, page):
    page.goto(demo_site.url)
    page.get_by_label("Search the articles").fill("nerve damage")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="results for “nerve damage”")).to_be_visible()
    page.get_by_role("link", name="Can bortezomib cause peripheral neuropathy?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Can bortezomib cause peripheral neuropathy?"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        BORTEZOMIB,
        BORTEZOMIB + "?audience=patient",
        "/search/?q=nerve",
        "/editorial-policy/",
        "/board/",
        "/accounts/login/",
    ],
)
def test_pages_satisfy_the_content_security_policy(demo_site, csp_page, path):
    response = csp_page.goto(demo_site.url + path)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    csp_page.wait_for_load_state("networkidle")
    assert csp_page.evaluate("window.__cspViolations") == []


def test_desk_pages_satisfy_the_content_security_policy(demo_site, csp_page):
    csp_page.goto(f"{demo_site.url}/accounts/login/")
    csp_page.get_by_label("Username").fill("editor")
    csp_page.get_by_label("Password").fill(PASSWORD)
    csp_page.get_by_role("button", name="Sign in").click()
    for path in ["/desk/", "/office/queue/", "/office/", "/desk/articles/3/", "/office/policy/"]:
        csp_page.goto(demo_site.url + path)
        csp_page.wait_for_load_state("networkidle")
        assert csp_page.evaluate("window.__cspViolations") == [], path


IBUPROFEN = "Is it safe to take ibuprofen with an ACE inhibitor?"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitor_reads_work_in_review_under_an_honest_banner(demo_site, browser, width):
    visitor = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    visitor.goto(demo_site.url)
    in_review = visitor.get_by_role("heading", name="Still in review")
    expect(in_review).to_be_visible()
    visitor.get_by_role("link", name=IBUPROFEN).click()
    caution = visitor.get_by_role("region", name="Caution")
    expect(caution).to_contain_text("Not yet approved. Reviewed by two clinicians; changes")
    expect(caution).to_contain_text("The author is revising it.")
    expect(visitor.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    badge = visitor.get_by_text("checked for accuracy by our Medical Advisory Board")
    expect(badge).to_have_count(0)
    visitor.get_by_text("Review so far, dates and authors").click()
    byline = visitor.get_by_role("region", name="Authors and peer review")
    expect(byline).to_contain_text("Competing interests:")
    expect(byline).to_contain_text("Peer reviewed by two clinicians (names withheld).")
    assert serious_accessibility_violations(visitor) == []
    visitor.goto(demo_site.url + BORTEZOMIB)
    visitor.get_by_text("How this was checked").click()
    expect(visitor.get_by_role("region", name="Approval")).to_contain_text("Competing interests:")
    assert serious_accessibility_violations(visitor) == []
    visitor.context.close()
