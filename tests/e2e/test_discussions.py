"""A discussion in a real browser: an author asks the editors a question
about their submitted article, an editor answers, the author sees that
something is new and reads the answer."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from articles.services import article_create

from ..factories import PASSWORD, UserFactory, reference
from .conftest import CSP_WATCH, serious_accessibility_violations

pytestmark = pytest.mark.e2e

TITLE = "Can ibuprofen raise blood pressure?"


def _signed_in(browser, base_url, username):
    context = browser.new_context()
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_an_author_asks_the_editor_and_reads_the_answer(live_server, browser):
    author = UserFactory(username="ada", display_name="Ada Author", roles=[Role.AUTHOR])
    UserFactory(username="eve", display_name="Eve Editor", roles=[Role.EDITOR])
    article = article_create(
        author=author, title=TITLE, primary_audience="patient", summary="Sometimes.",
        body="## Why\n\nIt holds on to salt [1].", references=[reference(1)],
    ).fire("submit", by=author)  # fmt: skip
    workspace = f"{live_server.url}/desk/articles/{article.pk}/"

    asking = _signed_in(browser, live_server.url, "ada")
    asking.goto(workspace)
    asking.get_by_role("link", name="Start a discussion").click()
    # Authors talk with the editors only: the one audience they are in is chosen.
    expect(asking.get_by_label("Editors and authors")).to_be_checked()
    expect(asking.get_by_label("Editors only")).to_have_count(0)
    asking.get_by_label("Subject").fill("Which trials count?")
    asking.get_by_label("Your message").fill("Should I cite the **2019** trial as well?")
    asking.get_by_role("button", name="Start the discussion").click()
    expect(asking.get_by_role("heading", level=1, name="Which trials count?")).to_be_visible()
    expect(asking.get_by_text("about revision 1")).to_be_visible()

    answering = _signed_in(browser, live_server.url, "eve")
    answering.goto(workspace)
    discussions = answering.get_by_role("region", name="Discussions")
    expect(discussions.get_by_text("1 new")).to_be_visible()
    discussions.get_by_role("link", name="Which trials count?").click()
    expect(answering.locator(".discussion-message strong")).to_have_text("2019")
    # Sending nothing is refused, with a reason.
    answering.get_by_role("button", name="Send").click()
    expect(
        answering.get_by_text("Write your message before sending it.", exact=True)
    ).to_be_visible()
    answering.get_by_label("Your message").fill("Yes: it is the largest one so far.")
    answering.get_by_role("button", name="Send").click()
    expect(answering.get_by_text("Message sent.")).to_be_visible()

    asking.goto(workspace)
    discussions = asking.get_by_role("region", name="Discussions")
    expect(discussions.get_by_text("1 new")).to_be_visible()
    # The header says something is waiting, in words as well as the badge.
    inbox = asking.get_by_role("link", name=re.compile(r"^Inbox\W+1 unread$"))
    expect(inbox).to_be_visible()
    inbox.click()
    expect(asking.get_by_text("Unread", exact=True)).to_have_count(1)
    asking.get_by_role("button", name="New message in “Which trials count?”").click()
    expect(asking.get_by_text("Yes: it is the largest one so far.")).to_be_visible()
    expect(asking.get_by_text("Eve Editor (Editor)")).to_be_visible()
    assert serious_accessibility_violations(asking) == []
    asking.goto(workspace)
    expect(asking.get_by_role("region", name="Discussions").get_by_text("1 new")).to_have_count(0)
    # Reading the thread read its notice too: the header no longer counts it.
    expect(asking.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    for page in (asking, answering):
        assert page.evaluate("window.__cspViolations") == []
