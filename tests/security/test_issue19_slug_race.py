"""Two articles with one title started at once both get a page address.

The race, made deterministic on the real database: right after our check
finds the slug free, someone else's article takes it (outside our
transaction's savepoints, as a rival request would), and then our insert
runs. tests/reliability/test_races.py runs the same race in two threads
on PostgreSQL.
"""

from contextlib import contextmanager

from django.db import connection
from django.urls import reverse

from articles.models import Article

from ..factories import editor_payload, reference

TITLE = "Can two people ask this at once?"
SLUG = "can-two-people-ask-this-at-once"


@contextmanager
def rival_takes_the_slug_right_after_the_check(times=1):
    taken = []
    rival_busy = [False]

    def interleave(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if rival_busy[0] or len(taken) >= times:
            return result
        checked = [p for p in params or () if isinstance(p, str) and p.startswith(SLUG)]
        if checked and sql.startswith("SELECT") and _article_table() in sql:
            rival_busy[0] = True
            if not Article.objects.filter(slug=checked[0]).exists():
                taken.append(checked[0])
                Article.objects.create(title=TITLE, slug=checked[0], primary_audience="patient")
            rival_busy[0] = False
        return result

    with connection.execute_wrapper(interleave):
        yield
    assert taken, "the race never happened"


def _article_table():
    return connection.ops.quote_name(Article._meta.db_table)


def test_an_article_whose_slug_is_taken_while_it_is_saved_gets_the_next_one(make_article):
    with rival_takes_the_slug_right_after_the_check():
        article = make_article(title=TITLE)
    article.refresh_from_db()
    assert article.slug == f"{SLUG}-2"
    assert article.current_revision.title == TITLE
    assert Article.objects.filter(title=TITLE).count() == 2


def test_the_author_saving_during_the_race_sees_their_draft_saved(client, author):
    client.force_login(author)
    payload = editor_payload(
        title=TITLE, summary="Yes.", body="Because [1].", references=[reference(1)]
    )
    with rival_takes_the_slug_right_after_the_check():
        response = client.post(reverse("articles:create"), payload)
    article = Article.objects.get(authors=author)
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert article.slug == f"{SLUG}-2"


def test_a_title_already_taken_before_the_check_gets_the_next_slug(make_article):
    first = make_article(title=TITLE)
    second = make_article(title=TITLE)
    assert (first.slug, second.slug) == (SLUG, f"{SLUG}-2")


def test_when_every_slug_is_taken_under_it_the_author_is_asked_to_save_again(client, author):
    client.force_login(author)
    payload = editor_payload(
        title=TITLE, summary="Yes.", body="Because [1].", references=[reference(1)]
    )
    with rival_takes_the_slug_right_after_the_check(times=100):
        response = client.post(reverse("articles:create"), payload)
    assert response.status_code == 409
    text = response.content.decode()
    assert "started at the same moment" in text and TITLE in text
    assert not Article.objects.filter(authors=author).exists()
