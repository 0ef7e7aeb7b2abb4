"""'My articles' tells authors where each article stands and what to do next;
the change-request loop shows the decision and keeps the response letter."""

import datetime

from django.urls import reverse

from accounts.models import Role
from articles.models import Article

from .factories import UserFactory, editor_payload, reference


def _rows(html: str) -> list[str]:
    mine = html.split('id="mine-heading"')[1].split("</table>")[0]
    return mine.split("<tr")[2:]


def test_articles_needing_the_author_come_first(client, author, make_article, advance):
    waiting = advance(make_article(title="Waiting one?"), "submit")
    turn = advance(make_article(title="My turn one?"), "submit", "start_review", "request_changes")
    draft = make_article(title="Draft one?")
    Article.objects.filter(pk=waiting.pk).update(updated_at=datetime.datetime.now(datetime.UTC))
    client.force_login(author)

    rows = _rows(client.get(reverse("articles:desk")).content.decode())

    titles = [
        next(t for t in ("Waiting one?", "My turn one?", "Draft one?") if t in r) for r in rows
    ]
    assert titles[-1] == "Waiting one?"
    assert set(titles[:2]) == {"My turn one?", "Draft one?"}
    turn_row = rows[titles.index("My turn one?")]
    assert "Changes requested — your turn" in turn_row
    assert "Revise and resubmit" in turn_row
    assert reverse("articles:edit", args=[turn.pk]) in turn_row
    assert "Under Review" in turn_row
    assert "Waiting for an editor" in rows[-1]
    assert "Nothing for now" in rows[-1]
    assert "Finish and submit" in rows[titles.index("Draft one?")]
    assert draft.pk


def test_a_new_author_is_told_how_to_start(client, db):
    newcomer = UserFactory(roles=[Role.AUTHOR])
    client.force_login(newcomer)
    text = client.get(reverse("articles:desk")).content.decode()
    assert "You have not written an article yet." in text
    assert "Start a new article" in text


def test_people_without_the_author_role_are_not_offered_a_new_article(client, db):
    client.force_login(UserFactory(roles=[Role.REVIEWER]))
    text = client.get(reverse("articles:desk")).content.decode()
    assert "Start a new article" not in text
    assert "You have not written an article yet." not in text
    assert client.get(reverse("articles:create")).status_code == 403


def test_author_sees_the_decision_letter_and_writes_a_response(
    client, author, editor, draft, advance
):
    article = draft.fire("submit", by=author)
    article = article.fire("start_review", by=editor)
    article = advance(article, "reviews")
    article = article.fire("request_changes", by=editor, comment="Please add dosing for children.")
    client.force_login(author)

    edit_page = client.get(reverse("articles:edit", args=[article.pk])).content.decode()
    assert "The editor's decision: changes requested" in edit_page
    assert "Please add dosing for children." in edit_page
    assert "Response to the editor and reviewers" in edit_page

    response = client.post(
        reverse("articles:edit", args=[article.pk]),
        editor_payload(
            title=article.title,
            body="Now with paediatric dosing [1].",
            references=[reference(1)],
            seen_hash=article.current_revision.content_hash,
            response_letter="Added a paediatric dosing section as asked.",
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.current_revision.number == 2
    assert article.current_revision.response_letter == "Added a paediatric dosing section as asked."

    article = article.fire("resubmit", by=author)
    client.force_login(editor)
    page = client.get(reverse("articles:revision", args=[article.pk, 2])).content.decode()
    assert "Added a paediatric dosing section as asked." in page


def test_response_field_appears_only_when_changes_were_requested(client, author, draft):
    client.force_login(author)
    text = client.get(reverse("articles:edit", args=[draft.pk])).content.decode()
    assert "Response to the editor and reviewers" not in text
