"""Which revision of which article a reader may see: the one rule, for the
article page, the home page, search, the feed, the sitemap, the structured
data and the search index.

An article shows its published revision while it is approved or while an
update of it is in review. An article never published is shown in review
(its latest submitted revision, with a caution) only as far as the
editorial policy's `public_from` lets readers see it: never, once an editor
has started review (the default), or from submission. Drafts, rejected and
withdrawn articles are never public. A retracted article keeps its page
(its published revision, under the retraction notice) but leaves every list.

Of a public article that was ever approved, readers may also open every
approved revision, and only those (`approved_revisions()`): the history,
the superseded versions and the comparison between them.

The rule is written once, as Q objects (`_published_rule`,
`_in_review_rule`). `PublicArticleQuerySet.public()` filters with them;
`shown_revision()` asks the same Q objects of one loaded article.
"""

from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from articles.models import (
    Article,
    ArticleNotice,
    ArticleState,
    EditorialPolicy,
    PublicFrom,
    Revision,
    SourceAlert,
)

from .review_progress import published_peer_reviewers

IN_REVIEW_STATES = (
    ArticleState.SUBMITTED,
    ArticleState.UNDER_REVIEW,
    ArticleState.CHANGES_REQUESTED,
    ArticleState.BOARD_REVIEW,
)
# Once an editor has started review (resubmitted work goes straight back to
# UNDER_REVIEW, so SUBMITTED is only ever the bare, untriaged submission).
REVIEW_STARTED_STATES = (
    ArticleState.UNDER_REVIEW,
    ArticleState.CHANGES_REQUESTED,
    ArticleState.BOARD_REVIEW,
)
# Which unapproved states each policy setting lets readers open.
_VISIBLE_BEFORE_APPROVAL = {
    PublicFrom.APPROVAL: (),
    PublicFrom.REVIEW: REVIEW_STARTED_STATES,
    PublicFrom.SUBMISSION: IN_REVIEW_STATES,
}
# While an update is in review, readers keep seeing the approved text.
PUBLISHED_STATES = (ArticleState.APPROVED, *IN_REVIEW_STATES)


def shows_work_in_review(policy: EditorialPolicy) -> bool:
    """Whether readers may open any article before its approval."""
    return bool(_VISIBLE_BEFORE_APPROVAL.get(policy.public_from))


def _published_rule() -> Q:
    return Q(published_revision__isnull=False, state__in=PUBLISHED_STATES)


def _retracted_rule() -> Q:
    # Reachable at its address, never listed: not part of public().
    return Q(published_revision__isnull=False, state=ArticleState.RETRACTED)


def _in_review_rule(policy: EditorialPolicy) -> Q:
    # No state at all when the policy keeps work in review private.
    states = _VISIBLE_BEFORE_APPROVAL.get(policy.public_from, ())
    return Q(published_revision__isnull=True, state__in=states, submitted_at__isnull=False)


class PublicArticleQuerySet(models.QuerySet):
    def public(self, policy: EditorialPolicy, stage: str = "") -> "PublicArticleQuerySet":
        """The articles a reader may open (see the module's docstring);
        `stage` keeps only "approved" ones or only work "in_review"."""
        if stage == "approved":
            return self.approved()
        if stage == "in_review":
            return self.filter(_in_review_rule(policy))
        return self.filter(_published_rule() | _in_review_rule(policy))

    def for_page(self) -> "PublicArticleQuerySet":
        """What the article page shows of an article besides its text, with
        the article: its published revision, its authors (the byline, one
        query), whether it has notices (`has_notices`: most have none, so
        they are read only when there are), whether the retraction watch
        marks a study its published revision cites (`has_source_alerts`,
        likewise) and how many clinicians reviewed the published revision
        (`published_peer_reviewers`)."""
        return (
            self.select_related("published_revision")
            .prefetch_related(Prefetch("authors", queryset=User.objects.order_by("pk")))
            .annotate(
                has_notices=Exists(ArticleNotice.objects.filter(article=OuterRef("pk"))),
                has_source_alerts=Exists(
                    SourceAlert.objects.open().filter(
                        reference__revision=OuterRef("published_revision")
                    )
                ),
                published_peer_reviewers=published_peer_reviewers(),
            )
        )

    def approved(self) -> "PublicArticleQuerySet":
        """The articles readers see approved text of, whatever the policy."""
        return self.filter(_published_rule())

    def with_published_page(self) -> "PublicArticleQuerySet":
        """Articles whose page shows approved text, retracted ones included
        (which no list shows): where notices are read."""
        return self.filter(_published_rule() | _retracted_rule())

    def listed(self) -> "PublicArticleQuerySet":
        """What a list entry shows (templates/reader/_article_list.html), as
        dictionaries: `slug`, `state`, `published_revision_id`, `shown_title`
        (the published revision's title, else the article's) and
        `published_summary` (None until a revision is published). Lists only
        display these, so they build no model instances (Django's advice for
        read-only rows; on a 20-entry page instances cost a fifth of the
        render)."""
        return self.values(
            "slug",
            "state",
            "published_revision_id",
            shown_title=Coalesce("published_revision__title", "title"),
            published_summary=F("published_revision__summary"),
        )

    def newest_approved(self) -> "PublicArticleQuerySet":
        # Walks the approved_at index (article_newest_approved).
        return self.order_by("-approved_at", "-pk")

    def latest_submitted(self) -> "PublicArticleQuerySet":
        return self.order_by("-submitted_at", "-pk")


def _holds(condition: Q, article: Article) -> bool:
    """Whether an article already loaded meets `condition`, without a query.
    Knows what the rule above uses: exact, `in` and `isnull` on the
    article's own columns, joined by AND or OR."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, article))
            continue
        lookup, wanted = child
        name, _, operator = lookup.partition("__")
        value = getattr(article, Article._meta.get_field(name).attname)
        if operator == "in":
            results.append(value in wanted)
        elif operator == "isnull":
            results.append((value is None) == wanted)
        elif operator == "":
            results.append(value == wanted)
        else:
            raise ValueError(f"The visibility rule cannot check {lookup!r} in Python.")
    met = all(results) if condition.connector == Q.AND else any(results)
    return met != condition.negated


def shown_revision(article: Article, policy: EditorialPolicy) -> Revision:
    """The revision a reader sees of `article` under `policy`: the published
    one if the rule shows it (also under a retraction notice), else the
    latest submitted one if the rule shows work in review; Http404 when the
    article is not public."""
    if _holds(_published_rule() | _retracted_rule(), article):
        return article.published_revision
    if _holds(_in_review_rule(policy), article):
        current = article.current_revision
        if current is not None and current.is_frozen:
            return current
        # Changes requested: the authors' new draft is private until submitted.
        latest = article.revisions.filter(submitted_at__isnull=False).order_by("-number").first()
        if latest is not None:
            return latest
    raise Http404("No public article here.")


def approved_revisions(article: Article, policy: EditorialPolicy):
    """The revisions of `article` a reader may open besides the page itself:
    the ones the board approved, newest first, while the article's page is
    public and has published text. Drafts, rejected and never-approved
    revisions are not among them; Http404 when there is no such history."""
    shown_revision(article, policy)  # Http404 for an article that is not public
    if article.published_revision_id is None:
        raise Http404("This article has no approved versions yet.")
    return article.revisions.filter(approved_at__isnull=False).order_by("-number")


def is_retracted(article: Article) -> bool:
    """Whether the page shows its text under a retraction notice."""
    return _holds(_retracted_rule(), article)


def policy_for(request) -> EditorialPolicy:
    """The editorial policy, read once per request however many parts of
    the page ask for it."""
    if not hasattr(request, "editorial_policy"):
        request.editorial_policy = EditorialPolicy.current()
    return request.editorial_policy
