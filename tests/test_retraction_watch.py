"""The retraction watch: every day the PMIDs and DOIs that published
articles cite are looked up again (recorded answers in tests/cassettes/),
and a retraction, correction or expression of concern becomes an alert that
editors see and clear, readers see under the reference, and the audit log
keeps. No test reaches the network."""

import datetime
import json
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role
from articles.models import (
    AuditEntry,
    EditorialPolicy,
    PolicyVersion,
    SourceAlert,
    SourceAlertKind,
)
from articles.services import (
    revision_save_draft,
    source_alert_clear,
    source_alerts_check,
    source_alerts_record,
)
from articles.sources import SourceRecord, SourceUpdate
from reader.models import PublicArticle
from reader.tasks import watch_cited_studies

from .factories import reference
from .sources import load, replay

RETRACTED = {
    "authors": "Mehra MR, Desai SS, Ruschitzka F, Patel AN",
    "title": "Hydroxychloroquine or chloroquine with or without a macrolide for treatment of "
    "COVID-19: a multinational registry analysis",
    "journal": "Lancet",
    "year": 2020,
    "pmid": "32450107",
    "doi": "10.1016/S0140-6736(20)31180-6",
    "url": "",
    "study_type": "cohort",
}
CORRECTED = {
    "authors": "Worobey M, Levy JI",
    "title": "The Huanan Seafood Wholesale Market in Wuhan was the early epicenter of the "
    "COVID-19 pandemic",
    "journal": "Science",
    "year": 2022,
    "pmid": "",
    "doi": "10.1126/science.abp8715",
    "url": "",
    "study_type": "cohort",
}
UNREACHABLE = {**reference(3), "pmid": "", "doi": "10.1016/j.example.2021.02.004"}
CLEAN = {**reference(4), "pmid": "", "doi": "10.1016/j.example.2021.02.004"}
CASSETTES = ("pubmed_retracted", "crossref_retracted", "crossref_corrected")

RETRACTION_LINE = "This study was retracted on 5 June 2020."
CORRECTION_LINE = "A correction to this study was published on 14 March 2024."

pytestmark = pytest.mark.django_db


def _publish(draft, publish, references):
    body = " ".join(f"A study said so [{n}]." for n in range(1, len(references) + 1))
    return publish(draft, body="## Evidence\n\n" + body, references=references)


@pytest.fixture
def cited(draft, publish):
    """A published article citing a retracted study (PMID and DOI) and a
    corrected one (DOI)."""
    return _publish(draft, publish, [RETRACTED, CORRECTED])


@pytest.fixture
def recorded(lookups):
    return replay(lookups, *CASSETTES)


def _page(client, article):
    return client.get(reverse("reader:public", args=[article.slug])).content.decode()


def _run():
    return watch_cited_studies.call()


# -- raising ---------------------------------------------------------------


def test_a_retraction_is_flagged_once_and_audited(cited, recorded, author, editor):
    assert _run() == 3
    retracted, corrected = cited.published_revision.references.order_by("position")
    alerts = {(a.reference_id, a.kind): a for a in SourceAlert.objects.all()}
    assert set(alerts) == {
        (retracted.pk, SourceAlertKind.RETRACTION),
        (retracted.pk, SourceAlertKind.EXPRESSION_OF_CONCERN),
        (corrected.pk, SourceAlertKind.CORRECTION),
    }
    retraction = alerts[(retracted.pk, SourceAlertKind.RETRACTION)]
    # Crossref's date (from Retraction Watch) is earlier than PubMed's print date.
    assert retraction.notice_date == datetime.date(2020, 6, 5)
    assert retraction.notice_identifier == "10.1016/s0140-6736(20)31324-6"
    assert retraction.source == "retraction-watch"
    assert retraction.article == cited and retraction.is_open
    entries = AuditEntry.objects.filter(article=cited, action="source_alert_raised")
    assert entries.count() == 3
    assert any(RETRACTION_LINE in e.comment and e.actor is None for e in entries)
    assert all(e.revision_id == cited.published_revision_id for e in entries)
    # One message per study: the retracted one (with its concern), the corrected one.
    told = Notification.objects.filter(kind="source_alert_raised")
    assert sorted(n.recipient.username for n in told) == ["author", "author", "editor", "editor"]
    about_retraction = told.get(recipient=author, subject__contains="was retracted")
    assert RETRACTION_LINE in about_retraction.body and "expression of concern" in (
        about_retraction.body
    )
    assert told.filter(recipient=editor, subject__contains="was corrected").exists()


def test_running_the_watch_again_changes_nothing(cited, recorded):
    _run()
    counts = (SourceAlert.objects.count(), AuditEntry.objects.count(), Notification.objects.count())
    assert _run() == 0
    # A day later the answers are asked for again (fresh), and still nothing changes.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert _run() == 0
    assert all(route.call_count == 2 for route in recorded.values())
    assert counts == (
        SourceAlert.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def test_each_identifier_is_asked_once_however_many_articles_cite_it(
    cited, recorded, make_article, publish
):
    second = _publish(make_article(title="Another question?"), publish, [RETRACTED])
    _run()
    assert all(route.call_count == 1 for route in recorded.values())
    assert SourceAlert.objects.filter(article=second).count() == 2  # retraction and concern


def test_a_study_with_no_notice_raises_nothing(draft, lookups, publish):
    replay(lookups, "crossref_clean")
    _publish(draft, publish, [CLEAN])
    assert _run() == 0
    assert not SourceAlert.objects.exists()


def test_the_network_down_for_one_identifier_does_not_stop_the_others(
    draft, lookups, caplog, publish
):
    replay(lookups, "crossref_timeout", *CASSETTES)
    article = _publish(draft, publish, [UNREACHABLE, RETRACTED])
    report = source_alerts_check(articles=PublicArticle.objects.approved())
    assert report.unavailable == ["doi:10.1016/j.example.2021.02.004"]
    assert {a.kind for a in report.raised} == {"retraction", "expression_of_concern"}
    assert all(a.reference.position == 2 for a in SourceAlert.objects.filter(article=article))
    assert "not checked" in caplog.text


def test_only_what_readers_see_as_approved_is_watched(draft, advance, author, recorded):
    revision_save_draft(
        article=draft,
        author=author,
        seen_hash=draft.current_revision.content_hash,
        title=draft.title,
        primary_audience="patient",
        summary="Yes.",
        body="Text [1].",
        references=[RETRACTED],
    )
    draft.refresh_from_db()
    advance(draft, "submit", "start_review")  # public in review, never approved
    assert _run() == 0
    assert all(route.call_count == 0 for route in recorded.values())


def test_nothing_is_asked_when_lookups_are_switched_off(cited, recorded, settings):
    settings.REFERENCE_LOOKUPS = False
    assert _run() == 0
    assert all(route.call_count == 0 for route in recorded.values())


# -- the policy and the next review ----------------------------------------


def test_a_retraction_brings_the_next_review_forward_when_the_policy_says_so(
    cited, recorded, policy
):
    policy.retraction_brings_review_forward = True
    policy.save()
    was = cited.next_review_due
    _run()
    cited.refresh_from_db()
    today = timezone.localdate()
    assert was > today and cited.next_review_due == today
    moved = AuditEntry.objects.get(article=cited, action="next_review_brought_forward")
    assert f"was {was:%-d %b %Y}" in moved.comment and "reference 1" in moved.comment


def test_the_next_review_stays_when_the_policy_says_no(cited, recorded, policy):
    assert policy.retraction_brings_review_forward is False  # the default
    was = cited.next_review_due
    _run()
    cited.refresh_from_db()
    assert cited.next_review_due == was
    assert not AuditEntry.objects.filter(action="next_review_brought_forward").exists()


def test_a_correction_alone_does_not_move_the_next_review(draft, recorded, policy, publish):
    policy.retraction_brings_review_forward = True
    policy.save()
    article = _publish(draft, publish, [CORRECTED])
    was = article.next_review_due
    assert _run() == 1
    article.refresh_from_db()
    assert article.next_review_due == was


def test_the_setting_is_changed_on_the_policy_form_and_versioned(client, editor, policy):
    from .test_policy_and_questions import _policy_form

    client.force_login(editor)
    response = client.post(
        reverse("office:policy"), _policy_form(policy, retraction_brings_review_forward="on")
    )
    assert response.status_code == 302
    assert EditorialPolicy.current().retraction_brings_review_forward is True
    latest = PolicyVersion.objects.order_by("-number").first()
    assert {c["field"] for c in latest.changes} == {"retraction_brings_review_forward"}
    public = client.get(reverse("reader:policy")).content.decode()
    assert "and at once when a study it cites is retracted" in public


# -- what readers see ------------------------------------------------------


def test_readers_see_the_retraction_and_the_correction_under_their_references(
    client, cited, recorded
):
    assert RETRACTION_LINE not in _page(client, cited)
    _run()
    html = _page(client, cited)
    refs = html[html.index('id="references-heading"') :]
    first, second = refs.split('<li id="ref-1">')[1].split('<li id="ref-2">')
    assert RETRACTION_LINE in first and "https://doi.org/10.1016/s0140-6736(20)31324-6" in first
    # Retracted: the earlier expression of concern is not repeated to readers.
    assert "expression of concern" not in first
    assert CORRECTION_LINE in second


def test_the_marks_appear_on_a_cached_page_as_soon_as_the_flag_is_raised(
    client, cited, recorded, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    settings.RENDER_CACHE = True
    assert RETRACTION_LINE not in _page(client, cited)
    assert RETRACTION_LINE not in _page(client, cited)  # from the page cache now
    with django_capture_on_commit_callbacks(execute=True):
        _run()
    assert RETRACTION_LINE in _page(client, cited)
    alert = SourceAlert.objects.get(kind="retraction")
    editor = alert.article.editors_to_notify()[0]
    with django_capture_on_commit_callbacks(execute=True):
        source_alert_clear(alert=alert, editor=editor, reason="Checked: see revision 3.")
    html = _page(client, cited)
    assert RETRACTION_LINE not in html
    # With the retraction cleared, the concern it outranked is shown.
    assert "The journal published an expression of concern about this study on 3 June 2020." in (
        html
    )


def test_the_public_page_costs_the_same_queries_with_flagged_references(
    client, cited, recorded, django_assert_max_num_queries
):
    _run()
    # One query more than an unflagged page (5), as for notices: the alerts,
    # read only when the article has some; the same however many there are.
    with django_assert_max_num_queries(6):
        html = _page(client, cited)
    assert RETRACTION_LINE in html and CORRECTION_LINE in html


def test_an_unflagged_page_does_not_read_alerts(client, cited, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert "references-heading" in _page(client, cited)


def test_a_correction_and_a_concern_are_worded_for_readers(cited, client):
    retracted, corrected = cited.published_revision.references.order_by("position")
    today = timezone.localdate()
    concern = SourceRecord(
        source="crossref",
        identifier=retracted.doi,
        authors=(),
        title="",
        journal="",
        year=None,
        updates=(
            SourceUpdate(
                kind="expression_of_concern",
                date=datetime.date(2025, 3, 3),
                notice="10.1000/concern",
                source="publisher",
            ),
        ),
    )
    undated = SourceRecord(
        source="pubmed",
        identifier=corrected.pmid or "1",
        authors=(),
        title="",
        journal="",
        year=None,
        updates=(SourceUpdate(kind="correction", date=None, notice="", source="pubmed"),),
    )
    source_alerts_record(reference=retracted, records=[concern], today=today)
    source_alerts_record(reference=corrected, records=[undated], today=today)
    html = _page(client, cited)
    assert "The journal published an expression of concern about this study on 3 March 2025." in (
        html
    )
    assert "A correction to this study has been published." in html


def test_pubmeds_retracted_publication_type_alone_is_a_retraction(cited):
    retracted = cited.published_revision.references.get(position=1)
    typed = SourceRecord(
        source="pubmed",
        identifier=retracted.pmid,
        authors=(),
        title="",
        journal="",
        year=None,
        publication_types=("Journal Article", "Retracted Publication"),
    )
    (alert,) = source_alerts_record(
        reference=retracted, records=[typed], today=timezone.localdate()
    )
    assert alert.kind == "retraction" and alert.notice_date is None
    assert alert.reader_sentence == "This study has been retracted."


def test_pubmed_alone_dates_the_retraction_from_its_notice(draft, lookups, publish):
    replay(lookups, "pubmed_retracted")
    _publish(draft, publish, [{**RETRACTED, "doi": ""}])
    _run()
    alert = SourceAlert.objects.get()
    assert (alert.kind, alert.notice_date, alert.notice_identifier, alert.source) == (
        "retraction",
        datetime.date(2020, 6, 13),
        "32511943",
        "pubmed",
    )
    assert alert.notice_url == "https://pubmed.ncbi.nlm.nih.gov/32511943/"


# -- what editors see and do -----------------------------------------------


def test_editors_see_the_flag_in_the_queue_the_dashboard_and_the_desk(
    client, cited, recorded, editor
):
    _run()
    alert = SourceAlert.objects.get(kind="retraction")
    client.force_login(editor)
    queue = client.get(reverse("office:queue")).content.decode()
    assert cited.title in queue and RETRACTION_LINE in queue
    assert reverse("office:source_alert", args=[alert.pk]) in queue
    row = queue[queue.index(cited.title) - 400 : queue.index(cited.title)]
    assert "Urgent" in row
    dashboard = client.get(reverse("office:dashboard")).content.decode()
    assert "3</strong> alerts about cited studies" in dashboard and RETRACTION_LINE in dashboard
    desk = client.get(reverse("articles:desk")).content.decode()
    assert "Alerts about cited studies" in desk
    listing = client.get(reverse("office:source_alerts")).content.decode()
    assert listing.index(RETRACTION_LINE) < listing.index(CORRECTION_LINE)


def test_an_editor_clears_a_flag_with_a_reason_and_it_is_audited(
    client, cited, recorded, editor, author
):
    _run()
    alert = SourceAlert.objects.get(kind="retraction")
    client.force_login(editor)
    url = reverse("office:source_alert", args=[alert.pk])
    assert RETRACTION_LINE in client.get(url).content.decode()
    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    response = client.post(url, {"reason": "The claim now rests on reference 2."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (
        alert.cleared_by == editor and alert.clear_reason == "The claim now rests on reference 2."
    )
    entry = AuditEntry.objects.get(action="source_alert_cleared")
    assert entry.actor == editor and "reference 2" in entry.comment
    assert Notification.objects.filter(recipient=author, kind="source_alert_cleared").exists()
    assert RETRACTION_LINE not in client.get(reverse("office:queue")).content.decode()
    again = client.post(url, {"reason": "Twice."})
    assert again.status_code == 409 and "already cleared" in again.content.decode()
    assert AuditEntry.objects.filter(action="source_alert_cleared").count() == 1


@pytest.mark.parametrize(
    ("who", "sentence"),
    [
        ("author", "Only editors can review and clear alerts"),
        ("other_author", "Only editors can review and clear alerts"),
        ("reviewer", "Only editors can review and clear alerts"),
        ("board_member", "Only editors can review and clear alerts"),
        ("stranger", "Only editors can review and clear alerts"),
    ],
)
def test_only_editors_may_clear_a_flag(client, cited, recorded, people, who, sentence):
    _run()
    alert = SourceAlert.objects.get(kind="retraction")
    client.force_login(people[who])
    url = reverse("office:source_alert", args=[alert.pk])
    for response in (client.get(url), client.post(url, {"reason": "Not mine to clear."})):
        assert response.status_code == 403
        assert sentence in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open
    with pytest.raises(PermissionDenied, match=sentence):
        source_alert_clear(alert=alert, editor=people[who], reason="Not mine.")
    assert client.get(reverse("office:source_alerts")).status_code == 403


def test_an_editor_who_wrote_the_article_may_not_clear_its_flag(client, cited, recorded, author):
    author.groups.add(Group.objects.get(name=Role.EDITOR))
    _run()
    alert = SourceAlert.objects.get(kind="retraction")
    client.force_login(author)
    response = client.get(reverse("office:source_alert", args=[alert.pk]))
    assert response.status_code == 403
    assert "another editor clears its alerts" in response.content.decode()
    assert RETRACTION_LINE not in client.get(reverse("office:source_alerts")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, cited, recorded):
    _run()
    alert = SourceAlert.objects.get(kind="retraction")
    response = Client().get(reverse("office:source_alert", args=[alert.pk]))
    assert response.status_code == 302 and "login" in response.url


# -- the demo --------------------------------------------------------------


def test_the_demos_recorded_answers_agree_with_the_cassettes():
    stored = json.loads(
        (Path(__file__).parent.parent / "demo" / "recorded_answers.json").read_text()
    )
    pubmed = load("pubmed_retracted")[0]["response"]["body"]["result"]["32450107"]
    crossref = load("crossref_retracted")[0]["response"]["body"]["message"]
    assert stored["pmid"]["32450107"] == pubmed
    assert stored["doi"]["10.1016/S0140-6736(20)31180-6"] == crossref


def test_the_watch_is_a_daily_periodic_job():
    from core.periodic import jobs

    declared = {job.name: job.every for job in jobs()}
    assert declared["reader.tasks.watch_cited_studies"] == datetime.timedelta(days=1)


def test_the_workspace_shows_the_alert_to_the_authors_and_the_clear_link_to_editors(
    client, cited, recorded, author, editor
):
    _run()
    alert = SourceAlert.objects.get(kind="retraction")
    clear = reverse("office:source_alert", args=[alert.pk])
    workspace = reverse("articles:workspace", args=[cited.pk])
    client.force_login(author)
    html = client.get(workspace).content.decode()
    assert RETRACTION_LINE in html and clear not in html
    client.force_login(editor)
    html = client.get(workspace).content.decode()
    assert RETRACTION_LINE in html and clear in html
