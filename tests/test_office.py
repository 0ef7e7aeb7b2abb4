"""The editorial office: dashboard figures, people and roles, invitations,
the glossary and the audit log, all for editors only."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.constants import MULTI
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role, RoleChange, User
from articles.models import GlossaryTerm, ReaderQuestion
from office.figures import days_in_state, reviewer_workload, state_counts
from reviews.models import ReviewAssignment

DAY0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
OFFICE_PAGES = [
    "office:dashboard",
    "office:glossary",
    "office:glossary_new",
    "office:audit",
    "office:audit_csv",
    "accounts:people",
]


@pytest.fixture
def timed_articles(make_article, advance, policy):
    """Two articles whose stays in each state are known to the day."""
    plans = [(2, 3, 1), (4, 5, 3)]  # days in submitted, under review, board review
    for index, (submitted, review, board) in enumerate(plans):
        start = DAY0 + datetime.timedelta(days=10 * index)
        with time_machine.travel(start, tick=False):
            article = advance(make_article(title=f"Timed {index}?"), "submit")
        moments = [submitted, submitted + review, submitted + review + board]
        for step, days in zip(["start_review", "send_to_board", "sign"], moments, strict=True):
            with time_machine.travel(start + datetime.timedelta(days=days), tick=False):
                article = advance(article, step)
    return plans


def test_time_in_state_medians_and_90th_percentiles(timed_articles):
    with time_machine.travel(DAY0 + datetime.timedelta(days=30), tick=False):
        figures = days_in_state()
    assert figures["submitted"]["count"] == 2
    assert figures["submitted"]["median"] == 3.0
    assert figures["under_review"]["median"] == 4.0
    assert figures["board_review"]["median"] == 2.0
    assert figures["under_review"]["p90"] == 4.8  # 3 and 5 days, inclusive method


def test_stays_older_than_ninety_days_are_left_out(timed_articles):
    with time_machine.travel(DAY0 + datetime.timedelta(days=200), tick=False):
        assert days_in_state() == {}


def test_dashboard_counts_each_state_and_stage(client, editor, make_article, advance):
    advance(make_article(title="A?"), "submit")
    advance(make_article(title="B?"), "submit", "start_review")
    make_article(title="C?")
    assert state_counts()["submitted"] == 1 and state_counts()["draft"] == 1
    client.force_login(editor)
    text = client.get(reverse("office:dashboard")).content.decode()
    stage_table = text.split("<caption>Articles by public stage</caption>")[1].split("</table>")[0]
    assert '<th scope="row">Submitted</th><td>1</td>' in stage_table
    assert '<th scope="row">Under Review</th><td>1</td>' in stage_table
    assert "<svg" in text and "<title" in text


def test_dashboard_query_count_does_not_grow(
    client, editor, make_article, advance, reviewer, django_assert_max_num_queries
):
    client.force_login(editor)
    for n in range(3):
        advance(make_article(title=f"Q{n}?"), "submit", "start_review")
    # 14: the header's unread-notification count is one of them, the open
    # alerts about cited studies another.
    with django_assert_max_num_queries(14):
        client.get(reverse("office:dashboard"))
    for n in range(3, 15):
        advance(make_article(title=f"Q{n}?"), "submit", "start_review", "request_changes")
    with django_assert_max_num_queries(14):
        client.get(reverse("office:dashboard"))


@pytest.fixture
def rows_fetched(monkeypatch):
    """How many rows the ORM reads from the database: the page's cost, which
    a query count alone hides when one query returns the whole archive."""
    fetched = []
    execute_sql = SQLCompiler.execute_sql

    def counting(self, result_type=MULTI, *args, **kwargs):
        result = execute_sql(self, result_type, *args, **kwargs)
        if result_type != MULTI or result is None:
            return result

        def chunks():
            for chunk in result:
                fetched.append(len(chunk))
                yield chunk

        return chunks()

    monkeypatch.setattr(SQLCompiler, "execute_sql", counting)
    return lambda: sum(fetched)


def test_dashboard_reads_no_more_rows_for_an_older_archive(
    client, editor, make_article, advance, rows_fetched
):
    with time_machine.travel(DAY0, tick=False):
        advance(make_article(title="Recent?"), "submit", "start_review", "reviews")
    with time_machine.travel(DAY0 + datetime.timedelta(days=1), tick=False):
        client.force_login(editor)
        before = rows_fetched()
        recent_page = client.get(reverse("office:dashboard")).content.decode()
        recent_rows = rows_fetched() - before
    for n in range(6):
        with time_machine.travel(DAY0 - datetime.timedelta(days=400 - n), tick=False):
            advance(make_article(title=f"Old {n}?"), "submit", "start_review", "reviews")
    with time_machine.travel(DAY0 + datetime.timedelta(days=1), tick=False):
        client.force_login(editor)
        before = rows_fetched()
        page = client.get(reverse("office:dashboard")).content.decode()
        assert rows_fetched() - before <= recent_rows
    stays = page.split("Median days</th>")[1].split("</table>")[0]
    assert stays == recent_page.split("Median days</th>")[1].split("</table>")[0]


def test_reviewer_median_days_to_submit_over_all_their_reviews(
    editor, reviewer, make_article, advance
):
    for n, days in enumerate([1, 9, 3, 4]):
        with time_machine.travel(DAY0 - datetime.timedelta(days=300 * n), tick=False):
            article = advance(make_article(title=f"Reviewed {n}?"), "submit", "start_review")
            advance(article, "reviews")
        # Invitation and review come in one step here; move the invitation back.
        ReviewAssignment.objects.filter(round__article=article, reviewer=reviewer).update(
            invited_at=DAY0 - datetime.timedelta(days=300 * n + days)
        )
    with time_machine.travel(DAY0 + datetime.timedelta(days=1), tick=False):
        rows = {row["reviewer"]: row for row in reviewer_workload(DAY0.date(), viewer=editor)}
    assert rows[reviewer]["median_days"] == 3.5  # 1, 3, 4 and 9 days


@pytest.mark.parametrize("name", OFFICE_PAGES)
@pytest.mark.parametrize("role", ["author", "reviewer", "board_member", "stranger"])
def test_office_pages_are_for_editors_only(client, people, name, role):
    client.force_login(people[role])
    assert client.get(reverse(name)).status_code == 403


# -- people and roles ----------------------------------------------------------


def test_granting_and_removing_roles_is_recorded(client, editor, stranger):
    client.force_login(editor)
    url = reverse("accounts:person_roles", args=[stranger.pk])
    client.post(url, {"role": Role.REVIEWER, "action": "grant"})
    assert User.objects.get(pk=stranger.pk).has_perm("accounts.review_articles")
    client.post(url, {"role": Role.REVIEWER, "action": "remove"})
    changes = list(RoleChange.objects.filter(person=stranger).order_by("created_at", "pk"))
    assert [(c.role, c.granted, c.changed_by) for c in changes] == [
        (Role.REVIEWER, True, editor),
        (Role.REVIEWER, False, editor),
    ]
    page = client.get(reverse("accounts:person", args=[stranger.pk])).content.decode()
    assert "Reviewer removed by Eve Editor" in page


def test_the_last_editor_cannot_be_removed(client, editor, admin_user):
    # Nobody changes their own roles (issue 19), so a site administrator tries.
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:person_roles", args=[editor.pk]),
        {"role": Role.EDITOR, "action": "remove"},
        follow=True,
    )
    assert "is the last Editor" in response.content.decode()
    assert User.objects.get(pk=editor.pk).groups.filter(name=Role.EDITOR).exists()
    assert not RoleChange.objects.exists()


def test_people_list_filters_by_role(client, editor, reviewer, author):
    client.force_login(editor)
    text = client.get(reverse("accounts:people"), {"role": Role.REVIEWER}).content.decode()
    assert reverse("accounts:person", args=[reviewer.pk]) in text
    assert reverse("accounts:person", args=[author.pk]) not in text


def test_editor_edits_a_public_profile(client, editor, board_member):
    client.force_login(editor)
    response = client.post(
        reverse("accounts:person", args=[board_member.pk]),
        {"display_name": "Bo Board", "credentials": "MD, FRCP", "specialty": "Neurology",
         "bio": "", "disclosure": "None."},
    )  # fmt: skip
    assert response.status_code == 302
    board_member.refresh_from_db()
    assert board_member.credentials == "MD, FRCP"


# -- invitations -----------------------------------------------------------------


def _invite(client, editor, django_capture_on_commit_callbacks, email="new@example.org"):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:people_invite"), {"email": email, "role": Role.BOARD})
    link = mail.outbox[-1].body.split("http://127.0.0.1:8000")[1].split()[0]
    client.logout()
    return link


def _join(client, link, username="newboard"):
    return client.post(
        link,
        {"username": username, "display_name": "Nia New", "credentials": "MD",
         "specialty": "", "password1": "Long-enough-pass-1", "password2": "Long-enough-pass-1"},
    )  # fmt: skip


def test_invitation_link_creates_an_account_in_the_role_once(
    client, editor, django_capture_on_commit_callbacks
):
    link = _invite(client, editor, django_capture_on_commit_callbacks)
    assert client.get(link).status_code == 200
    response = _join(client, link)
    assert response.status_code == 302
    person = User.objects.get(username="newboard")
    assert person.email == "new@example.org"
    assert person.has_perm("accounts.sign_off_articles")
    assert RoleChange.objects.filter(person=person, granted=True).exists()
    client.logout()
    reused = client.get(link)
    assert reused.status_code == 410
    assert "already used" in reused.content.decode()


def test_expired_invitation_is_refused(client, editor, django_capture_on_commit_callbacks):
    link = _invite(client, editor, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(link)
    assert response.status_code == 410
    assert "has expired" in response.content.decode()


def test_tampered_invitation_is_refused(client, editor, django_capture_on_commit_callbacks):
    link = _invite(client, editor, django_capture_on_commit_callbacks)
    response = client.get(link[:-3] + "abc/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()
    assert _join(client, link[:-3] + "abc/").status_code == 410
    assert not User.objects.filter(username="newboard").exists()


def test_no_invitation_for_an_existing_address(client, editor, reviewer):
    client.force_login(editor)
    response = client.post(
        reverse("accounts:people_invite"),
        {"email": reviewer.email, "role": Role.BOARD},
        follow=True,
    )
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


# -- glossary ----------------------------------------------------------------------


def test_glossary_refuses_duplicates_and_overlapping_synonyms(client, editor):
    GlossaryTerm.objects.create(
        term="neuropathy", explanation="nerve damage", synonyms="neuropathies"
    )
    client.force_login(editor)
    new = reverse("office:glossary_new")
    for data, message in [
        ({"term": "Neuropathy", "explanation": "x"}, "already explained"),
        (
            {"term": "nerve harm", "explanation": "x", "synonyms": "neuropathies"},
            "already explained",
        ),
        ({"term": "ace", "explanation": "x", "synonyms": "ACE"}, "repeats the term"),
    ]:
        response = client.post(new, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert GlossaryTerm.objects.count() == 1
    response = client.post(new, {"term": "myeloma", "explanation": "a blood cancer"})
    assert response.status_code == 302
    listing = client.get(reverse("office:glossary"), {"q": "myel"}).content.decode()
    assert "a blood cancer" in listing and "nerve damage" not in listing


# -- audit log ---------------------------------------------------------------------


def test_audit_log_filters_and_exports_csv(client, editor, draft, advance, author):
    advance(draft, "submit", "start_review", "request_changes")
    client.force_login(editor)
    page = client.get(reverse("office:audit"), {"person": editor.pk}).content.decode()
    assert "Request changes" in page and "Submit for review" not in page
    response = client.get(reverse("office:audit_csv"), {"action": "submit"})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when", "article", "article_id"]
    assert len(rows) == 2 and rows[1][5] == "submit" and rows[1][4] == author.username


# -- addresses before the office app -----------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/desk/office/", "/office/"),
        ("/desk/queue/?state=submitted", "/office/queue/?state=submitted"),
        ("/desk/audit/?action=submit", "/office/audit/?action=submit"),
        ("/desk/audit.csv?action=submit", "/office/audit.csv?action=submit"),
        ("/desk/glossary/", "/office/glossary/"),
        ("/desk/glossary/new/", "/office/glossary/new/"),
        ("/desk/glossary/{term}/", "/office/glossary/{term}/"),
        ("/desk/questions/", "/office/questions/"),
        ("/desk/policy/", "/office/policy/"),
        ("/desk/verification/", "/office/verification/"),
        ("/desk/people/?role=Editor", "/accounts/people/?role=Editor"),
        ("/desk/people/{editor}/", "/accounts/people/{editor}/"),
    ],
)
def test_an_editors_old_bookmark_opens_the_page_at_its_new_address(client, editor, old, new):
    term = GlossaryTerm.objects.create(term="dose", explanation="how much")
    old, new = (url.format(term=term.pk, editor=editor.pk) for url in (old, new))
    client.force_login(editor)
    response = client.get(old, follow=True)
    assert response.redirect_chain == [(new, 301)]
    assert response.status_code == 200


def test_dashboard_lists_unanswered_reader_messages_by_their_words(
    client, editor, make_article, advance
):
    article = advance(make_article(title="Can drug Q cause hiccups?"), "submit", "start_review")
    waiting = ReaderQuestion.objects.create(
        article=article,
        revision=article.current_revision,
        audience="patient",
        question="How long do the hiccups usually last after the first dose?",
    )
    ReaderQuestion.objects.create(
        article=article,
        revision=article.current_revision,
        audience="patient",
        question="Already answered: is it safe with food?",
        handled_at=timezone.now(),
        handled_by=editor,
        answer="Yes.",
    )
    client.force_login(editor)
    page = client.get(reverse("office:dashboard")).content.decode()

    link = f'<a href="{reverse("office:questions")}#q-{waiting.pk}">'
    assert link in page
    assert "How long do the hiccups usually last" in page[page.index(link) :]
    assert "Already answered" not in page
