"""Honest public states (issue 21): what readers may open before approval,
what its page says about review, where it is listed, and who wrote, reviewed
and approved the text."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role
from articles.models import Article, PublicFrom, Revision
from reviews.models import ReviewRound
from reviews.services import invitation_accept, review_save, reviewers_invite

from .factories import UserFactory

BADGE = "checked for accuracy by our Medical Advisory Board"
NOINDEX = '<meta name="robots" content="noindex">'


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def _page(client, article):
    return client.get(reverse("reader:public", args=[article.slug]))


def _caution(html: str) -> str:
    return " ".join(html.split('aria-label="Caution"')[1].split("</section>")[0].split())


def _structured(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _home_parts(client) -> tuple[str, str]:
    html = client.get(reverse("reader:home")).content.decode()
    approved, _, in_review = html.partition('<h2 class="mt-4">Still in review</h2>')
    return approved, in_review


def _invite(article, editor, *people):
    return reviewers_invite(
        article=article,
        editor=editor,
        reviewers=list(people),
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )


def _review(assignment):
    invitation_accept(assignment=assignment, reviewer=assignment.reviewer, has_conflict=False)
    review_save(
        assignment=assignment,
        reviewer=assignment.reviewer,
        submit=True,
        data={
            "recommendation": "minor",
            "comments_to_author": "Mostly clear.",
            "claims_supported": True,
            "doses_checked": True,
            "audience_fit": True,
        },
    )


@pytest.fixture
def sent_out(draft, advance, editor, reviewer, second_reviewer):
    """An article an editor sent to two reviewers, one of whom has answered."""
    first, _second = _invite(advance(draft, "submit"), editor, reviewer, second_reviewer)
    _review(first)
    return Article.objects.get(pk=draft.pk)


@pytest.fixture
def approved(make_article, advance):
    return advance(
        make_article(title="Does ginger ease nausea?"),
        "submit", "start_review", "send_to_board", "sign",
    )  # fmt: skip


# -- the default policy --------------------------------------------------


def test_a_bare_submission_is_nowhere_public_by_default(client, draft, advance, policy, approved):
    assert policy.public_from == PublicFrom.REVIEW
    article = advance(draft, "submit")
    assert _page(client, article).status_code == 404
    home = client.get(reverse("reader:home")).content.decode()
    assert article.title not in home and "Still in review</h2>" not in home
    for stage in ("approved", "any", "in_review"):
        found = client.get(reverse("reader:search"), {"q": "drug", "stage": stage})
        assert article.title not in found.content.decode()
    assert article.slug not in client.get(reverse("reader:feed")).content.decode()
    assert article.slug not in client.get("/sitemap.xml").content.decode()


def test_work_under_review_is_readable_noindex_and_listed_apart(
    client, sent_out, approved, reviewer
):
    response = _page(client, sent_out)
    html = response.content.decode()
    assert response.status_code == 200
    assert NOINDEX in html
    sent_on = _day(sent_out.review_rounds.get().assignments.earliest("invited_at").invited_at)
    assert (
        f"<strong>Not yet approved.</strong> Sent to two clinical reviewers on {sent_on}. "
        "One review has come back so far." in _caution(html)
    )
    assert BADGE not in html
    assert "reviewed and signed off" not in html
    data = _structured(html)
    assert "reviewedBy" not in data and "lastReviewed" not in data

    approved_part, in_review_part = _home_parts(client)
    assert sent_out.title in in_review_part and sent_out.title not in approved_part
    assert approved.title in approved_part
    assert "These articles are not approved yet" in in_review_part
    assert "Under Review, not yet approved" in in_review_part
    assert sent_out.slug not in client.get("/sitemap.xml").content.decode()
    assert sent_out.slug not in client.get(reverse("reader:feed")).content.decode()
    found = client.get(reverse("reader:search"), {"q": "drug"}).content.decode()
    assert sent_out.title not in found  # approved only unless the reader asks
    found = client.get(reverse("reader:search"), {"q": "drug", "stage": "any"}).content.decode()
    assert sent_out.title in found and "Under Review, not yet approved" in found


def test_an_approved_page_is_indexed_and_claims_its_review(client, approved):
    html = _page(client, approved).content.decode()
    assert NOINDEX not in html
    assert BADGE in html
    assert "every version was reviewed and signed off together" in html
    data = _structured(html)
    assert data["reviewedBy"][0]["name"] == "Bo Board"
    assert data["lastReviewed"] == approved.approved_at.date().isoformat()
    assert "Not yet approved" not in html


def test_a_page_whose_approval_fails_to_verify_claims_nothing(client, approved):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Revision._meta.db_table} SET body = %s WHERE id = %s",
            ["Take ten times the dose [1].", approved.published_revision_id],
        )
    html = _page(client, approved).content.decode()
    assert "Approval could not be confirmed" in html
    assert NOINDEX in html and BADGE not in html
    assert "reviewed and signed off" not in html
    assert "Peer reviewed by" not in html
    data = _structured(html)
    assert "reviewedBy" not in data and "lastReviewed" not in data


# -- each policy setting -------------------------------------------------


@pytest.mark.parametrize(
    ("public_from", "submitted_public", "in_review_public"),
    [
        (PublicFrom.APPROVAL, False, False),
        (PublicFrom.REVIEW, False, True),
        (PublicFrom.SUBMISSION, True, True),
    ],
)
def test_each_policy_setting_decides_what_readers_open(
    client, make_article, advance, policy, approved, public_from, submitted_public, in_review_public
):
    policy.public_from = public_from
    policy.save()
    submitted = advance(make_article(title="Is honey good for a cough?"), "submit")
    in_review = advance(make_article(title="Does zinc shorten a cold?"), "submit", "start_review")
    assert (_page(client, submitted).status_code == 200) is submitted_public
    assert (_page(client, in_review).status_code == 200) is in_review_public
    approved_part, in_review_part = _home_parts(client)
    assert approved.title in approved_part
    assert (submitted.title in in_review_part) is submitted_public
    assert (in_review.title in in_review_part) is in_review_public
    assert submitted.title not in approved_part and in_review.title not in approved_part
    search = client.get(reverse("reader:search"), {"q": "zinc", "stage": "any"}).content.decode()
    assert ('name="stage"' in search) is in_review_public
    assert _page(client, approved).status_code == 200  # approved text whatever the setting


# -- what the banner says at each stage ----------------------------------


def test_a_submission_says_nobody_has_reviewed_it(client, draft, advance, policy):
    policy.public_from = PublicFrom.SUBMISSION
    policy.save()
    article = advance(draft, "submit")
    html = _page(client, article).content.decode()
    assert NOINDEX in html
    assert (
        "Not yet approved.</strong> "
        f"Submitted on {_day(article.submitted_at)}; nobody has reviewed it yet." in _caution(html)
    )
    assert "Peer review" not in html


def test_review_started_without_reviewers_says_so(client, draft, advance):
    article = advance(draft, "submit", "start_review")
    opened = _day(article.review_rounds.get().opened_at)
    assert (
        "Not yet approved.</strong> "
        f"An editor started its review on {opened}; no reviewers have been invited yet."
        in _caution(_page(client, article).content.decode())
    )


def test_changes_requested_says_who_reviewed_and_that_the_author_revises(client, draft, advance):
    article = advance(draft, "submit", "start_review", "request_changes")
    closed = _day(article.review_rounds.get().closed_at)
    html = _page(client, article).content.decode()
    assert (
        "Not yet approved.</strong> "
        f"Reviewed by two clinicians; changes were asked for on {closed}. "
        "The author is revising it." in _caution(html)
    )
    assert "Peer reviewed by two clinicians (names withheld)." in html


def test_a_resubmission_says_it_was_revised(client, draft, advance):
    article = advance(draft, "submit", "start_review", "request_changes", "edit", "resubmit")
    opened = _day(article.current_round().opened_at)
    html = _page(client, article).content.decode()
    assert (
        "Revised by the author after reviewers asked for changes. "
        f"Back with an editor since {opened}; no reviewers have been invited yet." in _caution(html)
    )
    assert "Peer review" not in html  # nobody has reviewed this revision yet


def test_board_review_says_reviewed_and_with_the_board(client, draft, advance):
    article = advance(draft, "submit", "start_review", "send_to_board")
    closed = _day(article.review_rounds.get(decision=ReviewRound.Decision.BOARD).closed_at)
    html = _page(client, article).content.decode()
    assert (
        "Not yet approved.</strong> "
        f"Reviewed by two clinicians; with our Medical Advisory Board since {closed}."
        in _caution(html)
    )
    assert BADGE not in html and "Approved by the Medical Advisory Board" not in html


# -- byline and disclosures ----------------------------------------------


def test_byline_names_authors_reviews_and_signers_with_disclosures(
    client, draft, advance, author, other_author, board_member, reviewer
):
    author.credentials = "PharmD"
    author.disclosure = "Paid speaker for Acme Pharma (2025)."
    author.save()
    draft.authors.add(other_author)
    board_member.disclosure = "Holds shares in Beta Health."
    board_member.save()
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    html = _page(client, article).content.decode()
    byline = html.split('aria-labelledby="byline-heading"')[1].split("</section>")[0]
    byline = " ".join(byline.split())
    assert "<strong>Ada Author, PharmD</strong>" in byline
    assert "Competing interests: Paid speaker for Acme Pharma (2025)." in byline
    assert f"<strong>{other_author.name_with_credentials}</strong>" in byline
    assert "Competing interests: None declared." in byline  # the co-author declared nothing
    assert "Peer reviewed by two clinicians (names withheld)." in byline
    assert str(reviewer) not in html
    approval = html.split('aria-label="Approval"')[1].split("</section>")[0]
    assert "Bo Board, MD" in approval
    assert "Competing interests: Holds shares in Beta Health." in approval


def test_work_in_review_has_a_byline_too(client, sent_out, author):
    html = _page(client, sent_out).content.decode()
    byline = html.split('aria-labelledby="byline-heading"')[1].split("</section>")[0]
    assert "Ada Author" in byline and "None declared." in byline
    assert "Peer reviewed by one clinician (names withheld)." in byline


def test_the_page_costs_the_same_however_many_authors_and_reviews(
    client, make_article, advance, editor, author, policy, django_assert_max_num_queries
):
    policy.reviewers_per_round = 6  # all six invitations stand until the reviews are in
    policy.save()
    article = make_article(title="Is garlic good for the heart?")
    for number in range(6):
        article.authors.add(UserFactory(username=f"coauthor{number}", roles=[Role.AUTHOR]))
    people = [UserFactory(username=f"rev{n}", roles=[Role.REVIEWER]) for n in range(6)]
    article = advance(article, "submit")
    for assignment in _invite(article, editor, *people):
        _review(assignment)
    # The article and its authors, the policy, the revision shown, its
    # references, how many clinicians reviewed it, its rounds.
    with django_assert_max_num_queries(7):
        html = _page(client, article).content.decode()
    assert "Sent to six clinical reviewers" in html and "Six reviews have come back" in html
    assert html.count("Competing interests:") == 7

    article = advance(article, "send_to_board", "sign")
    # The article (with how many clinicians reviewed it and whether it has
    # notices) and its authors, the policy, the references, the signatures
    # with their signers.
    with django_assert_max_num_queries(5):
        html = _page(client, article).content.decode()
    assert "Peer reviewed by six clinicians (names withheld)." in html
    assert html.count("Competing interests:") == 7 + 1  # the authors, then the signer


def test_a_cached_page_follows_review_and_the_byline(
    client, draft, advance, editor, reviewer, second_reviewer, author, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        article = advance(draft, "submit")
        first, _second = _invite(article, editor, reviewer, second_reviewer)
    assert "No review has come back yet." in _page(client, article).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _review(first)
    assert "One review has come back so far." in _page(client, article).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        author.disclosure = "Consultant for Gamma Labs."
        author.save(update_fields=["disclosure"])
    assert "Consultant for Gamma Labs." in _page(client, article).content.decode()


def test_a_browser_revalidating_sees_the_new_review_count(client, sent_out, second_reviewer):
    response = _page(client, sent_out)
    etag = response["ETag"]
    assert (
        client.get(
            reverse("reader:public", args=[sent_out.slug]), headers={"if-none-match": etag}
        ).status_code
        == 304
    )
    _review(sent_out.current_round().assignments.get(reviewer=second_reviewer))
    again = client.get(
        reverse("reader:public", args=[sent_out.slug]), headers={"if-none-match": etag}
    )
    assert again.status_code == 200 and "Two reviews have come back" in again.content.decode()
