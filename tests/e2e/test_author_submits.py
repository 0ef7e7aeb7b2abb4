"""An author signs in, writes a cited article, previews it and submits it,
in a real browser, using only what a person sees on the page."""

import re

import pytest
from playwright.sync_api import expect

from demo.content import PASSWORD

from .conftest import serious_accessibility_violations as _serious_violations

pytestmark = pytest.mark.e2e


def _sign_in(page, base_url, username):
    page.goto(base_url)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_demo_author_writes_previews_and_submits_a_cited_article(demo_site, page):
    _sign_in(page, demo_site.url, "author")
    expect(page.get_by_role("heading", name="Editorial desk")).to_be_visible()
    assert _serious_violations(page) == []

    page.get_by_role("link", name="Start a new article").click()
    page.get_by_label("The reader's question").fill("Can amiodarone affect the thyroid?")
    page.get_by_label("Short answer (optional)", exact=True).fill(
        "Yes. It carries a large iodine load and can push thyroid function either way."
    )
    page.get_by_label("Full answer", exact=True).fill(
        "## Why it happens\n\nEach tablet carries a large iodine load [1].\n\n"
        "## What to check\n\n- Thyroid tests before and during treatment [1, 2]."
    )
    row1 = page.get_by_role("group", name="Reference row 1")
    row1.get_by_label("Title").fill("Amiodarone and the thyroid")
    row1.get_by_label("Journal or publisher").fill("Ann Intern Med")
    row1.get_by_label("Year").fill("1997")
    row1.get_by_label("Type of study").select_option("other")
    page.get_by_role("button", name="Add a reference row").click()

    # The extra row arrives without losing what was typed.
    expect(page.get_by_label("The reader's question")).to_have_value(
        "Can amiodarone affect the thyroid?"
    )
    row2 = page.get_by_role("group", name="Reference row 2")
    row2.get_by_label("Title").fill("Thyroid monitoring during amiodarone therapy")
    row2.get_by_label("PMID").fill("12345678")
    row2.get_by_label("Type of study").select_option("cohort")
    row2.get_by_label("Certainty of the evidence (GRADE)").select_option("low")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name=re.compile("Preview"))
    expect(
        preview.get_by_role("heading", name="Can amiodarone affect the thyroid?")
    ).to_be_visible()
    expect(preview.get_by_role("link", name="Reference 2", exact=True)).to_have_attribute(
        "href", "#ref-2"
    )
    expect(preview.get_by_role("link", name="PMID 12345678")).to_be_visible()
    expect(
        preview.get_by_text(
            "Evidence grade: Cohort or other observational study · GRADE certainty: low"
        )
    ).to_be_visible()
    expect(page.get_by_text("Every citation matches a reference")).to_be_visible()
    assert _serious_violations(page) == []

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Can amiodarone affect the thyroid?")).to_be_visible()
    # One next step, saying what follows; deleting the draft is a link to a confirmation.
    expect(page.get_by_role("heading", name="Your next step")).to_be_visible()
    expect(page.get_by_text("The editors receive this revision")).to_be_visible()
    expect(page.get_by_role("link", name="Delete this draft")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_text("The article is now “Submitted”")).to_be_visible()
    tracker = page.get_by_role("navigation", name="Review status")
    current = tracker.locator('[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Submitted")
    expect(current).to_contain_text(re.compile(r"\d{1,2} \w{3} \d{4}"))
    assert _serious_violations(page) == []


def test_author_deletes_a_draft_and_confirms_a_withdrawal_first(demo_site, page):
    _sign_in(page, demo_site.url, "author2")
    page.get_by_role("link", name=re.compile("vitamin D help prevent falls")).first.click()
    expect(page.get_by_role("heading", name="Your next step")).to_be_visible()
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw")).to_have_count(0)
    page.get_by_role("link", name="Delete this draft").click()
    expect(page.get_by_text("Are you sure?")).to_be_visible()
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Yes, delete this draft").click()
    expect(page.get_by_text("was deleted.")).to_be_visible()

    # A submitted article is withdrawn, not deleted, and only after confirming.
    page.goto(demo_site.url + "/desk/")
    page.get_by_role("link", name=re.compile("ibuprofen with an ACE inhibitor")).first.click()
    page.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_text("Are you sure?")).to_be_visible()
    assert _serious_violations(page) == []
    page.get_by_role("link", name="No, keep it as it is").click()
    expect(page.get_by_role("link", name="Withdraw")).to_be_visible()
