"""The reader's article page: which revision, which wording, what it costs."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import GlossaryTerm, PublicFrom, ReaderQuestion, Reference
from articles.services import revision_save_draft

from .factories import PASSWORD, UserFactory, reference

PATIENT_BODY = "## What happens\n\nThe drug can cause neuropathy in the feet [1]."


@pytest.fixture
def published(draft, publish, policy):
    """An approved article with a patient version, signed by one board member."""
    return publish(
        draft,
        body="## Mechanism\n\nAxonal injury is dose related [1].",
        references=[reference(1)],
        audience_versions={"patient_summary": "Sometimes, yes.", "patient_body": PATIENT_BODY},
    )


def _page(client, article, audience=None, **params):
    """The article at `audience`'s own address, or at its bare one."""
    if audience:
        return client.get(reverse("reader:level", args=[article.slug, audience]), params)
    return client.get(reverse("reader:public", args=[article.slug]), params)


def _parts_in_order(text: str, markers: list[str]) -> bool:
    positions = [text.index(marker) for marker in markers]
    return positions == sorted(positions)


def test_approved_page_has_all_ten_parts_in_order(client, published):
    response = _page(client, published)
    text = response.content.decode()
    assert response.status_code == 200
    assert _parts_in_order(
        text,
        [
            '<h1 id="article-title">Can drug X cause symptom Y?</h1>',
            # One line on the text's standing, the rest behind a disclosure.
            "Approved by the Medical Advisory Board",
            "<summary>How this was checked</summary>",
            "checked for accuracy by our Medical Advisory Board",
            'aria-label="Review status"',
            "Last updated",
            '<legend class="level-label">Reading level</legend>',
            'class="article-summary"',
            'class="article-body"',
            'id="references-heading"',
            'id="disclaimer-heading"',
            "Have a follow-up question?",
        ],
    )
    assert "Next review due" in text
    assert 'href="/editorial-policy/"' in text
    assert "Bo Board, MD" in text  # who signed
    assert "Not yet fully reviewed" not in text
    assert text.count("<h1") == 1


def test_tracker_marks_approved_as_current(client, published):
    text = _page(client, published).content.decode()
    current = text.split('aria-current="step"')[1].split("</li>")[0]
    assert "Approved" in current
    assert f"{published.approved_at:%-d %b %Y}" in current


def test_work_in_review_is_shown_with_a_caution_when_the_policy_allows(
    client, draft, advance, policy
):
    article = advance(draft, "submit", "start_review")
    text = _page(client, article).content.decode()
    assert "Not yet approved." in text
    current = text.split('aria-current="step"')[1].split("</li>")[0]
    assert "Under Review" in current
    assert "Next review due" not in text

    policy.public_from = PublicFrom.APPROVAL
    policy.save()
    assert _page(client, article).status_code == 404


def test_the_tracker_moves_on_with_the_workflow(client, draft, advance, policy):
    """The tracker is kept between views; the next step still shows at once."""
    policy.public_from = PublicFrom.SUBMISSION
    policy.save()
    article = advance(draft, "submit")
    current = _page(client, article).content.decode().split('aria-current="step"')[1]
    assert "Submitted" in current.split("</li>")[0]
    advance(article, "start_review")
    current = _page(client, article).content.decode().split('aria-current="step"')[1]
    assert "Under Review" in current.split("</li>")[0]


@pytest.mark.parametrize("steps", [[], ["submit", "desk_reject"], ["submit", "withdraw"]])
def test_drafts_rejected_and_withdrawn_articles_are_not_public(client, draft, advance, steps):
    article = advance(draft, *steps)
    assert _page(client, article).status_code == 404


def test_changes_requested_shows_the_last_submitted_revision_not_the_draft(client, draft, advance):
    article = advance(draft, "submit", "start_review", "request_changes", "edit")
    text = _page(client, article).content.decode()
    assert "Because of a mechanism" in text  # revision 1, as submitted
    assert "Revised after review" not in text  # the author's open draft


def test_published_text_stays_while_an_update_is_in_review(client, published, advance):
    article = advance(published, "edit", "submit", "start_review")
    text = _page(client, article, audience="professional").content.decode()
    assert "Axonal injury is dose related" in text
    assert "Revised after review" not in text
    assert "Approved by the Medical Advisory Board" in text


def test_audience_version_and_fallback_note(client, published):
    patient = _page(client, published, audience="patient").content.decode()
    assert "The drug can cause" in patient and "Axonal injury" not in patient
    assert "no separate version for your reading level" not in patient
    student = _page(client, published, audience="student").content.decode()
    assert "Axonal injury" in student
    assert "no separate version for your reading level" in student


def test_each_level_links_back_only_to_the_citations_its_text_has(
    client, make_article, advance, author
):
    """The reference list is kept between views, once per level: the patient
    text cites one reference, the professional text both."""
    article = make_article(body="## Why\n\nTwo findings [1] [2].", references=2)
    revision_save_draft(
        article=article,
        author=author,
        seen_hash=article.current_revision.content_hash,
        title=article.title,
        primary_audience="professional",
        summary="Yes, sometimes.",
        body="## Why\n\nTwo findings [1] [2].",
        references=[reference(1), reference(2)],
        audience_versions={"patient_summary": "Sometimes.", "patient_body": "One finding [1]."},
    )
    article = advance(article, "submit", "start_review", "send_to_board", "sign")
    for _ in range(2):
        professional = _page(client, article, audience="professional").content.decode()
        assert 'href="#cite-1"' in professional and 'href="#cite-2"' in professional
        patient = _page(client, article, audience="patient").content.decode()
        assert 'href="#cite-1"' in patient and 'href="#cite-2"' not in patient
        assert 'id="ref-2"' in patient  # listed, not cited


def test_disclaimer_wording_depends_on_the_level(client, published):
    texts = {
        level: _page(client, published, audience=level)
        .content.decode()
        .split('id="disclaimer-heading"')[1]
        for level in ("patient", "student", "professional")
    }
    assert "not advice about your own care" in texts["patient"]
    assert "does not replace your course materials" in texts["student"]
    assert "does not replace, clinical judgement" in texts["professional"]


# Glossary pinning and its rendering: tests/test_fingerprints.py.


def test_new_approval_never_shows_the_old_cached_text(client, published, advance):
    assert "Axonal injury" in _page(client, published, audience="professional").content.decode()
    article = advance(published, "edit", "submit", "start_review", "send_to_board", "sign")
    text = _page(client, article, audience="professional").content.decode()
    assert "Revised after review" in text and "Axonal injury" not in text


def test_url_beats_profile_beats_cookie_beats_article_default(client, published):
    assert "The drug can cause" in _page(client, published).content.decode()  # article default
    client.cookies["audience"] = "professional"
    assert "Axonal injury" in _page(client, published).content.decode()  # cookie
    reader = UserFactory(preferred_audience="patient")
    client.force_login(reader)
    assert "The drug can cause" in _page(client, published).content.decode()  # profile
    text = _page(client, published, audience="student").content.decode()  # the level's address
    assert "the level this address is for" in text and "Axonal injury" in text


def test_choosing_a_level_without_javascript_is_remembered_for_visitors(client, published):
    """The cached page's picker is a plain GET form: it opens the level's own
    address and a cookie remembers the level for the article's bare address."""
    page = _page(client, published).content.decode()
    picker = page[
        page.index('class="level-picker"') : page.index("</form>", page.index("level-picker"))
    ]
    assert 'method="get"' in picker and "csrfmiddlewaretoken" not in picker
    response = client.get(
        reverse("reader:audience", args=[published.slug]), {"audience": "professional"}
    )
    assert response.status_code == 302
    assert response.url == reverse("reader:level", args=[published.slug, "professional"])
    assert response.cookies["audience"].value == "professional"
    assert "no-store" in response["Cache-Control"]
    assert "Axonal injury" in client.get(response.url).content.decode()
    assert "Axonal injury" in _page(client, published).content.decode()  # remembered


def test_a_signed_in_reader_posts_the_level_and_their_profile_keeps_it(client, published):
    reader = UserFactory(preferred_audience="patient")
    client.force_login(reader)
    page = _page(client, published).content.decode()
    picker = page[
        page.index('class="level-picker"') : page.index("</form>", page.index("level-picker"))
    ]
    assert 'method="post"' in picker and "csrfmiddlewaretoken" in picker
    response = client.post(
        reverse("reader:audience", args=[published.slug]), {"audience": "student"}
    )
    assert response.url == reverse("reader:level", args=[published.slug, "student"])
    reader.refresh_from_db()
    assert reader.preferred_audience == "student"
    # A link cannot change a profile: GET only sets the visitor's cookie.
    client.get(reverse("reader:audience", args=[published.slug]), {"audience": "professional"})
    reader.refresh_from_db()
    assert reader.preferred_audience == "student"


def test_old_level_links_move_to_the_levels_own_address(client, published):
    response = client.get(
        reverse("reader:public", args=[published.slug]), {"audience": "professional"}
    )
    assert response.status_code == 301
    assert response.url == reverse("reader:level", args=[published.slug, "professional"])
    assert client.get(f"/articles/{published.slug}/wizard/").status_code == 404


def test_choosing_a_level_when_signed_in_updates_the_profile(client, published):
    reader = UserFactory(preferred_audience="patient")
    client.force_login(reader)
    client.post(reverse("reader:audience", args=[published.slug]), {"audience": "student"})
    reader.refresh_from_db()
    assert reader.preferred_audience == "student"


def test_invalid_level_is_refused_politely(client, published):
    response = client.post(
        reverse("reader:audience", args=[published.slug]), {"audience": "wizard"}, follow=True
    )
    assert "Please choose one of the three levels." in response.content.decode()
    assert "audience" not in client.cookies or client.cookies["audience"].value != "wizard"


def test_query_count_does_not_grow_with_references_signatures_or_glossary(
    client, published, django_assert_max_num_queries, second_board_member
):
    with django_assert_max_num_queries(5):
        _page(client, published, audience="patient")
    revision = published.published_revision
    # Grow everything the page lists, behind the application's back.
    Reference.objects.bulk_create(
        Reference(revision=revision, position=n, title=f"Extra {n}") for n in range(2, 60)
    )
    from articles.models import Revision
    from reviews.models import BoardSignoff

    # Signatures on the grown text, so they verify against it.
    grown = Revision.objects.get(pk=revision.pk)
    fingerprint = grown.compute_content_hash()
    for n in range(20):
        signer = UserFactory(username=f"signer{n}", display_name=f"Dr signer{n}")
        BoardSignoff.objects.create(
            revision=revision,
            signer=signer,
            signer_name=signer.display_name,
            content_hash=fingerprint,
            version_fingerprints=grown.version_fingerprints(),
        )
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(term=f"term{n}", explanation="x") for n in range(100)
    )
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(5):
        response = _page(client, published, audience="patient")
    assert response.content.decode().count("signer") >= 20


def test_reader_question_reaches_the_editors(client, published):
    response = client.post(
        reverse("reader:question", args=[published.slug]),
        {"kind": "question", "question": "Does it also affect the hands?", "audience": "patient"},
    )
    assert response.status_code == 302
    question = ReaderQuestion.objects.get()
    assert question.revision == published.published_revision
    assert "Thank you" in client.get(response.url).content.decode()


def test_reader_question_errors_keep_the_text(client, published):
    response = client.post(
        reverse("reader:question", args=[published.slug]),
        {"kind": "question", "question": "", "email": "not-an-email", "audience": "patient"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter a valid email address." in text
    assert 'value="not-an-email"' in text
    assert not ReaderQuestion.objects.exists()


def test_honeypot_posts_are_dropped_quietly(client, published):
    client.post(
        reverse("reader:question", args=[published.slug]),
        {
            "kind": "question",
            "question": "Buy now",
            "audience": "patient",
            "website": "spam.example",
        },
    )
    assert not ReaderQuestion.objects.exists()


def test_home_lists_public_articles_only(client, published, make_article, advance):
    hidden = make_article(title="Still a draft?")
    text = client.get(reverse("reader:home")).content.decode()
    assert reverse("reader:public", args=[published.slug]) in text
    assert hidden.title not in text


def test_policy_page_states_the_current_settings(client, policy):
    policy.board_quorum = 2
    policy.rereview_interval_months = 18
    policy.save()
    text = client.get(reverse("reader:policy")).content.decode()
    assert "Advisory Board signatures needed to approve an article: 2." in text
    assert "checked again within 18 months" in text


def test_altered_published_text_is_not_presented_as_approved(client, published):
    from django.db import connection

    from articles.models import Revision

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Revision._meta.db_table} SET body = %s WHERE id = %s",
            ["Take ten times the dose [1].", published.published_revision_id],
        )
    text = _page(client, published, audience="professional").content.decode()
    assert "Approval could not be confirmed" in text
    assert "Approved by the Medical Advisory Board" not in text
    assert "Bo Board" not in text
    board = client.get(reverse("reader:board")).content.decode()
    assert published.title not in board


def test_last_updated_is_the_approval_date_and_past_due_dates_are_not_promised(client, published):
    import datetime

    text = _page(client, published).content.decode()
    dates = text.split("Last updated")[1].split("</p>")[0]
    assert f'datetime="{published.published_revision.approved_at:%Y-%m-%d}' in dates
    published.next_review_due = datetime.date(2020, 1, 1)
    published.save()
    assert "Next review due" not in _page(client, published).content.decode()


def test_signed_in_reader_without_a_choice_gets_the_article_default(client, published):
    reader = UserFactory()  # never picked a level
    client.force_login(reader)
    client.cookies["audience"] = "professional"
    assert "Axonal injury" in _page(client, published).content.decode()  # the cookie


def test_level_picker_does_not_reveal_unpublished_articles(client, draft):
    response = client.post(reverse("reader:audience", args=[draft.slug]), {"audience": "student"})
    assert response.status_code == 404


def test_unsubmitted_draft_titles_never_reach_public_lists(client, draft, advance, author):
    article = advance(draft, "submit", "start_review", "request_changes")
    revision_save_draft(
        article=article,
        author=author,
        seen_hash=article.current_revision.content_hash,
        title="SECRET DRAFT TITLE?",
        primary_audience="professional",
        summary="s",
        body="b [1]",
        references=[reference(1)],
    )
    assert "SECRET DRAFT TITLE" not in client.get(reverse("reader:home")).content.decode()
    article = advance(article, "resubmit")
    assert "SECRET DRAFT TITLE" in client.get(reverse("reader:home")).content.decode()


def test_anonymous_readers_get_validators_and_a_304_while_nothing_changed(client, published):
    first = _page(client, published, audience="patient")
    etag = first["ETag"]
    assert first["Last-Modified"]
    again = client.get(
        reverse("reader:level", args=[published.slug, "patient"]), HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304
    other_level = _page(client, published, audience="professional")
    assert other_level["ETag"] != etag


def test_a_new_approval_changes_the_validator(client, published, advance):
    etag = _page(client, published, audience="professional")["ETag"]
    article = advance(published, "edit", "submit", "start_review", "send_to_board", "sign")
    response = client.get(
        reverse("reader:level", args=[article.slug, "professional"]), HTTP_IF_NONE_MATCH=etag
    )
    assert response.status_code == 200
    assert "Revised after review" in response.content.decode()


def test_signed_in_pages_are_not_cached(client, published):
    client.force_login(UserFactory())
    response = _page(client, published)
    assert not response.has_header("ETag")


def test_policy_page_query_count_is_bounded(client, policy, editor, django_assert_max_num_queries):
    from articles.services import policy_update

    for quorum in (2, 3, 4):
        policy_update(editor=editor, data={"board_quorum": quorum}, note="n", seen_version=None)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("reader:policy")).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("reader:policy_versions")).status_code == 200


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def test_anonymous_page_is_served_from_the_page_cache_as_the_same_bytes(
    client, published, page_cache_on, django_assert_max_num_queries
):
    first = _page(client, published, audience="patient")
    other = __import__("django.test", fromlist=["Client"]).Client()
    with django_assert_max_num_queries(0):
        second = _page(other, published, audience="patient")
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies and not second.cookies
    assert second["ETag"] == first["ETag"] and "public" in second["Cache-Control"]


def test_a_workflow_change_replaces_the_cached_page(
    client, published, advance, page_cache_on, django_capture_on_commit_callbacks
):
    assert "Axonal injury" in _page(client, published, audience="professional").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article = advance(published, "edit", "submit", "start_review", "send_to_board", "sign")
    text = _page(client, article, audience="professional").content.decode()
    assert "Revised after review" in text and "Axonal injury" not in text


def test_a_policy_change_replaces_the_cached_page(
    client, draft, advance, policy, page_cache_on, django_capture_on_commit_callbacks
):
    article = advance(draft, "submit", "start_review")
    assert _page(client, article).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        policy.public_from = PublicFrom.APPROVAL
        policy.save()
    assert _page(client, article).status_code == 404


def test_signed_in_readers_and_messages_bypass_the_page_cache(client, published, page_cache_on):
    _page(client, published)
    client.force_login(UserFactory(display_name="Signed Reader"))
    assert "Signed in as Signed Reader" in _page(client, published).content.decode()


def test_a_re_review_from_a_reader_message_shows_on_the_cached_page(
    client, published, editor, policy, page_cache_on, django_capture_on_commit_callbacks
):
    policy.show_overdue_publicly = True
    policy.save()
    assert "Review overdue" not in _page(client, published).content.decode()
    question = ReaderQuestion.objects.create(
        article=published, revision=published.published_revision, kind="error", question="Wrong?"
    )
    editor_client = __import__("django.test", fromlist=["Client"]).Client()
    editor_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("office:question_handle", args=[question.pk]), {"rereview": "on"}
        )
    assert "Review overdue" in _page(client, published).content.decode()


def test_signing_in_does_not_empty_the_page_cache(
    client, published, editor, page_cache_on, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _page(client, published)
    staff = __import__("django.test", fromlist=["Client"]).Client()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in = staff.post(
            reverse("accounts:login"), {"username": editor.username, "password": PASSWORD}
        )
    assert signed_in.status_code == 302
    with django_assert_max_num_queries(0):
        assert _page(client, published).status_code == 200


def test_a_signed_in_reader_choosing_a_level_does_not_empty_the_page_cache(
    client, published, stranger, page_cache_on, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _page(client, published)
    reader = __import__("django.test", fromlist=["Client"]).Client()
    reader.force_login(stranger)
    with django_capture_on_commit_callbacks(execute=True):
        chosen = reader.post(
            reverse("reader:audience", args=[published.slug]), {"audience": "student"}
        )
    assert chosen.status_code == 302
    stranger.refresh_from_db()
    assert stranger.preferred_audience == "student"
    with django_assert_max_num_queries(0):
        assert _page(client, published).status_code == 200


def test_a_signers_new_specialty_replaces_the_cached_page(
    client, published, board_member, page_cache_on, django_capture_on_commit_callbacks
):
    assert "Neurology" not in _page(client, published).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        board_member.specialty = "Neurology"
        board_member.save(update_fields=["specialty"])
    assert "Bo Board, MD</a>, Neurology" in _page(client, published).content.decode()


def test_a_new_display_name_re_renders_the_cached_page(
    client, published, board_member, page_cache_on, django_capture_on_commit_callbacks
):
    _page(client, published)
    with django_capture_on_commit_callbacks(execute=True):
        board_member.display_name = "Dr Bo Board"
        board_member.save(update_fields=["display_name"])
    with CaptureQueriesContext(connection) as rendered:
        assert _page(client, published).status_code == 200
    assert len(rendered) > 0  # rendered afresh, not served from the cache


def _chrome(html: str) -> str:
    """The site header and footer, with the per-response form token masked."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)
    header = html[html.index("<header") : html.index("</header>")]
    footer = html[html.index("<footer") : html.index("</footer>")]
    return header + footer


@pytest.mark.parametrize("role", [None, "author", "editor", "reviewer", "board_member", "stranger"])
def test_article_page_and_other_pages_share_one_site_layout(client, published, role, request):
    """The reader's pages and the desk pages are drawn in the one layout, so
    every role sees the same navigation everywhere."""
    user = request.getfixturevalue(role) if role else None
    if user:
        client.force_login(user)
    article_page = _page(client, published).content.decode()
    home_page = client.get(reverse("reader:home")).content.decode()
    assert _chrome(article_page) == _chrome(home_page)
    signed_in = "Sign out" in article_page
    assert signed_in == bool(user)
    assert ("Editorial queue" in article_page) == (role == "editor")
    assert ("Sign-off queue" in article_page) == (role == "board_member")


def test_dates_are_shown_in_the_sites_time_zone(client, published, settings, author):
    from datetime import UTC, datetime

    from articles.models import Revision

    late_evening = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    Revision.objects.filter(pk=published.published_revision_id).update(approved_at=late_evening)
    settings.TIME_ZONE = "Pacific/Auckland"  # already 10 March there
    text = _page(client, published).content.decode()
    assert "Approved by the Medical Advisory Board</strong> on" in text
    assert 'datetime="2026-03-10T12:30:00+13:00">10 March 2026</time>' in text
    assert "9 March 2026" not in text


def test_links_follow_the_address_the_site_is_served_under(client, published):
    """Behind a proxy that serves the site under /medical, every link on the
    page starts there; the next request at the root links to the root."""
    from django.test.utils import override_script_prefix

    with override_script_prefix("/medical/"):  # what the WSGI handler sets
        text = client.get(f"/articles/{published.slug}/").content.decode()
    assert f'href="/medical/articles/{published.slug}/question/?audience=patient"' in text
    assert 'href="/medical/editorial-policy/"' in text
    text = _page(client, published).content.decode()
    assert f'href="/articles/{published.slug}/question/?audience=patient"' in text
    assert "/medical/" not in text


def test_question_form_starts_empty_at_each_readers_level(client, published):
    """The form is on its own page, opened from the article at the level read:
    what one reader typed never shows on another's page."""
    question_url = reverse("reader:question", args=[published.slug])
    sent = client.post(
        question_url, {"kind": "question", "question": "About my own dose", "email": "nope"}
    )
    assert sent.status_code == 400
    assert "About my own dose" in sent.content.decode()  # kept for the sender
    for level in ("student", "patient", "student"):
        text = _page(client, published, audience=level).content.decode()
        assert "About my own dose" not in text
        assert f'href="{question_url}?audience={level}"' in text
        form_page = client.get(question_url, {"audience": level})
        assert "private" in form_page["Cache-Control"]
        form = form_page.content.decode()
        assert "About my own dose" not in form and "is-invalid" not in form
        assert "csrfmiddlewaretoken" in form
        form = form[form.index('id="question-audience"') :]
        assert f'<option value="{level}" selected>' in form
        assert form.count(" selected>") == 1


# Sharing, search engines, contents and the list of words (issue 22)


def _meta(html: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, f"no {name} in the page"
    return match.group(1)


def test_each_level_describes_the_page_with_its_own_short_answer(client, published):
    bare = f"http://testserver/articles/{published.slug}/"
    for level, answer in (("patient", "Sometimes, yes."), ("professional", "Yes, in some people.")):
        html = _page(client, published, audience=level).content.decode()
        # Each level's own address; the bare one for the level it was written for.
        canonical = bare if level == "patient" else f"{bare}{level}/"
        assert _meta(html, "name", "description") == answer
        assert _meta(html, "property", "og:description") == answer
        assert _meta(html, "name", "twitter:description") == answer
        assert _meta(html, "property", "og:title") == "Can drug X cause symptom Y?"
        assert _meta(html, "property", "og:type") == "article"
        assert f'<link rel="canonical" href="{canonical}">' in html
        assert _meta(html, "property", "og:url") == canonical
    html = _page(client, published).content.decode()
    assert _meta(html, "property", "og:url") == bare
    assert '<meta name="robots" content="noindex">' not in html


def test_the_description_is_plain_text_without_citations_and_trimmed(
    client, draft, advance, author
):
    long_answer = "Often, and it matters [1]. " + "Nerves in the feet suffer first. " * 12
    revision_save_draft(
        article=draft,
        author=author,
        seen_hash=draft.current_revision.content_hash,
        title=draft.title,
        primary_audience="professional",
        summary=long_answer,
        body="Body [1].",
        references=[reference(1)],
    )
    draft.refresh_from_db()
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    description = _meta(_page(client, article).content.decode(), "name", "description")
    assert description.startswith("Often, and it matters. Nerves in the feet suffer first.")
    assert "[1]" not in description and "<" not in description
    assert len(description) <= 200 and description.endswith(" in…")  # cut between words


@pytest.fixture
def explained(draft, advance, author, policy):
    """An approved article whose patient text uses two glossary terms and
    has three sections; the glossary is pinned when it is submitted."""
    GlossaryTerm.objects.create(term="neuropathy", explanation="damage to nerves")
    GlossaryTerm.objects.create(term="proteasome", explanation="a cell's recycling machine")
    revision_save_draft(
        article=draft,
        author=author,
        seen_hash=draft.current_revision.content_hash,
        title=draft.title,
        primary_audience="patient",
        summary="Yes, in some people.",
        body="## Mechanism\n\nAxonal injury is dose related [1].",
        references=[reference(1)],
        audience_versions={
            "patient_summary": "Sometimes it causes neuropathy.",
            "patient_body": "## Why\n\nIt blocks the proteasome [1].\n\n## Who\n\nMany."
            "\n\n## What to do\n\nTell your nurse about neuropathy.",
        },
    )
    draft.refresh_from_db()
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def test_glossary_terms_link_to_the_words_listed_under_the_text(client, explained):
    html = _page(client, explained, audience="patient").content.decode()
    # Each term links to its definition; the first use is where the list links back.
    first_use = r'<a href="#define-neuropathy" id="use-neuropathy"[^>]*><dfn>neuropathy<'
    assert re.search(first_use, html)
    assert html.count('id="use-neuropathy"') == 1  # explained again lower down, one id
    words = html[html.index('id="words-heading"') : html.index('id="references-heading"')]
    assert '<dt id="define-neuropathy">neuropathy</dt>' in words
    assert "damage to nerves" in words and "a cell&#x27;s recycling machine" in words
    assert 'href="#use-proteasome"' in words
    # The list comes from the glossary the board signed, not the live one.
    GlossaryTerm.objects.filter(term="neuropathy").update(explanation="changed later")
    from django.core.cache import cache

    cache.clear()
    html = _page(client, explained, audience="patient").content.decode()
    assert "damage to nerves" in html and "changed later" not in html
    # The professional text explains no terms, so it lists none.
    html = _page(client, explained, audience="professional").content.decode()
    assert "Words used in this article" not in html


def test_long_articles_list_their_sections_on_this_page(client, explained):
    html = _page(client, explained, audience="patient").content.decode()
    contents = html[html.index('id="contents-heading"') :]
    for anchor in ("section-why", "section-who", "section-what-to-do"):
        assert f'href="#{anchor}"' in contents
        assert f'id="{anchor}"' in html  # every entry leads somewhere
    # One section is no reason for a contents list.
    html = _page(client, explained, audience="professional").content.decode()
    assert 'id="section-mechanism"' in html and 'id="contents-heading"' not in html


def test_notices_cost_one_query_and_only_when_there_are_some(
    client, published, editor, django_assert_max_num_queries
):
    from articles.services import article_notice_issue

    article_notice_issue(article=published, editor=editor, kind="correction", reason="Dose fixed.")
    with django_assert_max_num_queries(6):
        html = _page(client, published).content.decode()
    assert "Dose fixed." in html
    assert html.index("Dose fixed.") < html.index('class="article-summary"')
