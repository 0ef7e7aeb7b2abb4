"""The whole editorial journey in a real browser, as each person lives it,
using only what they see: labels, roles and link text. Every page visited is
checked with axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from demo.content import PASSWORD

from .conftest import serious_accessibility_violations

pytestmark = pytest.mark.e2e

TITLE = "Can vincristine cause numb feet?"
PROFESSIONAL_BODY = (
    "## Mechanism\n\nVincristine disrupts microtubules in long axons [1].\n\n"
    "## Risk\n\n- Cumulative dose matters [2].\n- Azole antifungals raise exposure [3]."
)
PATIENT_BODY = (
    "## Why it happens\n\nThis medicine can cause neuropathy in the feet [1].\n\n"
    "## What helps\n\n- Tell your team early [2].\n- Some antifungal pills make it worse [3]."
)
REFERENCES = [
    ("Vincristine neurotoxicity review", "Neurology", "2019"),
    ("Dose and neuropathy in children", "Pediatr Blood Cancer", "2016"),
    ("Azole interactions with vincristine", "J Clin Oncol", "2014"),
]


class Journey:
    """Browser contexts per person, each page checked as it is visited."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.pages, self.checked = browser, base_url, {}, []

    def as_(self, username, password=PASSWORD):
        if username not in self.pages:
            page = self.browser.new_context().new_page()
            page.on("load", lambda _: None)
            page.goto(f"{self.base_url}/accounts/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Editorial desk")).to_be_visible()
            self.pages[username] = page
        return self.pages[username]

    def check(self, page, who):
        page.wait_for_load_state("load")  # never audit a page that is still arriving
        # Nor a button caught mid-way through its hover colour change under
        # the pointer that just clicked it.
        page.mouse.move(0, 0)
        page.wait_for_timeout(250)
        problems = serious_accessibility_violations(page)
        assert problems == [], f"{who} on {page.url}: {problems}"
        self.checked.append((who, page.url))


def _review(journey, username, recommendation, comments):
    page = journey.as_(username)
    page.get_by_role("link", name="My reviews", exact=True).click()
    journey.check(page, username)
    page.get_by_role("link", name=TITLE).first.click()
    journey.check(page, username)
    page.get_by_label("I have no competing interests").check()
    page.get_by_role("button", name="Accept the invitation").click()
    page.get_by_label(recommendation).check()
    page.get_by_label("Comments to the authors").fill(comments)
    page.get_by_label("Claims are supported by the cited evidence").check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted. Thank you!")).to_be_visible()
    journey.check(page, username)


def _sign(journey, username, password=PASSWORD):
    page = journey.as_(username)
    page.get_by_role("link", name="Sign-off queue").click()
    journey.check(page, username)
    page.get_by_role("link", name=TITLE, exact=True).click()
    journey.check(page, username)
    for box in page.get_by_label("I read the version for").all():
        box.check()  # each written version, confirmed one by one
    page.get_by_label("I have read this revision and approve it for publication.").check()
    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Sign electronically").click()
    return page


def test_the_editorial_journey(demo_site, browser):
    journey = Journey(browser, demo_site.url)

    # 1. A new author signs up, writes, previews and submits.
    author = browser.new_context().new_page()
    author.goto(demo_site.url)
    journey.check(author, "visitor")
    author.get_by_role("link", name="Write for us").click()
    journey.check(author, "visitor")
    author.get_by_label("Your email").fill("noor@example.org")
    author.get_by_role("button", name="Email me a sign-up link").click()
    expect(author.get_by_text("Check your email")).to_be_visible()
    journey.check(author, "visitor")
    (link,) = re.findall(r"/accounts/signup/\S+", mail.outbox[-1].body)
    author.goto(demo_site.url + link)
    author.get_by_label("Username").fill("newauthor")
    author.get_by_label("Your name as readers will see it").fill("Noor Author")
    author.get_by_label(re.compile(r"^\s*Password\W*$")).fill("Journey-pass-2026")
    author.get_by_label("Password confirmation").fill("Journey-pass-2026")
    author.get_by_role("button", name="Create account").click()
    expect(author.get_by_text("Welcome!")).to_be_visible()
    journey.check(author, "author")
    author.get_by_role("link", name="Start a new article").click()
    author.get_by_label("The reader's question").fill(TITLE)
    author.get_by_label("Short answer (optional)", exact=True).fill(
        "Yes. Numbness in the feet is its most common nerve side effect."
    )
    author.get_by_label("Full answer", exact=True).fill(PROFESSIONAL_BODY)
    # Written mainly for patients (the default), so their version is open already.
    author.get_by_label("Short answer for patients and caregivers").fill("Yes, it often does.")
    author.get_by_label("Full answer for patients and caregivers").fill(PATIENT_BODY)
    pasted = "\n".join(f"Author A. {t}. {j}. {y}." for t, j, y in REFERENCES)
    author.get_by_label("Paste references").fill(pasted)
    author.get_by_role("button", name="Split pasted text into references").click()
    expect(author.get_by_text("Added 3 references from the pasted text.")).to_be_visible()
    # Every reference needs its type of study before the draft can go to review.
    for number, study_type in enumerate(("cohort", "randomised_trial", "guideline"), start=1):
        row = author.get_by_role("group", name=f"Reference row {number}")
        row.get_by_label("Type of study").select_option(study_type)
    author.get_by_role("button", name="Preview").click()
    expect(author.get_by_text("Every citation matches a reference")).to_be_visible()
    journey.check(author, "author")
    author.get_by_role("button", name="Save draft").click()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("The article is now “Submitted”")).to_be_visible()
    tracker = author.get_by_role("navigation", name="Review status")
    expect(tracker.locator('[aria-current="step"]')).to_contain_text("Submitted")
    journey.check(author, "author")

    # 2. The editor invites two reviewers.
    editor = journey.as_("editor")
    editor.get_by_role("link", name="Editorial queue").click()
    journey.check(editor, "editor")
    editor.get_by_role("link", name=TITLE).click()
    journey.check(editor, "editor")
    editor.get_by_role("link", name="Invite reviewers").click()
    editor.get_by_label("Rahul Iyer, MD").check()
    editor.get_by_label("Sofia Costa, MD").check()
    editor.get_by_role("button", name="Send invitations").click()
    expect(editor.get_by_text("Invited Rahul Iyer, Sofia Costa.")).to_be_visible()
    journey.check(editor, "editor")
    author.reload()
    expect(tracker.locator('[aria-current="step"]')).to_contain_text("Under Review")

    # 3. One declines with a reason; the editor invites another; reviews arrive.
    declining = journey.as_("reviewer2")
    declining.get_by_role("link", name="My reviews").click()
    declining.get_by_role("link", name=TITLE).click()
    declining.get_by_label("Why are you declining?").fill("I am away for a month.")
    declining.get_by_label("Someone you would suggest instead").fill("Mei Tanaka")
    declining.get_by_role("button", name="Decline the invitation").click()
    expect(declining.get_by_text("You declined; the editor has been told.")).to_be_visible()
    editor.reload()
    expect(editor.get_by_text("I am away for a month.")).to_be_visible()
    editor.get_by_label("Mei Tanaka, PharmD").check()
    editor.get_by_role("button", name="Send invitations").click()
    _review(journey, "reviewer", "Minor changes", "Please give the usual cumulative dose.")
    _review(journey, "reviewer3", "Approve as it is", "Accurate and clear.")

    # 4. Changes requested; the author answers; round 2.
    editor.get_by_role("link", name="Read this round's reviews and decide").click()
    journey.check(editor, "editor")
    editor.get_by_label("Request changes", exact=True).check()
    editor.get_by_label("Your letter").fill("Please add the dose.")
    editor.get_by_role("button", name="Record the decision").click()
    author.goto(f"{demo_site.url}/desk/")
    author.get_by_role("link", name="Revise and resubmit").click()
    expect(author.get_by_text("Please give the usual cumulative dose.")).to_be_visible()
    journey.check(author, "author")
    body = author.get_by_label("Full answer", exact=True)
    body.fill(body.input_value() + "\n\nA usual cap is 2 mg per dose [2].")
    author.get_by_label("Response to the editor and reviewers").fill("Added the dose cap.")
    author.get_by_role("button", name="Save draft").click()
    author.get_by_role("button", name="Resubmit revised draft").click()
    expect(author.get_by_text("The article is now “Under Review”")).to_be_visible()
    editor.goto(f"{demo_site.url}/office/queue/")
    editor.get_by_role("link", name=TITLE).click()
    editor.get_by_role("link", name="Manage reviewers").click()
    editor.get_by_role("button", name="Invite them again").click()
    _review(journey, "reviewer", "Approve as it is", "Thank you, resolved.")
    _review(journey, "reviewer3", "Approve as it is", "Still accurate.")

    # 5. The board: a wrong password, then two signatures.
    editor.goto(f"{demo_site.url}/office/queue/")
    editor.get_by_role("link", name=TITLE).click()
    editor.get_by_role("link", name="Read the reviews and decide").click()
    editor.get_by_label("Send to Advisory Board", exact=True).check()
    editor.get_by_role("button", name="Record the decision").click()
    expect(editor.get_by_text("The article is now “Board review”")).to_be_visible()
    first = _sign(journey, "board", password="wrong password")
    # The error summary takes focus and links to the password box.
    expect(first.get_by_role("region", name="Please fix this problem")).to_be_focused()
    expect(
        first.get_by_role("link", name="Your password: That password is not correct")
    ).to_have_attribute("href", "#id_password")
    journey.check(first, "board")
    first.get_by_label("Your password").fill(PASSWORD)
    first.get_by_role("button", name="Sign electronically").click()
    expect(first.get_by_text("awaits further board sign-offs")).to_be_visible()
    second = _sign(journey, "board2")
    expect(second.get_by_text("the article is approved")).to_be_visible()

    # 6. A visitor reads it, switches to the patient version and asks a question.
    visitor = browser.new_context().new_page()
    visitor.goto(demo_site.url)
    visitor.get_by_role("link", name=TITLE).click()
    journey.check(visitor, "visitor")
    visitor.get_by_text("How this was checked").click()
    expect(
        visitor.get_by_role("navigation", name="Review status").locator('[aria-current="step"]')
    ).to_contain_text("Approved")
    approval = visitor.get_by_role("region", name="Approval")
    expect(approval).to_contain_text("Grace Okafor")
    expect(approval).to_contain_text("Erik Lindqvist")
    expect(visitor.get_by_text("Next review due")).to_be_visible()
    expect(visitor.get_by_text("Not yet approved.")).to_have_count(0)
    visitor.get_by_label("Patient or caregiver").check()
    visitor.get_by_role("button", name="Show this version").click()
    expect(visitor.locator(".article-body")).to_contain_text("This medicine can cause")
    expect(visitor.locator(".glossary dfn").first).to_have_text("neuropathy")
    journey.check(visitor, "visitor")
    visitor.get_by_role("link", name="Write to the editors").click()
    visitor.get_by_label("Your question or the error you found").fill("Does it affect hands too?")
    visitor.get_by_role("button", name="Send to the editors").click()
    expect(visitor.get_by_text("Your message went to our editors")).to_be_visible()
    editor.goto(f"{demo_site.url}/office/queue/")
    expect(editor.get_by_text("1 reader message waiting for an editor.")).to_be_visible()
    editor.goto(f"{demo_site.url}/office/questions/")
    expect(editor.get_by_text("Does it affect hands too?")).to_be_visible()
    journey.check(editor, "editor")

    # 7. The author updates the approved article; readers keep the approved text.
    author.goto(f"{demo_site.url}/desk/")
    author.get_by_role("link", name=TITLE).click()
    author.get_by_role("link", name="Start an update").click()
    body = author.get_by_label("Full answer", exact=True)
    body.fill(body.input_value() + "\n\nUnreviewed new claim [1].")
    author.get_by_role("button", name="Save draft").click()
    author.get_by_role("button", name="Submit for review").click()
    visitor.reload()
    visitor.get_by_label("Healthcare professional").check()
    visitor.get_by_role("button", name="Show this version").click()
    expect(visitor.locator(".article-body")).to_contain_text("2 mg per dose")
    expect(visitor.locator(".article-body")).not_to_contain_text("Unreviewed new claim")
    visitor.get_by_text("How this was checked").click()
    expect(visitor.get_by_role("region", name="Approval")).to_be_visible()

    assert len(journey.checked) >= 20
    assert {who for who, _ in journey.checked} >= {"visitor", "author", "editor", "board"}


def test_keyboard_reaches_picker_citations_and_question_form(demo_site, page):
    page.goto(demo_site.url + "/articles/can-bortezomib-cause-peripheral-neuropathy/")
    reached = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return [e.name || '', e.getAttribute('href') || '', e.tagName]; })()"
        )
        name, href, _tag = focused
        if name == "audience":
            reached.add("picker")
        if re.fullmatch(r"#ref-\d+", href):
            reached.add("citation")
        if "/question/" in href:
            reached.add("question link")
            break
    assert reached == {"picker", "citation", "question link"}
    # Enter opens the form in place and puts the reader in its text box.
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your question or the error you found")).to_be_focused()
