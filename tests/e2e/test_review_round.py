"""A whole review round in a real browser: the editor invites two reviewers,
both accept and review, the editor asks for changes, the author revises and
resubmits, and round 2 opens."""

import pytest
from playwright.sync_api import expect

from demo.content import PASSWORD

from .conftest import serious_accessibility_violations

pytestmark = pytest.mark.e2e

ARTICLE = "Can isoniazid cause numbness in the hands and feet?"


@pytest.fixture
def sign_in(demo_site, browser):
    contexts = []

    def open_as(username):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{demo_site.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Editorial desk")).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()


def _review(page, recommendation, comments):
    page.get_by_role("link", name="My reviews").click()
    page.get_by_role("link", name=ARTICLE).click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("I have no competing interests").check()
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_text("Thank you for accepting")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_label(recommendation).check()
    page.get_by_label("Comments to the authors").fill(comments)
    page.get_by_label("Confidential comments to the editor").fill("Only for the editor.")
    page.get_by_label("Claims are supported by the cited evidence").check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted. Thank you!")).to_be_visible()


def test_editor_runs_a_review_round_and_the_author_resubmits(sign_in):
    editor = sign_in("editor")
    editor.get_by_role("link", name="Editorial queue").click()
    editor.get_by_role("link", name=ARTICLE).click()
    assert serious_accessibility_violations(editor) == []
    editor.get_by_role("link", name="Invite reviewers").click()
    assert serious_accessibility_violations(editor) == []
    editor.get_by_label("Rahul Iyer, MD").check()
    editor.get_by_label("Sofia Costa, MD").check()
    editor.get_by_label("Message to the reviewers").fill("Please focus on who needs B6.")
    editor.get_by_role("button", name="Send invitations").click()
    expect(editor.get_by_text("Invited Rahul Iyer, Sofia Costa.")).to_be_visible()

    _review(sign_in("reviewer"), "Minor changes", "Say which B6 dose is usual.")
    _review(sign_in("reviewer2"), "Approve as it is", "Clear and correct.")

    editor.get_by_role("link", name="Read this round's reviews and decide").click()
    expect(editor.get_by_text("Only for the editor.").first).to_be_visible()
    assert serious_accessibility_violations(editor) == []
    # One letter box and a choice of decision: a forgotten choice keeps the letter.
    editor.get_by_label("Your letter").fill("Please add the usual B6 dose.")
    editor.get_by_role("button", name="Record the decision").click()
    expect(editor.get_by_text("Choose a decision.").first).to_be_visible()
    expect(editor.get_by_label("Your letter")).to_have_value("Please add the usual B6 dose.")
    assert serious_accessibility_violations(editor) == []
    editor.get_by_label("Request changes", exact=True).check()
    editor.get_by_role("button", name="Record the decision").click()
    expect(editor.get_by_text("The article is now “Changes requested”")).to_be_visible()

    author = sign_in("author")
    author.get_by_role("link", name="Revise and resubmit").click()
    expect(author.get_by_text("Please add the usual B6 dose.")).to_be_visible()
    expect(author.get_by_text("Say which B6 dose is usual.")).to_be_visible()
    expect(author.get_by_text("Only for the editor.")).to_have_count(0)
    body = author.get_by_label("Full answer", exact=True)
    body.fill(body.input_value() + "\n\nA usual dose is 10 to 25 mg of B6 a day [1].")
    author.get_by_label("Response to the editor and reviewers").fill("Added the usual dose.")
    author.get_by_role("button", name="Save draft").click()
    expect(author.get_by_text("Saved as revision 2")).to_be_visible()
    author.get_by_role("button", name="Resubmit revised draft").click()
    expect(author.get_by_text("The article is now “Under Review”")).to_be_visible()

    editor.reload()
    editor.goto(editor.url.split("/desk/")[0] + "/office/queue/")
    editor.get_by_role("link", name=ARTICLE).click()
    expect(editor.get_by_role("link", name="Round 2")).to_be_visible()
    editor.get_by_role("link", name="Manage reviewers").click()
    editor.get_by_role("button", name="Invite them again").click()
    expect(editor.get_by_text("Last round's reviewers were invited again.")).to_be_visible()
