"""Issue 21, part C: the pinned glossary, per-version fingerprints, the
funding and competing-interests statement, signing each version, the
public approval record and `manage.py verify_article`."""

import hashlib
import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.urls import reverse

from articles.models import GlossaryTerm, Revision
from articles.services import article_create, revision_save_draft
from reviews.models import BoardSignoff
from reviews.services import board_signoff_record
from reviews.verification import verify_revision

from .factories import PASSWORD, reference

PATIENT_BODY = "## What happens\n\nSome people get neuropathy, which is nerve damage [1]."
STATEMENT = "No funding. Amina Yusuf has received speaker fees from a drug maker."


@pytest.fixture
def neuropathy(db):
    return GlossaryTerm.objects.create(term="neuropathy", explanation="damage to nerves")


@pytest.fixture
def with_versions(author, neuropathy, policy):
    """A draft with professional, patient and student versions and a statement."""
    return article_create(
        author=author,
        title="Can bortezomib cause neuropathy?",
        primary_audience="patient",
        summary="Yes, often.",
        body="## Why\n\nAxonal injury [1].",
        references=[reference(1)],
        audience_versions={
            "patient_summary": "Yes, it often does.",
            "patient_body": PATIENT_BODY,
            "student_summary": "Yes: a common adverse effect.",
            "student_body": "## Mechanism\n\nAxonal degeneration [1].",
        },
        statement=STATEMENT,
    )


@pytest.fixture
def approved(with_versions, advance):
    return advance(with_versions, "submit", "start_review", "send_to_board", "sign")


@pytest.fixture
def in_board_review(with_versions, advance):
    return advance(with_versions, "submit", "start_review", "send_to_board")


def _page(client, article, audience="patient"):
    return client.get(reverse("reader:level", args=[article.slug, audience]))


def _article_text(response) -> str:
    """The article's words as the reader gets them (the page around them
    carries a per-request form token)."""
    html = response.content.decode()
    return html[html.index('<div id="article-text">') : html.index("</article>")]


def _behind_the_apps_back(model, pk, **fields):
    """Change a row the way raw SQL or a careless script would: without the
    model's save() or its queryset's refusals."""
    models.QuerySet(model).filter(pk=pk).update(**fields)


# -- pinned glossary --------------------------------------------------------------


def test_submitting_pins_the_glossary_entries_the_patient_version_uses(
    with_versions, advance, neuropathy
):
    GlossaryTerm.objects.create(term="aspirin", explanation="a pain killer")
    article = advance(with_versions, "submit")
    assert article.current_revision.glossary_snapshot == [
        {"term": "neuropathy", "explanation": "damage to nerves", "forms": ["neuropathy"]}
    ]


def test_editing_a_term_after_approval_leaves_the_approved_patient_page_identical(
    client, approved, neuropathy
):
    before = _page(client, approved)
    assert "(damage to nerves)" in before.content.decode()
    neuropathy.explanation = "harm to the nerves that carry feeling"
    neuropathy.save()
    from django.core.cache import cache

    cache.clear()
    after = _page(client, approved)
    assert _article_text(after) == _article_text(before)
    assert "harm to the nerves" not in after.content.decode()
    assert "Approved by the Medical Advisory Board" in after.content.decode()
    neuropathy.delete()
    cache.clear()
    assert _article_text(_page(client, approved)) == _article_text(before)


def test_a_new_revision_picks_the_new_definition(client, approved, neuropathy, advance, author):
    neuropathy.explanation = "harm to the nerves"
    neuropathy.save()
    revision = approved.published_revision
    revision_save_draft(
        article=approved,
        author=author,
        seen_hash=revision.content_hash,
        title=revision.title,
        primary_audience="patient",
        summary=revision.summary,
        body=revision.body,
        references=[reference(1)],
        audience_versions={"patient_summary": "Yes.", "patient_body": PATIENT_BODY},
    )
    approved.refresh_from_db()
    updated = advance(approved, "submit", "start_review", "send_to_board", "sign")
    assert updated.published_revision.number == 2
    text = _page(client, updated).content.decode()
    assert "(harm to the nerves)" in text and "(damage to nerves)" not in text


def test_patients_reading_the_professional_text_get_no_unsigned_explanations(
    client, draft, advance, neuropathy
):
    article = advance(draft, "submit", "start_review", "send_to_board", "sign")
    assert article.published_revision.glossary_snapshot == []
    text = _page(client, article, audience="patient").content.decode()
    assert "glossary-note" not in text
    assert "Approved by the Medical Advisory Board" in text


def test_glossary_page_names_published_articles_showing_an_earlier_wording(
    client, editor, approved, neuropathy
):
    client.force_login(editor)
    page = client.get(reverse("office:glossary")).content.decode()
    assert approved.title in page and "current wording" in page
    neuropathy.explanation = "harm to the nerves"
    neuropathy.save()
    page = client.get(reverse("office:glossary")).content.decode()
    assert "shows the earlier wording" in page and "“damage to nerves”" in page
    assert reverse("articles:workspace", args=[approved.pk]) in page


def test_glossary_page_is_for_editors_only(client, author, board_member):
    for person in (author, board_member):
        client.force_login(person)
        assert client.get(reverse("office:glossary")).status_code == 403


# -- signing each version ---------------------------------------------------------


def _sign(client, article, versions=("professional", "patient", "student"), password=PASSWORD):
    data = {"password": password, "confirm": "on", "seen_revision": article.current_revision_id}
    data.update({f"confirm_{name}": "on" for name in versions})
    return client.post(reverse("reviews:signoff", args=[article.pk]), data)


def test_signing_page_shows_each_version_with_grade_fingerprint_and_statement(
    client, in_board_review, board_member
):
    client.force_login(board_member)
    page = client.get(reverse("reviews:signoff", args=[in_board_review.pk])).content.decode()
    fingerprints = in_board_review.current_revision.version_fingerprints()
    assert list(fingerprints) == ["professional", "patient", "student"]
    for fingerprint in fingerprints.values():
        short = f"{fingerprint[:4]} {fingerprint[4:8]}"
        assert re.search(r"\A[0-9a-f]{4} [0-9a-f]{4}\Z", short)
        assert f"(fingerprint {short})" in page  # in the checkbox's label
    assert "Version for patient or caregiver readers" in page
    # The patient version as patients will read it: with its pinned glossary.
    assert '<span class="glossary-note"> (damage to nerves)</span>' in page
    assert page.count("reading grade <strong>") + page.count("too short to grade") == 3
    assert STATEMENT in page


def test_a_signature_lists_the_versions_it_covers(client, in_board_review, board_member):
    client.force_login(board_member)
    assert _sign(client, in_board_review).status_code == 302
    signoff = BoardSignoff.objects.get(signer=board_member)
    revision = Revision.objects.get(pk=in_board_review.current_revision_id)
    assert signoff.version_fingerprints == revision.version_fingerprints()
    assert set(signoff.version_fingerprints) == {"professional", "patient", "student"}
    assert signoff.content_hash == revision.content_hash


def test_signing_is_refused_with_a_field_error_when_a_version_is_not_confirmed(
    client, in_board_review, board_member
):
    client.force_login(board_member)
    response = _sign(client, in_board_review, versions=("professional", "student"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Confirm that you read the version for patient or caregiver readers" in page
    # The other choices are kept as the signer made them.
    assert re.search(r'name="confirm_student"[^>]*checked', page)
    assert not BoardSignoff.objects.exists()


def test_the_service_refuses_a_signature_missing_a_version(in_board_review, board_member):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        board_signoff_record(
            article=in_board_review,
            member=board_member,
            password=PASSWORD,
            confirmed_versions=["professional"],
        )
    assert set(refused.value.message_dict) == {"confirm_patient", "confirm_student"}
    assert not BoardSignoff.objects.exists()


def test_a_revision_altered_before_signing_cannot_be_signed(client, in_board_review, board_member):
    _behind_the_apps_back(
        Revision, in_board_review.current_revision_id, student_body="Quietly changed."
    )
    client.force_login(board_member)
    response = _sign(client, in_board_review)
    assert response.status_code == 409
    assert "no longer matches the fingerprint" in response.content.decode()
    assert not BoardSignoff.objects.exists()


# -- the public page and verification ---------------------------------------------


def test_the_public_page_names_who_signed_the_version_read_and_shows_the_statement(
    client, approved, board_member
):
    text = _page(client, approved, audience="student").content.decode()
    assert "The version you are reading was signed by:" in text
    assert board_member.display_name in text
    assert "Funding and competing interests" in text and STATEMENT in text
    assert reverse("reader:approval_record", args=[approved.slug]) in text


@pytest.mark.parametrize(
    "field, value",
    [
        ("patient_body", PATIENT_BODY + " Extra words nobody signed."),
        ("student_summary", "Changed."),
        ("statement", "No competing interests."),
        (
            "glossary_snapshot",
            [{"term": "neuropathy", "explanation": "nothing to worry about", "forms": ["x"]}],
        ),
    ],
)
def test_altering_one_version_behind_the_apps_back_withdraws_the_approval_claim(
    client, approved, field, value
):
    from django.core.cache import cache

    revision_id = approved.published_revision_id
    assert verify_revision(Revision.objects.get(pk=revision_id)).ok
    _behind_the_apps_back(Revision, revision_id, **{field: value})
    cache.clear()
    check = verify_revision(Revision.objects.get(pk=revision_id))
    assert not check.ok and not check.valid
    assert any("(changed: " in problem for problem in check.problems)  # names the version
    for audience in ("patient", "student", "professional"):
        text = _page(client, approved, audience=audience).content.decode()
        assert "Approved by the Medical Advisory Board" not in text
        assert "Approval could not be confirmed" in text
    record = client.get(reverse("reader:approval_record", args=[approved.slug])).json()
    assert record["verified"] is False and record["signatures"] == []
    with pytest.raises(CommandError) as failed:
        call_command("verify_article", approved.slug, stdout=_Sink(), stderr=_Sink())
    assert failed.value.returncode == 1


def test_raw_sql_change_of_the_professional_text_is_caught(client, approved):
    from django.core.cache import cache

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_revision SET body = %s WHERE id = %s",
            ["## Why\n\nNo risk at all [1].", approved.published_revision_id],
        )
    cache.clear()
    text = _page(client, approved, audience="professional").content.decode()
    assert "No risk at all" in text and "Approval could not be confirmed" in text


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, message):
        self.text += message

    def flush(self):
        pass


def test_verify_article_says_verified_and_lists_each_version(approved, board_member):
    out = _Sink()
    call_command("verify_article", approved.slug, stdout=out)
    assert "VERIFIED" in out.text
    for name in ("professional", "patient", "student"):
        assert name in out.text
    assert board_member.display_name in out.text and "valid, covers" in out.text


def test_verify_article_refuses_unknown_and_unpublished_articles(draft):
    with pytest.raises(CommandError, match="No article has the address"):
        call_command("verify_article", "no-such-article")
    with pytest.raises(CommandError, match="no published revision"):
        call_command("verify_article", draft.slug)


# -- the approval record ----------------------------------------------------------


def _sha256(content) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_approval_record_can_be_recomputed_from_the_json_alone(
    client, approved, board_member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("reader:approval_record", args=[approved.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    record = json.loads(response.content)
    assert record["verified"] is True
    assert record["revision"]["fingerprint_scheme"] == 3
    first = record["revision_content"]["references"][0]
    assert {"study_type", "certainty", "source_record"} <= set(first)
    assert _sha256(record["revision_content"]) == record["revision"]["content_hash"]
    versions = {v["version"]: v for v in record["versions"]}
    assert set(versions) == {"professional", "patient", "student"}
    for version in versions.values():
        assert _sha256(version["content"]) == version["fingerprint"]
        assert version["short"] == f"{version['fingerprint'][:4]} {version['fingerprint'][4:8]}"
    assert (
        versions["patient"]["content"]["glossary"]
        == record["glossary"]["glossary_content"]["glossary"]
    )
    assert _sha256(record["glossary"]["glossary_content"]) == record["glossary"]["fingerprint"]
    assert versions["student"]["content"]["statement"] == STATEMENT
    (signature,) = record["signatures"]
    assert signature["signer"] == board_member.display_name
    assert signature["meaning"].startswith("I have read this revision")
    assert signature["versions"] == {name: v["fingerprint"] for name, v in versions.items()}
    assert signature["content_hash"] == record["revision"]["content_hash"]
    assert record["policy_version"]["number"] >= 1


def test_approval_record_exists_only_for_approved_public_articles(
    client, draft, in_board_review, advance, policy
):
    assert client.get(reverse("reader:approval_record", args=[draft.slug])).status_code == 404
    # Readable in review (if the policy shows it), but nothing approved to record.
    policy.public_in_review = True
    policy.save()
    response = client.get(reverse("reader:approval_record", args=[in_board_review.slug]))
    assert response.status_code == 404


# -- signatures made before per-version fingerprints --------------------------------


def _old_scheme_hash(revision: Revision) -> str:
    """content_hash as the code before scheme 2 computed it."""
    payload = {name: getattr(revision, name) for name in ("title", "summary", "body")}
    payload.update(
        {
            name: getattr(revision, name)
            for name in ("patient_summary", "patient_body", "student_summary", "student_body")
            if getattr(revision, name)
        }
    )
    payload["references"] = [ref.as_hashable(1) for ref in revision.references.all()]
    return _sha256(payload)


def _make_old(article) -> tuple[Revision, BoardSignoff]:
    """Turn an approved article into what the database held before this
    change: a scheme 1 revision, no glossary, no statement, and a signature
    that records only the revision's hash."""
    revision = Revision.objects.get(pk=article.published_revision_id)
    _behind_the_apps_back(Revision, revision.pk, fingerprint_scheme=1, statement="")
    revision = Revision.objects.get(pk=revision.pk)
    old_hash = _old_scheme_hash(revision)
    _behind_the_apps_back(Revision, revision.pk, content_hash=old_hash)
    signoff = revision.signoffs.get()
    _behind_the_apps_back(BoardSignoff, signoff.pk, content_hash=old_hash, version_fingerprints={})
    return Revision.objects.get(pk=revision.pk), BoardSignoff.objects.get(pk=signoff.pk)


def _migrate_old_signatures():
    migration = importlib.import_module("reviews.migrations.0010_signoff_version_fingerprints")
    migration.record_versions_of_old_signatures(django_apps, None)


def test_old_signatures_still_verify_after_the_migration(client, approved):
    from django.core.cache import cache

    revision, signoff = _make_old(approved)
    stored = revision.content_hash
    assert revision.compute_content_hash() == stored  # scheme 1 is still computed as before
    _migrate_old_signatures()
    signoff = BoardSignoff.objects.get(pk=signoff.pk)
    revision = Revision.objects.get(pk=revision.pk)
    assert revision.content_hash == stored and signoff.content_hash == stored
    assert signoff.version_fingerprints == revision.version_fingerprints()
    assert set(signoff.version_fingerprints) == {"professional", "patient", "student"}
    assert verify_revision(revision).ok
    cache.clear()
    text = _page(client, approved, audience="student").content.decode()
    assert "Approved by the Medical Advisory Board" in text
    assert "submitted before statements were recorded" in text
    record = client.get(reverse("reader:approval_record", args=[approved.slug])).json()
    assert record["verified"] is True and record["glossary"]["signed"] is False
    assert _sha256(record["revision_content"]) == stored
    call_command("verify_article", approved.slug, stdout=_Sink())
    _migrate_old_signatures()  # running it again changes nothing
    assert BoardSignoff.objects.get(pk=signoff.pk).version_fingerprints == (
        signoff.version_fingerprints
    )


def test_old_signature_on_text_changed_since_records_no_version(client, approved):
    revision, signoff = _make_old(approved)
    _behind_the_apps_back(Revision, revision.pk, summary="Changed after signing.")
    _migrate_old_signatures()
    assert BoardSignoff.objects.get(pk=signoff.pk).version_fingerprints == {}
    assert not verify_revision(Revision.objects.get(pk=revision.pk)).ok


# -- the statement is authored with the revision ------------------------------------


def test_authors_write_the_statement_in_the_edit_form_and_it_freezes_on_submit(
    client, author, draft, advance
):
    from .factories import editor_payload

    client.force_login(author)
    edit = reverse("articles:edit", args=[draft.pk])
    assert "Funding and competing interests" in client.get(edit).content.decode()
    revision = draft.current_revision
    data = editor_payload(
        title=revision.title,
        summary=revision.summary,
        body=revision.body,
        references=[reference(1)],
        seen_hash=revision.content_hash,
        statement="Funded by the Example Trust.",
    )
    assert client.post(edit, data).status_code == 302
    draft.refresh_from_db()
    assert draft.current_revision.statement == "Funded by the Example Trust."
    before = draft.current_revision.content_hash
    article = advance(draft, "submit")
    revision = article.current_revision
    assert revision.statement == "Funded by the Example Trust."
    assert revision.fingerprint_scheme == 3 and revision.content_hash == before
    revision.statement = "Changed after submission."
    from articles.models import FrozenRevisionError

    with pytest.raises(FrozenRevisionError):
        revision.save()


@pytest.mark.parametrize(
    "field, value",
    [("study_type", "randomised_trial"), ("certainty", "high"), ("source_record", {"title": "X"})],
)
def test_an_evidence_grade_or_fetched_record_changed_behind_the_apps_back_is_caught(
    client, approved, field, value
):
    """Scheme 3 signs each reference's grade and fetched record, so changing
    one after signing withdraws the approval claim like a text change."""
    from django.core.cache import cache

    from articles.models import Reference

    revision = Revision.objects.get(pk=approved.published_revision_id)
    assert revision.fingerprint_scheme == 3 and verify_revision(revision).ok
    ref = revision.references.first()
    _behind_the_apps_back(Reference, ref.pk, **{field: value})
    cache.clear()
    assert not verify_revision(Revision.objects.get(pk=revision.pk)).ok
    text = _page(client, approved, audience="professional").content.decode()
    assert "Approval could not be confirmed" in text


def test_a_scheme_2_revision_keeps_its_fingerprint_whatever_its_references_grades(approved):
    """Revisions signed before scheme 3 hash references as plain lists: an
    evidence grade added to their rows later is outside what was signed."""
    from django.core.cache import cache

    from articles.models import Reference

    revision = Revision.objects.get(pk=approved.published_revision_id)
    revision.fingerprint_scheme = 2
    scheme_2_hash = revision.compute_content_hash()
    fingerprints = revision.version_fingerprints()
    _behind_the_apps_back(Revision, revision.pk, fingerprint_scheme=2, content_hash=scheme_2_hash)
    for signoff in BoardSignoff.objects.filter(revision=revision):
        _behind_the_apps_back(
            BoardSignoff, signoff.pk, content_hash=scheme_2_hash, version_fingerprints=fingerprints
        )
    cache.clear()
    assert verify_revision(Revision.objects.get(pk=revision.pk)).ok
    ref = revision.references.first()
    _behind_the_apps_back(Reference, ref.pk, study_type="cohort")
    assert verify_revision(Revision.objects.get(pk=revision.pk)).ok
