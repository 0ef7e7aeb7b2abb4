"""Evidence grades: authors give each reference a type of study and,
optionally, a GRADE certainty; reviewers see and can question them; readers
get them in words for their level; a changed grade shows in the diff."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import AudienceLevel, Role
from articles.models import Article, AuditEntry, Certainty, Reference, StudyType
from articles.services import revision_save_draft
from articles.text.evidence import evidence_wording
from reviews.models import Review, ReviewAssignment

from .factories import UserFactory, editor_payload, reference

WHY = "Reference 1 is a retrospective chart review, not a prospective cohort."


def _graded(n: int, study_type: str = "randomised_trial", certainty: str = "moderate") -> dict:
    return {**reference(n), "study_type": study_type, "certainty": certainty}


def _text(response) -> str:
    return response.content.decode()


# -- authors ------------------------------------------------------------------


def test_author_sets_the_grade_in_the_editor_and_sees_it_again(client, author):
    client.force_login(author)
    response = client.post(
        reverse("articles:create"),
        editor_payload(
            title="Does drug X cause symptom Y?",
            summary="Sometimes.",
            body="## Why\n\nA trial showed it [1].",
            references=[_graded(1, "randomised_trial", "high")],
        ),
    )
    assert response.status_code == 302
    ref = Reference.objects.get()
    assert (ref.study_type, ref.certainty) == ("randomised_trial", "high")

    edit = _text(client.get(reverse("articles:edit", args=[ref.revision.article_id])))
    assert "Type of study" in edit and "Certainty of the evidence (GRADE)" in edit
    assert '<option value="randomised_trial" selected>' in edit
    assert '<option value="high" selected>' in edit
    # The workspace's own reading of the article shows the grade too.
    revision = _text(client.get(reverse("articles:revision", args=[ref.revision.article_id, 1])))
    assert "Evidence grade: Randomised controlled trial · GRADE certainty: high" in revision


def test_an_unknown_study_type_is_a_form_error_and_keeps_the_text(client, author):
    client.force_login(author)
    payload = editor_payload(
        title="Does drug X cause symptom Y?",
        body="Kept body text [1].",
        references=[{**reference(1), "study_type": "anecdote"}],
    )
    response = client.post(reverse("articles:create"), payload)
    assert response.status_code == 400
    text = _text(response)
    assert "Select a valid choice" in text and "Kept body text [1]." in text
    assert not Article.objects.exists()


def test_draft_without_study_type_saves_but_submission_is_refused_precisely(client, author):
    client.force_login(author)
    ungraded = {**reference(1), "study_type": ""}
    client.post(
        reverse("articles:create"),
        editor_payload(
            title="Does drug X cause symptom Y?",
            summary="Sometimes.",
            body="## Why\n\nA study showed it [1].",
            references=[ungraded],
        ),
    )
    article = Article.objects.get()  # the draft is saved without a grade
    message = (
        "Reference 1 (“A study of things number 1”): choose its type of study "
        "(randomised trial, cohort, guideline…)."
    )
    workspace = _text(client.get(reverse("articles:workspace", args=[article.pk])))
    assert message in workspace

    response = client.post(
        reverse("articles:transition", args=[article.pk, "submit"]),
        {"comment": "", "seen_state": "draft"},
    )
    assert response.status_code == 409
    assert message in _text(response)
    article.refresh_from_db()
    assert article.state == "draft"
    assert not AuditEntry.objects.filter(action="submit").exists()


# -- reviewers ----------------------------------------------------------------


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="reviewer2", display_name="Rita Second", roles=[Role.REVIEWER])


@pytest.fixture
def under_review(client, draft, advance, editor, reviewer, second_reviewer, author):
    revision_save_draft(
        article=draft,
        author=author,
        seen_hash=draft.current_revision.content_hash,
        title=draft.title,
        primary_audience="patient",
        summary="Yes, sometimes.",
        body="## Why\n\nA cohort [1] and a trial [2].",
        references=[_graded(1, "cohort", "low"), _graded(2, "randomised_trial", "high")],
    )
    article = advance(draft, "submit")
    client.force_login(editor)
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    client.post(
        reverse("reviews:invite", args=[article.pk]),
        {"reviewers": [reviewer.pk, second_reviewer.pk], "due_date": due, "message": "Thanks"},
    )
    for person in (reviewer, second_reviewer):
        client.force_login(person)
        client.post(
            reverse("reviews:respond", args=[_assignment(article, person).pk]),
            {"action": "accept", "conflict": "none"},
        )
    article.refresh_from_db()
    return article


def _assignment(article, person):
    return ReviewAssignment.objects.get(round__article=article, reviewer=person)


def _review(client, article, person, **fields):
    client.force_login(person)
    data = {
        "recommendation": "minor",
        "comments_to_author": "Clear and careful.",
        "action": "submit",
        **fields,
    }
    return client.post(reverse("reviews:assignment", args=[_assignment(article, person).pk]), data)


def test_reviewer_sees_each_grade_and_questions_one(client, under_review, reviewer, editor):
    client.force_login(reviewer)
    page = _text(
        client.get(reverse("reviews:assignment", args=[_assignment(under_review, reviewer).pk]))
    )
    assert "Evidence grade: Cohort or other observational study · GRADE certainty: low" in page
    assert "Evidence grade: Randomised controlled trial · GRADE certainty: high" in page
    assert "Evidence grades you question" in page

    response = _review(client, under_review, reviewer, questioned_grades=["1"], grade_comments=WHY)
    assert response.status_code == 302
    review = Review.objects.get(assignment__reviewer=reviewer)
    assert review.questioned_grades == [1] and review.grade_comments == WHY
    entry = AuditEntry.objects.get(action="review_submitted")
    assert "Questions the evidence grade of reference 1." in entry.comment

    mine = _text(client.get(reverse("reviews:assignment", args=[review.assignment.pk])))
    assert "Evidence grades questioned" in mine and WHY in mine

    client.force_login(editor)
    round_page = _text(client.get(reverse("reviews:round", args=[under_review.pk, 1])))
    assert "Evidence grades questioned" in round_page
    assert "Reference [1] “A study of things number 1”: Cohort or other observational" in round_page
    assert WHY in round_page


def test_a_ticked_grade_needs_a_reason_and_a_reason_needs_a_tick(client, under_review, reviewer):
    response = _review(client, under_review, reviewer, questioned_grades=["2"])
    assert response.status_code == 400
    assert "Say why you question the grades you ticked." in _text(response)
    response = _review(client, under_review, reviewer, grade_comments=WHY)
    assert response.status_code == 400
    text = _text(response)
    assert "Tick the references whose grades your comment is about." in text
    assert WHY in text  # what was typed is kept
    response = _review(client, under_review, reviewer, questioned_grades=["7"], grade_comments=WHY)
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)
    assert Review.objects.get(assignment__reviewer=reviewer).status == "draft"


def test_the_author_reads_the_questioned_grade_with_the_review(
    client, under_review, reviewer, second_reviewer, editor, author, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _review(client, under_review, reviewer, questioned_grades=["1"], grade_comments=WHY)
    _review(client, under_review, second_reviewer)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("articles:transition", args=[under_review.pk, "request_changes"]),
            {"comment": "Please answer the reviews.", "seen_state": "under_review"},
        )
    (mail,) = [m for m in mailoutbox if m.to == [author.email]]
    assert "Evidence grades questioned" in mail.body and WHY in mail.body

    client.force_login(author)
    edit = _text(client.get(reverse("articles:edit", args=[under_review.pk])))
    assert "Evidence grades questioned:" in edit
    assert "[1] “A study of things number 1”: Cohort or other observational study" in edit
    assert WHY in edit


@pytest.mark.parametrize("who", ["stranger", "other_author", "author", "second_reviewer"])
def test_only_the_invited_reviewer_may_question_grades_in_their_review(
    client, under_review, reviewer, request, who
):
    person = request.getfixturevalue(who)
    client.force_login(person)
    url = reverse("reviews:assignment", args=[_assignment(under_review, reviewer).pk])
    response = client.post(
        url, {"recommendation": "minor", "comments_to_author": "x", "questioned_grades": ["1"],
              "grade_comments": WHY, "action": "submit"},
    )  # fmt: skip
    assert response.status_code in (403, 404)
    assert client.get(url).status_code in (403, 404)
    review = Review.objects.get(assignment__reviewer=reviewer)
    assert review.status == "draft" and review.questioned_grades == []


def test_people_outside_the_article_do_not_see_the_questioned_grade(
    client, under_review, reviewer, stranger, other_author
):
    _review(client, under_review, reviewer, questioned_grades=["1"], grade_comments=WHY)
    for person in (stranger, other_author):
        client.force_login(person)
        for url in (
            reverse("articles:edit", args=[under_review.pk]),
            reverse("articles:workspace", args=[under_review.pk]),
            reverse("reviews:round", args=[under_review.pk, 1]),
        ):
            response = client.get(url)
            assert response.status_code in (403, 404), (person, url)
            assert WHY not in _text(response)


# -- readers ------------------------------------------------------------------


def test_wording_for_each_level():
    assert evidence_wording("randomised_trial", "moderate", "patient") == (
        "A randomised trial, in which chance decided which treatment each person got. "
        "What it supports here is probably right."
    )
    assert evidence_wording("case_report", "", "patient") == (
        "A report on one patient or a handful of patients."
    )
    student = evidence_wording("cohort", "low", "student")
    assert student.startswith("Cohort or observational study: groups followed")
    assert student.endswith("Certainty of the evidence (GRADE): low.")
    assert evidence_wording("guideline", "very_low", "professional") == (
        "Clinical guideline · GRADE certainty: very low"
    )
    assert evidence_wording("", "", "patient") == ""
    # Every type of study and certainty has words at every level.
    for study_type in StudyType.values:
        for certainty in Certainty.values:
            for level in AudienceLevel.values:
                assert evidence_wording(study_type, certainty, level)


@pytest.fixture
def published(draft, publish):
    return publish(
        draft,
        body="## Mechanism\n\nShown in a trial [1].",
        references=[_graded(1, "randomised_trial", "moderate")],
        audience_versions={
            "patient_summary": "Sometimes, yes.",
            "patient_body": "## What happens\n\nA trial showed it [1].",
            "student_summary": "Yes.",
            "student_body": "## Evidence\n\nOne trial [1].",
        },
    )


@pytest.mark.parametrize(
    ("level", "shown", "not_shown"),
    [
        (
            "patient",
            "Evidence: A randomised trial, in which chance decided which treatment each "
            "person got. What it supports here is probably right.",
            "GRADE certainty: moderate",
        ),
        (
            "student",
            "Evidence: Randomised controlled trial: participants allocated to groups by "
            "chance, so the groups differ mainly in the treatment. Certainty of the "
            "evidence (GRADE): moderate.",
            "in which chance decided",
        ),
        (
            "professional",
            "Evidence: Randomised controlled trial · GRADE certainty: moderate",
            "in which chance decided",
        ),
    ],
)
def test_reader_page_words_the_grade_for_the_level(client, published, level, shown, not_shown):
    # Read another level first: a cached page or fragment must not leak across levels.
    other = "professional" if level == "patient" else "patient"
    client.get(reverse("reader:level", args=[published.slug, other]))
    text = _text(client.get(reverse("reader:level", args=[published.slug, level])))
    references = text.split('id="references-heading"')[1]
    assert shown in references
    assert not_shown not in references
    assert "Evidence grade:" not in text  # the desk's wording is not the readers'


def test_reader_page_query_count_is_unchanged_with_grades(
    client, published, django_assert_max_num_queries
):
    # The same budget as tests/test_public_page.py: the grades' wording reads nothing more.
    cache.clear()
    with django_assert_max_num_queries(5):
        response = client.get(reverse("reader:level", args=[published.slug, "student"]))
    assert "Certainty of the evidence (GRADE): moderate." in _text(response)


# -- diffs ----------------------------------------------------------------------


def test_a_changed_grade_shows_in_the_revision_diff(client, author, draft, advance):
    article = advance(draft, "submit", "start_review", "request_changes")
    client.force_login(author)
    response = client.post(
        reverse("articles:edit", args=[article.pk]),
        editor_payload(
            title=article.title,
            summary="Yes, sometimes.",
            body="## Why\n\nBecause of a mechanism [1].",
            references=[_graded(1, "randomised_trial", "low")],
            seen_hash=article.current_revision.content_hash,
        ),
    )
    assert response.status_code == 302
    text = _text(client.get(reverse("articles:compare", args=[article.pk]), {"old": 1, "new": 2}))
    refs = text.split(">References</h2>")[1]
    # Revision 1 called it a cohort with no certainty (tests/factories.py).
    changed = refs.split('class="diff-block diff-changed">')[1].split("</div>")[0]
    assert "— Evidence: " in changed
    removed = "".join(part.split("</del>")[0] for part in changed.split("<del>")[1:])
    added = "".join(part.split("</ins>")[0] for part in changed.split("<ins>")[1:])
    assert "Cohort" in removed and "observational" in removed
    assert "Randomised" in added and "GRADE certainty: low" in added


def test_board_member_sees_each_grade_on_the_signing_page(client, draft, advance, board_member):
    article = advance(draft, "submit", "start_review", "send_to_board")
    client.force_login(board_member)
    page = _text(client.get(reverse("reviews:signoff", args=[article.pk])))
    assert "Evidence grade: Cohort or other observational study" in page
    assert "references with their evidence grades" in page


def test_desk_shows_a_missing_type_of_study_as_such(client, author):
    client.force_login(author)
    client.post(
        reverse("articles:create"),
        editor_payload(
            title="Does drug X cause symptom Y?",
            body="A study [1].",
            references=[{**reference(1), "study_type": ""}],
        ),
    )
    article = Article.objects.get()
    page = _text(client.get(reverse("articles:revision", args=[article.pk, 1])))
    assert "Evidence grade: Type of study not given" in page
