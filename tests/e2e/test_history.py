"""A reader follows an article's history in a real browser: the correction
notice on the page, the list of approved versions, and what changed between
two of them. Every page visited is checked with axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.services import article_notice_issue, revision_save_draft

from ..factories import reference
from .conftest import serious_accessibility_violations

pytestmark = pytest.mark.e2e

APPROVAL = ("submit", "start_review", "send_to_board", "sign")


def _update(article, author, *, change_summary, patient_body):
    revision_save_draft(
        article=article,
        author=author,
        seen_hash=article.current_revision.content_hash,
        title=article.title,
        primary_audience="patient",
        summary="Yes, in some people.",
        body="## Mechanism\n\nAxonal injury is dose related [1].",
        references=[reference(1)],
        change_summary=change_summary,
        audience_versions={"patient_summary": "Sometimes, yes.", "patient_body": patient_body},
    )
    article.refresh_from_db()
    return article


@pytest.fixture
def corrected(live_server, draft, advance, author, editor, policy):
    article = _update(
        draft,
        author,
        change_summary="",
        patient_body="## What happens\n\nNumb feet can follow high doses [1].",
    )
    article = advance(article, *APPROVAL)
    article = _update(
        article,
        author,
        change_summary="Dosing section revised",
        patient_body="## What happens\n\nNumb feet can follow high or repeated doses [1].",
    )
    article = advance(article, *APPROVAL)
    article_notice_issue(
        article=article,
        editor=editor,
        kind="correction",
        reason="The first reference named the wrong journal year.",
    )
    return article


def test_a_reader_opens_the_history_compares_versions_and_sees_the_correction(
    live_server, page, corrected
):
    path = reverse("reader:public", args=[corrected.slug])
    page.goto(f"{live_server.url}{path}?audience=patient")
    expect(page.get_by_text("The first reference named the wrong journal year.")).to_be_visible()
    expect(page.get_by_text("Dosing section revised")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_text("How this was checked").click()
    page.get_by_role("link", name="Version history").click()
    expect(page.get_by_role("heading", name="Version history", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Version 2 Current")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1 Superseded")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Compare version").select_option(label="Version 1")
    page.get_by_label("with version").select_option(label="Version 2")
    page.get_by_role("button", name="Show what changed").click()
    expect(page.get_by_role("heading", name="Compare versions")).to_be_visible()
    expect(page.locator("ins", has_text="or repeated")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="version 1").click()
    expect(page.get_by_text("You are reading an earlier version")).to_be_visible()
    expect(page.get_by_text("Numb feet can follow high doses")).to_be_visible()
    assert serious_accessibility_violations(page) == []
