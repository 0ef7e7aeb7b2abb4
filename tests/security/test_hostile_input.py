"""Hostile and malformed input: nothing executes, nothing crashes."""

import html as html_module
import re
from urllib.parse import urlsplit

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import GlossaryTerm, Reference
from articles.text.citations import citation_problems, parse_reference_block
from articles.text.rendering import GlossaryEntry, render_text

from ..factories import editor_payload, reference

PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'><svg onload=alert(2)>"


_C0_AND_SPACE = "".join(map(chr, range(0x21)))
# A URL-bearing attribute, double-, single- or un-quoted.
_URL_ATTRIBUTE = re.compile(
    r"""\s(href|src|action|formaction|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"""
)


def _no_markup(html: str) -> None:
    tags = re.findall(r"<[^>]*>", html.lower())
    assert not any(tag.startswith(("<script", "<img", "<svg", "<iframe")) for tag in tags)
    assert not any(re.search(r"\son\w+\s*=", tag) for tag in tags)
    # What a browser would follow: it drops tabs and newlines and trims
    # control characters before reading the scheme. ("0javascript:" is a
    # relative link, not a script.)
    for tag in tags:
        for match in _URL_ATTRIBUTE.finditer(tag):
            target = next(value for value in match.groups()[1:] if value is not None)
            cleaned = re.sub(r"[\t\n\r]", "", html_module.unescape(target)).strip(_C0_AND_SPACE)
            assert urlsplit(cleaned).scheme in {"", "http", "https", "mailto"}, target


markdownish = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=400,
) | st.lists(
    st.sampled_from(["[1]", "[2, 3]", "[1-200]", "## h", "- x", "`c`", "`", "[`", "<b>",
                     "[a](javascript:x)", "\u202e", "😀", "a" * 300, "\n\n", "<script>",
                     "[", "]", "(", ")"]),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=markdownish, references=st.integers(min_value=0, max_value=30))
def test_any_text_renders_safely(text, references):
    glossary = [GlossaryEntry("dose", "how much", ("dose", "doses"))]
    rendered = render_text(text, text, references, glossary=glossary, id_prefix="p-")
    _no_markup(rendered.summary + rendered.body)
    problems = citation_problems(text, [Reference(position=1, title="t")] * references)
    assert all(isinstance(problem, str) for problem in problems)
    parse_reference_block(text)  # never raises


def _edge_payloads():
    return [PAYLOAD, "x\u202eevil", "😀" * 100, "w" * 5000, "‮‭", "\u0000null"]


def test_unicode_and_nul_input_gives_a_form_error_not_a_crash(client, author):
    client.force_login(author)
    for text in _edge_payloads():
        response = client.post(
            reverse("articles:create"),
            editor_payload(title=text[:300], body=text, references=[reference(1)]),
        )
        assert response.status_code in {302, 400}, text[:20]
        if "\u0000" in text:
            assert "Null characters are not allowed." in response.content.decode()


def test_hostile_text_in_every_rendered_field_stays_text(
    client, make_article, advance, editor, policy
):
    article = make_article(title=f"Title {PAYLOAD}?", summary=PAYLOAD, body=f"{PAYLOAD} [1]")
    Reference.objects.filter(revision=article.current_revision).update(
        title=PAYLOAD, authors=PAYLOAD, journal=PAYLOAD
    )
    article.current_revision.refresh_hash()
    GlossaryTerm.objects.create(term="alert", explanation=PAYLOAD)
    article = advance(article, "submit", "start_review", "reviews")
    article = article.fire("send_to_board", by=editor, comment=PAYLOAD)
    article = advance(article, "sign")
    client.post(
        reverse("reader:question", args=[article.slug]),
        {"kind": "question", "question": PAYLOAD, "audience": "patient"},
    )
    pages = [
        reverse("reader:level", args=[article.slug, "patient"]),
        reverse("reader:home"),
        reverse("reader:search") + "?q=alert",
        reverse("reader:board"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        body = html.split("<body>")[1]
        assert "<script>alert" not in body, url
        # The words may show, escaped (a snippet drops the ">" markup); no tag carries them.
        assert re.search(r"<[^>]*onerror=alert", body) is None, url
        assert "onerror=alert" not in re.sub(r"&lt;img src=x onerror=alert\(1\)", "", body), url
    from articles.services import policy_update

    policy_update(editor=editor, data={"text": PAYLOAD}, note=PAYLOAD, seen_version=None)
    public_policy = client.get(reverse("reader:policy")).content.decode().split("<body>")[1]
    assert "<script>alert" not in public_policy
    client.force_login(editor)
    for url in [
        reverse("articles:workspace", args=[article.pk]),
        reverse("office:questions") + "?show=",
        reverse("office:audit"),
        reverse("office:policy"),
        reverse("reader:policy_versions"),
        reverse("office:glossary"),
    ]:
        body = client.get(url).content.decode().split("<body>")[1]
        assert "<script>alert" not in body, url


def test_hostile_review_comments_stay_text(client, draft, advance, editor, reviewer, author):
    import datetime

    from django.utils import timezone

    from reviews.services import invitation_accept, review_save, reviewers_invite

    article = advance(draft, "submit")
    (assignment,) = reviewers_invite(
        article=article, editor=editor, reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )  # fmt: skip
    invitation_accept(assignment=assignment, reviewer=reviewer, has_conflict=False)
    review_save(
        assignment=assignment, reviewer=reviewer, submit=True,
        data={"recommendation": "major", "comments_to_author": PAYLOAD,
              "confidential_comments": PAYLOAD},
    )  # fmt: skip
    article = advance(article, "reviews")
    article = article.fire("request_changes", by=editor, comment=PAYLOAD)
    for person, url in [
        (editor, reverse("reviews:round", args=[article.pk, 1])),
        (author, reverse("articles:edit", args=[article.pk])),
        (author, reverse("articles:workspace", args=[article.pk])),
        (reviewer, reverse("reviews:assignment", args=[assignment.pk])),
    ]:
        client.force_login(person)
        body = client.get(url).content.decode().split("<body>")[1]
        assert "<script>alert" not in body, url
        assert "&lt;script&gt;" in body, url


def test_hostile_discussion_messages_stay_text(
    client, draft, advance, author, editor, django_capture_on_commit_callbacks
):
    from django.core import mail

    from articles.models import DiscussionAudience
    from articles.services import discussion_post, discussion_start

    article = advance(draft, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        thread = discussion_start(
            article=article, user=author, audience=DiscussionAudience.AUTHORS,
            subject=f"Subject {PAYLOAD}", text=PAYLOAD,
        )  # fmt: skip
        for text in (
            "[click](javascript:alert(1)) [data](data:text/html,<script>x</script>)",
            "<a href='javascript:alert(1)'>raw</a> <iframe src=x></iframe>",
            "[spaced](java\tscript:alert(1)) [upper](JAVASCRIPT:alert(1))",
            "<style>body{display:none}</style><form action=x><button>go</button></form>",
        ):
            discussion_post(discussion=thread, user=editor, text=text)
    for person, url in [
        (author, thread.get_absolute_url()),
        (editor, thread.get_absolute_url()),
        (author, reverse("articles:workspace", args=[article.pk])),
        (editor, reverse("articles:workspace", args=[article.pk])),
    ]:
        client.force_login(person)
        body = client.get(url).content.decode().split("<body>")[1]
        assert "<script>alert" not in body, url
        assert "&lt;script&gt;" in body, url
        messages = "".join(re.findall(r'<div class="discussion-message">(.*?)</div>', body, re.S))
        _no_markup(messages)
        for tag in ("<iframe", "<style", "<form action=x", "<button>go"):
            assert tag not in messages
    # The email is plain text; its HTML part escapes what was typed.
    for email in mail.outbox:
        for content, _type in getattr(email, "alternatives", []):
            assert "<script>alert" not in content


def test_control_characters_in_a_message_are_refused_not_stored(client, draft, advance, author):
    from articles.models import DiscussionAudience, DiscussionMessage
    from articles.services import discussion_start

    article = advance(draft, "submit")
    thread = discussion_start(
        article=article, user=author, audience=DiscussionAudience.AUTHORS,
        subject="Plain", text="Plain words.",
    )  # fmt: skip
    client.force_login(author)
    for text in ("bell\x07", "nul\x00", "escape\x1b[31m", "back\x08space"):
        response = client.post(thread.get_absolute_url(), {"text": text})
        assert response.status_code == 400, repr(text)
    # Bidirectional overrides and the like are not control characters: shown, inert.
    response = client.post(thread.get_absolute_url(), {"text": "x\u202eevil"})
    assert response.status_code == 302
    assert DiscussionMessage.objects.filter(discussion=thread).count() == 2
    response = client.post(
        reverse("articles:discussion_new", args=[article.pk]),
        {"audience": "authors", "subject": "two\nlines", "text": "Hi."},
    )
    assert response.status_code == 400


def test_hostile_text_in_due_date_requests_and_answers_stays_text(
    client, draft, advance, editor, reviewer, second_reviewer, policy
):
    """Reasons for more time, editors' notes and the reasons for moving a
    revision's due date are shown to others as text."""
    import datetime

    from django.utils import timezone

    from articles.services import revision_due_date_change
    from reviews.services import (
        extension_decide,
        extension_request,
        invitation_accept,
        reviewers_invite,
    )

    policy.reviewers_per_round = 1  # second_reviewer's review decides the round
    policy.save()
    article = advance(draft, "submit")
    (assignment,) = reviewers_invite(
        article=article, editor=editor, reviewers=[reviewer],
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )  # fmt: skip
    invitation_accept(assignment=assignment, reviewer=reviewer, has_conflict=False)
    request = extension_request(
        assignment=assignment, reviewer=reviewer, reason=PAYLOAD,
        due_date=timezone.localdate() + datetime.timedelta(days=9),
    )  # fmt: skip
    client.force_login(editor)
    page = client.get(reverse("reviews:extension", args=[request.pk])).content.decode()
    assert "<script>alert" not in page.split("<body>")[1] and "&lt;script&gt;" in page
    extension_decide(request=request, editor=editor, grant=False, note=PAYLOAD)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert "<script>alert" not in page.split("<body>")[1] and "&lt;script&gt;" in page
    response = client.post(
        reverse("reviews:more_time", args=[assignment.pk]),
        {"due_date": str(timezone.localdate() + datetime.timedelta(days=9)), "reason": "a\x00b"},
    )
    assert response.status_code == 400
    article = advance(article, "reviews", "request_changes")
    revision_due_date_change(
        article=article, editor=editor, reason=PAYLOAD,
        due_date=timezone.localdate() + datetime.timedelta(days=40),
    )  # fmt: skip
    client.force_login(editor)
    page = client.get(reverse("office:audit")).content.decode()
    assert "<script>alert" not in page.split("<body>")[1]


def test_hostile_reader_message_stays_text_in_the_editors_inbox(client, draft, advance, editor):
    from articles.models import ReaderQuestion

    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    response = client.post(
        reverse("reader:question", args=[article.slug]),
        {"kind": "question", "audience": "patient", "question": PAYLOAD},
    )
    assert response.status_code == 302 and ReaderQuestion.objects.exists()
    client.force_login(editor)
    body = client.get(reverse("accounts:inbox")).content.decode().split("<body>")[1]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body
