"""An author signs in, writes an article and submits it, in a real browser."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.demo.content import PASSWORD

pytestmark = pytest.mark.e2e


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_demo_author_creates_and_submits_an_article(demo_site, page):
    page.goto(demo_site.url)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Editorial desk")).to_be_visible()
    assert _serious_violations(page) == []

    page.get_by_role("link", name="Start a new article").click()
    page.get_by_label("Title (the reader's question)").fill("Can amiodarone affect the thyroid?")
    page.get_by_label("Summary").fill(
        "Yes. It contains a lot of iodine and can push thyroid function up or down."
    )
    page.get_by_label("Body").fill(
        "## Why it happens\n\nEach tablet carries a large iodine load [1]."
    )
    first_reference = page.get_by_role("group", name="Reference 1")
    first_reference.get_by_label("Title").fill("Amiodarone and the thyroid")
    first_reference.get_by_label("Journal or publisher").fill("Ann Intern Med")
    first_reference.get_by_label("Year").fill("1997")
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Can amiodarone affect the thyroid?")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_text("The article is now “Submitted”")).to_be_visible()
    tracker = page.get_by_role("navigation", name="Review status")
    current = tracker.locator('[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Submitted")
    expect(current).to_contain_text(re.compile(r"\d{1,2} \w{3} \d{4}"))
    assert _serious_violations(page) == []
