"""Filling references from a PMID or DOI in the editor, and the reference
check at submission (articles.services.references_fill / article_submit,
articles/reference_checks.py). HTTP is replayed from tests/cassettes/."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    ArticleState,
    AuditEntry,
    CheckStatus,
    EditorialPolicy,
    PolicyVersion,
    ReferenceCheck,
)
from articles.services import article_create, article_submit, references_fill
from articles.tasks import recheck_unsettled_references
from reviews.models import ReviewAssignment
from reviews.services import invitation_accept, reviewers_invite

from .factories import editor_payload, reference
from .sources import replay
from .test_policy_and_questions import _policy_form

pytestmark = pytest.mark.django_db

MATCHING = {
    "authors": "Muller A, Okafor G",
    "title": "Drug X and symptom Y in adults: a randomised controlled trial",
    "journal": "BMJ",
    "year": 2019,
    "pmid": "30000001",
    "doi": "",
    "url": "",
    "study_type": "randomised_trial",
}
# What the author believes PMID 30000002 is; PubMed says otherwise.
DIFFERING = {**MATCHING, "pmid": "30000002"}
SENTENCE = (
    "Reference 1: PubMed gives the title “Sleep quality among night-shift nurses: a "
    "cross-sectional survey.”; you entered “Drug X and symptom Y in adults: a randomised "
    "controlled trial”."
)


@pytest.fixture
def article_citing(author):
    def make(*refs):
        return article_create(
            author=author,
            title="Can drug X cause symptom Y?",
            primary_audience="patient",
            summary="Yes, sometimes.",
            body="## Why\n\n" + " ".join(f"Finding [{n}]." for n in range(1, len(refs) + 1)),
            references=list(refs),
        )

    return make


def _submit(client, person, article):
    client.force_login(person)
    return client.post(
        reverse("articles:transition", args=[article.pk, "submit"]), {"seen_state": "draft"}
    )


# -- Filling a reference in -------------------------------------------------


def _fill(client, person, article, row):
    client.force_login(person)
    url = reverse("articles:edit", args=[article.pk]) if article else reverse("articles:create")
    payload = editor_payload(
        title="Can drug X cause symptom Y?",
        summary="Yes.",
        body="Because [1].",
        references=[row],
        seen_hash=article.current_revision.content_hash if article else "",
        action="fill_references",
    )
    return client.post(url, payload)


def test_an_author_fills_a_reference_from_its_pmid_alone_and_saving_stores_the_record(
    client, author, article_citing, lookups
):
    replay(lookups, "pubmed_match")
    article = article_citing(reference(1))
    row = {"authors": "", "title": "", "journal": "", "year": "", "pmid": "30000001"}

    response = _fill(client, author, article, row)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Reference row 1: filled in the authors, title, journal and year from PubMed." in page
    assert 'value="Drug X and symptom Y in adults: a randomised controlled trial."' in page
    assert 'value="Müller A, Okafor G, Lindqvist E"' in page
    assert 'value="2019"' in page
    article.refresh_from_db()
    assert article.current_revision.references.get().pmid == "1001"  # nothing saved yet

    data = editor_payload(
        title="Can drug X cause symptom Y?",
        summary="Yes.",
        body="Because [1].",
        references=[
            {
                **row,
                "authors": "Müller A, Okafor G, Lindqvist E",
                "title": "Drug X and symptom Y in adults: a randomised controlled trial.",
                "journal": "BMJ",
                "year": "2019",
                "doi": "",
                "url": "",
            }
        ],
        seen_hash=article.current_revision.content_hash,
        action="save",
    )
    assert client.post(reverse("articles:edit", args=[article.pk]), data).status_code == 302
    saved = article.current_revision.references.get()
    assert saved.source_record == {
        "source": "pubmed",
        "authors": "Müller A, Okafor G, Lindqvist E",
        "title": "Drug X and symptom Y in adults: a randomised controlled trial.",
        "journal": "BMJ",
        "year": 2019,
    }


def test_filling_keeps_what_the_author_typed_and_says_what_differs(
    client, author, article_citing, lookups
):
    replay(lookups, "pubmed_title_differs")
    article = article_citing(reference(1))
    row = {"authors": "", "title": "My own title", "journal": "", "year": "2019",
           "pmid": "30000002"}  # fmt: skip

    page = _fill(client, author, article, row).content.decode()

    assert 'value="My own title"' in page
    assert 'value="2019"' in page
    assert "Reference row 1: filled in the authors and journal from PubMed." in page
    assert "Reference row 1: PubMed gives the year 2017; you entered 2019." in page


def test_filling_an_unknown_pmid_says_so_and_keeps_the_row(client, author, article_citing, lookups):
    replay(lookups, "pubmed_unknown")
    article = article_citing(reference(1))
    row = {"authors": "Someone S", "title": "", "pmid": "99999999"}

    page = _fill(client, author, article, row).content.decode()

    assert "Reference row 1: PubMed has no record with PMID 99999999. Check the number." in page
    assert 'value="Someone S"' in page


def test_filling_while_the_network_is_down_asks_to_try_again(client, author, lookups):
    replay(lookups, "pubmed_unreachable")
    row = {"authors": "Someone S", "title": "Typed", "pmid": "30000001"}

    response = _fill(client, author, None, row)

    page = response.content.decode()
    assert (
        "Reference row 1: PubMed could not be reached just now, so nothing was filled in." in page
    )
    assert "Try again in a few minutes; what you typed is kept." in page
    assert 'value="Typed"' in page


def test_rows_without_an_identifier_are_left_alone(client, author, article_citing, lookups):
    article = article_citing(reference(1))
    page = _fill(client, author, article, {"title": "Only a title"}).content.decode()
    assert "No reference row has a PMID or DOI to look up." in page


@pytest.mark.parametrize("who", ["reviewer", "stranger", "other_author", "editor"])
def test_only_the_articles_authors_may_fill_its_references(
    client, people, article_citing, lookups, who
):
    article = article_citing(reference(1))

    response = _fill(client, people[who], article, {"pmid": "30000001"})

    assert response.status_code == 404  # a never-submitted draft is its authors' alone
    with pytest.raises(PermissionDenied):
        references_fill(user=people[who], article=article, rows={0: {"pmid": "30000001"}})
    assert not lookups.calls  # nobody was asked


def test_someone_who_may_not_write_articles_may_not_fill_a_new_one(client, stranger, lookups):
    assert _fill(client, stranger, None, {"pmid": "30000001"}).status_code == 403
    with pytest.raises(PermissionDenied):
        references_fill(user=stranger, article=None, rows={0: {"pmid": "30000001"}})


# -- The check at submission --------------------------------------------------


def test_a_matching_reference_is_verified_and_its_record_signed(
    client, author, article_citing, lookups
):
    replay(lookups, "pubmed_match")
    article = article_citing(MATCHING)

    assert _submit(client, author, article).status_code == 302

    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED
    ref = article.current_revision.references.get()
    assert ref.verification.status == CheckStatus.VERIFIED
    assert ref.source_record["title"] == (
        "Drug X and symptom Y in adults: a randomised controlled trial."
    )
    assert article.current_revision.is_frozen
    assert article.current_revision.content_hash == article.current_revision.compute_content_hash()
    page = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "Every one resolves, and its title, year and first author match the record." in page
    entry = AuditEntry.objects.get(article=article, action="references_checked")
    assert entry.comment.startswith("References with a PMID or DOI: 1 matched their records")


def test_a_mismatch_is_listed_for_authors_editors_and_reviewers_without_blocking(
    client, author, editor, reviewer, article_citing, lookups
):
    replay(lookups, "pubmed_title_differs")
    article = article_citing(DIFFERING)

    assert _submit(client, author, article).status_code == 302

    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED
    check = ReferenceCheck.objects.get()
    assert check.status == CheckStatus.MISMATCH
    assert check.problems[0] == SENTENCE
    for person in (author, editor):
        client.force_login(person)
        page = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
        assert "References checked against PubMed and Crossref" in page
        assert SENTENCE in page
        assert "PubMed gives the year 2017; you entered 2019." in page

    assignment = _invite(article, editor, reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert "PubMed gives the year 2017; you entered 2019." in page
    assert AuditEntry.objects.filter(article=article, action="references_checked").exists()


def test_with_the_blocking_setting_submission_is_refused_with_a_precise_message(
    client, author, editor, article_citing, lookups
):
    replay(lookups, "pubmed_title_differs", "pubmed_unknown")
    policy = EditorialPolicy.current()
    policy.reference_problems_block = True
    policy.save()
    unknown = {**MATCHING, "pmid": "99999999", "title": "A study that does not exist"}
    article = article_citing(DIFFERING, unknown)

    response = _submit(client, author, article)

    assert response.status_code == 409
    page = response.content.decode()
    assert "PubMed gives the year 2017; you entered 2019." in page
    assert "Reference 2: PubMed has no record with PMID 99999999." in page
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    assert not article.current_revision.is_frozen
    refs = list(article.current_revision.references.all())
    assert [r.title for r in refs] == [DIFFERING["title"], "A study that does not exist"]
    assert all(r.source_record == {} for r in refs)
    assert not ReferenceCheck.objects.exists()
    refused = AuditEntry.objects.get(article=article, action="submission_refused_references")
    assert "Reference 2: PubMed has no record with PMID 99999999." in refused.comment


def test_the_blocking_setting_is_audited_with_the_policy(client, editor, policy):
    client.force_login(editor)
    page = client.get(reverse("office:policy")).content.decode()
    assert "Unverified references block submission" in page

    response = client.post(
        reverse("office:policy"), _policy_form(policy, reference_problems_block="on")
    )

    assert response.status_code == 302
    latest = PolicyVersion.objects.order_by("-number").first()
    assert latest.settings_snapshot["reference_problems_block"] is True
    assert any(c["field"] == "reference_problems_block" for c in latest.changes)


def test_network_down_submission_proceeds_the_check_is_queued_and_shown_when_it_lands(
    client, author, article_citing, lookups, django_capture_on_commit_callbacks
):
    replay(lookups, "pubmed_unreachable")
    policy = EditorialPolicy.current()
    policy.reference_problems_block = True  # an unreachable service never blocks
    policy.save()
    article = article_citing(MATCHING)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert _submit(client, author, article).status_code == 302

    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED
    assert any("check_revision_references" in repr(c) for c in queued)
    check = ReferenceCheck.objects.get()
    assert check.status == CheckStatus.UNREACHABLE
    assert check.attempts == 2  # at submission, then the queued task (still down)
    page = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "Reference 1 has not been checked yet: PubMed could not be reached." in page

    lookups.routes.clear()
    replay(lookups, "pubmed_match")
    assert recheck_unsettled_references.call() == 1

    check.refresh_from_db()
    assert check.status == CheckStatus.VERIFIED
    page = client.get(reverse("articles:workspace", args=[article.pk])).content.decode()
    assert "Every one resolves, and its title, year and first author match the record." in page
    later = AuditEntry.objects.get(article=article, action="references_checked_later")
    assert later.actor is None and "1 matched their records" in later.comment
    # Landing after submission does not touch the signed revision.
    assert article.current_revision.references.get().source_record == {}
    assert recheck_unsettled_references.call() == 0


def test_lookups_switched_off_leave_submission_as_it_was(client, author, article_citing):
    article = article_citing(MATCHING)
    assert _submit(client, author, article).status_code == 302
    assert not ReferenceCheck.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "stranger", "other_author"])
def test_only_authors_submit_and_nobody_else_triggers_lookups(people, article_citing, lookups, who):
    article = article_citing(MATCHING)
    with pytest.raises(PermissionDenied):
        article_submit(article=article, by=people[who])
    assert not lookups.calls


def _invite(article, editor, reviewer):
    assignments = reviewers_invite(
        article=article,
        editor=editor,
        reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    invitation_accept(assignment=assignments[0], reviewer=reviewer, has_conflict=False)
    return ReviewAssignment.objects.get(pk=assignments[0].pk)
