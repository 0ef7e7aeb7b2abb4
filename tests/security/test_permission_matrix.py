"""Every URL of the project, for every role and method, against a declared
outcome. The list of URLs comes from the resolver, so a new view without a
line here fails the test until someone decides who may use it.

Roles, in column order: anonymous, author (of the article), another author,
a reviewer not invited, the invited reviewer, an editor, a board member.
The world: one article under review (round 1, one invited reviewer who
accepted, and that reviewer's discussion with the editors), one approved
article, a glossary term, a reader question and an open invitation.
200 served, 302 redirect (sign-in, or done and moved on), 400 form errors,
403 refused with a reason, 404 hidden, 405 wrong method.
POSTs carry no data and run in a rolled-back savepoint.
"""

import pytest
from django.core.cache import cache
from django.db import transaction

from .matrix_world import ROLES, build_world, url_for, url_names

EXPECTED = {
    "accounts:invitation": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [400, 400, 400, 400, 400, 400, 400],
    },
    "accounts:inbox": {
        "GET": [302, 200, 200, 200, 200, 200, 200],
        "POST": [302, 405, 405, 405, 405, 405, 405],
    },
    "accounts:inbox_email": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 400, 400, 400, 400, 400, 400],
    },
    "accounts:inbox_open": {  # only its recipient, the invited reviewer, finds it
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 404, 404, 404, 302, 404, 404],
    },
    "accounts:inbox_read_all": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 302, 302, 302, 302, 302, 302],
    },
    "accounts:login": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [200, 200, 200, 200, 200, 200, 200],
    },
    "accounts:logout": {
        "GET": [405, 405, 405, 405, 405, 405, 405],
        "POST": [302, 302, 302, 302, 302, 302, 302],
    },
    "accounts:password_change": {
        "GET": [302, 200, 200, 200, 200, 200, 200],
        "POST": [302, 200, 200, 200, 200, 200, 200],
    },
    "accounts:password_change_done": {
        "GET": [302, 200, 200, 200, 200, 200, 200],
        "POST": [302, 405, 405, 405, 405, 405, 405],
    },
    "accounts:people": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "accounts:people_invite": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 403, 403, 403, 302, 403],
    },
    "accounts:person": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [302, 403, 403, 403, 403, 400, 403],
    },
    "accounts:person_roles": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 403, 403, 403, 302, 403],
    },
    "accounts:person_unlock": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 403, 403, 403, 302, 403],
    },
    "accounts:signup": {
        "GET": [200, 302, 302, 302, 302, 302, 302],
        "POST": [400, 302, 302, 302, 302, 302, 302],
    },
    "accounts:signup_finish": {
        "GET": [200, 302, 302, 302, 302, 302, 302],
        "POST": [400, 302, 302, 302, 302, 302, 302],
    },
    "reader:approval_record": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    # Anonymous readers pick a level with a plain GET form (no level: back to
    # the article with a message); signed-in people post it for their profile.
    "reader:audience": {
        "GET": [302, 302, 302, 302, 302, 302, 302],
        "POST": [302, 302, 302, 302, 302, 302, 302],
    },
    # The invited reviewer's thread with the editors: 404 to everyone else,
    # who must not learn it exists. POSTs carry no text: the form comes back.
    "articles:discussion": {
        "GET": [302, 404, 404, 404, 200, 200, 404],
        "POST": [302, 404, 404, 404, 400, 400, 404],
    },
    # Starting one: the article's authors, its reviewer and its editors; 404
    # for people the article is not shown to (a board member sees it only
    # once it reaches the board).
    "articles:discussion_new": {
        "GET": [302, 200, 404, 404, 200, 200, 404],
        "POST": [302, 400, 404, 404, 400, 400, 404],
    },
    "articles:revision_due_date": {
        "GET": [302, 403, 404, 404, 404, 200, 404],
        "POST": [302, 403, 404, 404, 404, 400, 404],
    },
    "reviews:more_time": {
        "GET": [302, 404, 404, 404, 200, 404, 404],
        "POST": [302, 404, 404, 404, 400, 404, 404],
    },
    "reviews:due_date": {
        "GET": [302, 403, 404, 404, 404, 200, 404],
        "POST": [302, 403, 404, 404, 404, 400, 404],
    },
    "reviews:extension": {
        "GET": [302, 403, 404, 404, 404, 200, 404],
        "POST": [302, 403, 404, 404, 404, 400, 404],
    },
    "articles:handling_editor": {  # the editor already handles it: told so, redirected
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 404, 404, 404, 302, 404],
    },
    "articles:compare": {
        "GET": [302, 400, 404, 404, 404, 400, 404],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "articles:create": {
        "GET": [302, 200, 200, 403, 403, 403, 403],
        "POST": [302, 400, 400, 403, 403, 403, 403],
    },
    "articles:desk": {
        "GET": [302, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "articles:edit": {
        "GET": [302, 403, 404, 404, 404, 403, 404],
        "POST": [302, 403, 404, 404, 404, 403, 404],
    },
    "reader:feed": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:home": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:policy": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:policy_version": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:policy_versions": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:public": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:level": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    # The question form's own page (it carries the reader's form token).
    "reader:question": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [400, 400, 400, 400, 400, 400, 400],
    },
    # The "are you sure?" page of withdrawing the article in review.
    "articles:confirm": {
        "GET": [302, 200, 404, 404, 404, 403, 404],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    # Only a never-submitted draft is deleted: the article in review is not.
    "articles:delete": {
        "GET": [302, 403, 404, 404, 404, 403, 404],
        "POST": [302, 403, 404, 404, 404, 403, 404],
    },
    "articles:notice": {
        "GET": [302, 403, 404, 404, 404, 200, 403],
        "POST": [302, 403, 404, 404, 404, 400, 403],
    },
    "articles:revision": {
        "GET": [302, 200, 404, 404, 404, 200, 404],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:history": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    # Version 1 of the published article is its current one: the article page.
    "reader:version": {
        "GET": [302, 302, 302, 302, 302, 302, 302],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:compare": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reader:search": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "articles:transition": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 404, 404, 404, 400, 404],
    },
    "articles:workspace": {
        "GET": [302, 200, 404, 404, 404, 200, 404],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "health": {"GET": [200] * 7, "POST": [405] * 7},
    "moved:audit": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:audit_csv": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:glossary": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:glossary_edit": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:glossary_new": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:office": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:people": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:person": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:policy": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:questions": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:queue": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "moved:verification": {
        "GET": [301] * 7,
        "POST": [405] * 7,
    },
    "office:audit": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "office:audit_csv": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "office:dashboard": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "office:glossary": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "office:glossary_delete": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 403, 403, 403, 302, 403],
    },
    "office:glossary_edit": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [302, 403, 403, 403, 403, 400, 403],
    },
    "office:glossary_new": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [302, 403, 403, 403, 403, 400, 403],
    },
    "office:policy": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [302, 403, 403, 403, 403, 400, 403],
    },
    "office:question_handle": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 403, 403, 403, 302, 403],
    },
    "office:questions": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "office:queue": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    # The retraction watch's alerts: editors only (the one in the world is
    # on an article the editor handles); an empty clearing form comes back.
    "office:source_alerts": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "office:source_alert": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [302, 403, 403, 403, 403, 400, 403],
    },
    "office:verification": {
        "GET": [302, 403, 403, 403, 403, 200, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reviews:assignment": {
        "GET": [302, 404, 404, 404, 200, 404, 404],
        "POST": [302, 404, 404, 404, 400, 404, 404],
    },
    "reader:board": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reviews:board_queue": {
        "GET": [302, 403, 403, 403, 403, 403, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reviews:conflict": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 404, 404, 404, 302, 404],
    },
    "reviews:invite": {
        "GET": [302, 403, 404, 404, 404, 200, 404],
        "POST": [302, 403, 404, 404, 404, 400, 404],
    },
    "reviews:mine": {
        "GET": [302, 403, 403, 200, 200, 403, 403],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reviews:recuse": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 404, 404, 404, 403, 404],
    },
    "reviews:reinvite": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 404, 404, 404, 302, 404],
    },
    "reviews:respond": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 404, 404, 404, 400, 404, 404],
    },
    "reviews:round": {
        "GET": [302, 403, 404, 404, 404, 200, 404],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "reviews:round_decide": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 404, 404, 404, 400, 404],
    },
    "reviews:round_close": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        "POST": [302, 403, 404, 404, 404, 302, 404],
    },
    "reviews:round_fewer_reviews": {
        "GET": [302, 405, 405, 405, 405, 405, 405],
        # The matrix posts no reason: the editor gets the form back with why.
        "POST": [302, 403, 404, 404, 404, 400, 404],
    },
    "reviews:signoff": {
        "GET": [302, 403, 404, 404, 404, 403, 404],
        "POST": [302, 403, 404, 404, 404, 403, 404],
    },
    "robots": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
    "sitemap": {
        "GET": [200, 200, 200, 200, 200, 200, 200],
        "POST": [405, 405, 405, 405, 405, 405, 405],
    },
}


def test_every_url_has_declared_expectations():
    missing = sorted(set(url_names()) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(url_names()))
    assert (missing, stale) == ([], []), f"without expectations: {missing}; stale: {stale}"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_permission_matrix(client, db, method):
    people, kwargs, special = build_world()
    mismatches = []
    for name in url_names():
        url = url_for(name, kwargs, special)
        for role, expected in zip(ROLES, EXPECTED[name][method], strict=True):
            client.logout()
            if role != "anonymous":
                client.force_login(people[role])
            cache.clear()  # rate-limit counters
            with transaction.atomic():
                response = client.get(url) if method == "GET" else client.post(url)
                transaction.set_rollback(True)
            if response.status_code != expected:
                mismatches.append(
                    f"{method} {name} as {role}: {response.status_code} != {expected}"
                )
    assert mismatches == []
