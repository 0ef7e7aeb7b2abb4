"""The article page's hand-written reads (articles/reader_queries.py) load
what the ORM would, on every database, and the page still shows the right
revision, references and signatures."""

import datetime

import pytest
from django.urls import reverse

from articles import reader_queries
from articles.models import Article, EditorialPolicy, Reference
from reviews.models import BoardSignoff

from .factories import UserFactory


def _values(instance, exclude=()):
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in exclude
    }


@pytest.fixture
def published(draft, advance):
    return advance(draft, "submit", "start_review", "send_to_board", "sign")


def test_article_and_its_published_revision_match_the_orm(published, django_assert_num_queries):
    with django_assert_num_queries(1):
        article, policy = reader_queries.public_article(published.slug)
        revision = article.published_revision
    expected = Article.objects.select_related("published_revision").get(slug=published.slug)
    assert _values(article, exclude=Article.SEARCH_FIELDS) == _values(
        expected, exclude=Article.SEARCH_FIELDS
    )
    assert _values(revision) == _values(expected.published_revision)
    # Dates come back as aware datetimes and dates on SQLite too, not text.
    assert isinstance(revision.approved_at, datetime.datetime)
    assert revision.approved_at.tzinfo is not None
    assert isinstance(article.next_review_due, datetime.date)
    assert article.state == expected.state
    assert _values(policy) == _values(EditorialPolicy.current())


def test_article_without_a_published_revision_has_none(draft):
    article, _ = reader_queries.public_article(draft.slug)
    assert article.published_revision is None
    assert article.current_revision == draft.current_revision


def test_unknown_address_is_not_found(client, published):
    response = client.get(reverse("articles:public", args=["no-such-article"]))
    assert response.status_code == 404


def test_references_come_in_list_order(published):
    revision = published.published_revision
    Reference.objects.bulk_create(
        Reference(revision=revision, position=position, title=f"At {position}")
        for position in (30, 10, 20)
    )
    loaded = reader_queries.references(revision)
    positions = [ref.position for ref in loaded]
    assert positions == sorted(positions) and {10, 20, 30} <= set(positions)
    assert [_values(ref) for ref in loaded] == [
        _values(ref) for ref in revision.references.order_by("position")
    ]


def test_only_signatures_on_this_exact_text_count(
    published, board_member, django_assert_num_queries
):
    revision = published.published_revision
    late = UserFactory(username="late", first_name="Lee", last_name="Late")
    BoardSignoff.objects.create(revision=revision, signer=late, content_hash="0" * 64)
    with django_assert_num_queries(1):
        signoffs = reader_queries.valid_signoffs(revision, revision.content_hash)
        names = [signoff.signer.username for signoff in signoffs]
    assert board_member.username in names
    assert "late" not in names
    assert [_values(s) for s in signoffs] == [
        _values(s) for s in BoardSignoff.objects.valid_for(revision).order_by("signed_at", "pk")
    ]


def test_policy_is_read_as_saved_and_created_on_a_new_site(policy, draft):
    policy.public_in_review = False
    policy.save()
    assert reader_queries.editorial_policy().public_in_review is False
    assert reader_queries.public_article(draft.slug)[1].public_in_review is False
    EditorialPolicy.objects.all().delete()
    _, created = reader_queries.public_article(draft.slug)
    assert created.pk == EditorialPolicy.THE_ROW
    assert EditorialPolicy.objects.filter(pk=EditorialPolicy.THE_ROW).exists()
    EditorialPolicy.objects.all().delete()
    assert reader_queries.editorial_policy().pk == EditorialPolicy.THE_ROW
