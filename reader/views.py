"""The pages anyone can read: the home page, search, an article, the
editorial policy and the Medical Advisory Board."""

import hashlib

from django.contrib import messages
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    quote_etag,
)
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from accounts.models import AudienceLevel, Role, User
from articles import services
from articles.forms import AudienceForm, ReaderQuestionForm
from articles.models import (
    ArticleNotice,
    CitationStyle,
    NoticeKind,
    PolicyVersion,
    PublicFrom,
    SourceAlert,
    SourceAlertKind,
)
from articles.text.rendering import render_body
from reviews.models import BoardSignoff
from reviews.verification import valid_signatures, verify_revision

from . import page_cache, shared_cache
from . import search as reader_search
from .approval import approval_record
from .audience import AUDIENCE_COOKIE, LEVELS, audience_for
from .models import PublicArticle
from .page_cache import RENDER_VERSION, glossary_version
from .public_text import rendered_text
from .review_progress import ReviewProgress, review_progress
from .structured_data import as_script, medical_web_page
from .visibility import is_retracted, policy_for, shown_revision, shows_work_in_review

ONE_YEAR = 60 * 60 * 24 * 365
QUESTION_RATE = "5/h"  # per IP address: enough for a reader, too slow for a flood


def _public_article(slug: str) -> PublicArticle:
    # The current revision is loaded only when there is no published one to
    # show; with it joined, most pages fetched the same long texts twice.
    return get_object_or_404(PublicArticle.objects.select_related("published_revision"), slug=slug)


def _page_article(slug: str) -> PublicArticle:
    """The article with what its page shows besides the text
    (`PublicArticleQuerySet.for_page`)."""
    return get_object_or_404(PublicArticle.objects.for_page(), slug=slug)


def _render_article(request, article: PublicArticle, level: str | None):
    """`article` as `_page_article` loads it, at the address's `level` (None:
    the bare address)."""
    policy = policy_for(request)
    revision = shown_revision(article, policy)
    references = list(revision.references.all())
    audience, from_link = audience_for(request, article, level)
    text = rendered_text(revision, audience, len(references))
    published = revision.pk == article.published_revision_id
    retracted = is_retracted(article)
    notices = list(article.notices.all()) if published and article.has_notices else []
    source_alerts = (
        _mark_cited_studies(references) if published and article.has_source_alerts else []
    )
    signoffs = []
    if published and not retracted:
        # Signatures are checked against the text as it is now, not a stored
        # fingerprint, so altered content never appears as signed; the page
        # names those who signed the version being read.
        valid, _versions = valid_signatures(revision, references)
        signoffs = [s for s in valid if s.covers(text.version)]
    approved = published and bool(signoffs)
    if published and not approved:
        # Altered behind the app's back: nobody reviewed these words either.
        progress = ReviewProgress(peer_reviewers=0)
    else:
        reviewers = article.published_peer_reviewers if published else None
        progress = review_progress(article, revision, approved=approved, reviewers=reviewers)
    today = timezone.localdate()
    canonical_url = request.build_absolute_uri(_level_path(article, audience))
    structured = medical_web_page(
        article=article,
        revision=revision,
        url=canonical_url,
        audience=audience,
        signoffs=signoffs,
        references=references,
        first_published=article.first_approved_at,
        retracted=retracted,
    )
    context = {
        "structured_data": as_script(structured),
        # Each level's own address, so a shared link opens the text it describes.
        "canonical_url": canonical_url,
        "article": article,
        "revision": revision,
        "references": references,
        "citation_style": policy.citation_style,
        "text": text,
        "audience": audience,
        "audience_label": AudienceLevel(audience).label,
        "audience_choices": AudienceLevel.choices,
        "from_link": from_link,
        "approved": approved,
        "approval_unverified": published and not approved and not retracted,
        "progress": progress,
        "retracted": retracted,
        "retraction": next((n for n in notices if n.kind == NoticeKind.RETRACTION), None),
        "notices": [n for n in notices if n.kind != NoticeKind.RETRACTION],
        # Part of the reference list's fragment key: the marks are not in the
        # signed revision, so its content hash alone would keep them stale.
        "source_marks_key": ",".join(str(alert.pk) for alert in source_alerts) or "none",
        # An earlier approval than the shown one: there is a history to see.
        "updated": published
        and article.first_approved_at is not None
        and revision.approved_at is not None
        and revision.approved_at > article.first_approved_at,
        "last_updated": revision.approved_at if approved else revision.submitted_at,
        "review_due_passed": bool(article.next_review_due and article.next_review_due < today),
        "signoffs": signoffs,
        "steps": article.public_tracker_steps(revision),
        "show_overdue": approved and article.is_review_overdue and policy.show_overdue_publicly,
    }
    validators = _validators(
        request,
        article,
        revision,
        audience,
        from_link,
        signoffs,
        policy,
        progress,
        notices,
        source_alerts,
    )
    if validators:
        etag, last_modified = validators
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
    response = render(request, "reader/article.html", context)
    if validators:
        response["ETag"], response["Last-Modified"] = (
            validators[0],
            http_date(validators[1].timestamp()),
        )
    return response


def _level_path(article, audience: str) -> str:
    """The address of `article` at `audience`: the bare one for the level it
    was written for, so the address everyone already links to stays canonical."""
    if audience == article.primary_audience:
        return reverse("reader:public", args=[article.slug])
    return reverse("reader:level", args=[article.slug, audience])


def _mark_cited_studies(references: list) -> list[SourceAlert]:
    """The open alerts on the shown references, each reference given the
    alerts readers see under it (`source_marks`: a retraction alone, else
    the others, most serious first). One query, however many references
    and alerts."""
    alerts = list(
        SourceAlert.objects.open()
        .filter(reference__in=[ref.pk for ref in references])
        .order_by("reference_id", "pk")
    )
    by_reference: dict[int, list[SourceAlert]] = {}
    for alert in alerts:
        by_reference.setdefault(alert.reference_id, []).append(alert)
    for ref in references:
        marks = sorted(by_reference.get(ref.pk, []), key=lambda a: a.severity)
        # A retracted study: what else was said about it no longer matters to readers.
        ref.source_marks = [a for a in marks if a.kind == SourceAlertKind.RETRACTION] or marks
    return alerts


def _validators(
    request, article, revision, audience, from_link, signoffs, policy, progress, notices,
    source_alerts,
):  # fmt: skip
    """(ETag, Last-Modified) for an anonymous reader's view of the page, or
    None when the page is personal (signed in, or carrying a message)."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    if request.COOKIES.get("messages"):
        return None
    parts = [
        RENDER_VERSION, revision.pk, revision.content_hash, audience, from_link,
        glossary_version(), article.state, article.next_review_due, article.rereview_due_since,
        [signoff.pk for signoff in signoffs], policy.updated_at.isoformat(),
        # The byline and what the banner says of review.
        progress, [(a.pk, a.name_with_credentials, a.disclosure) for a in article.authors.all()],
        [signoff.signer.disclosure for signoff in signoffs],
        [notice.pk for notice in notices],
        [alert.pk for alert in source_alerts],
    ]  # fmt: skip
    etag = quote_etag(hashlib.sha256(repr(parts).encode()).hexdigest()[:32])
    dates = [revision.submitted_at, revision.approved_at, policy.updated_at]
    dates += [notice.created_at for notice in notices]
    dates += [alert.found_at for alert in source_alerts]
    return etag, max(d for d in dates if d)


@require_safe
@shared_cache.shareable
def article_public(request, slug: str, level: str | None = None):
    """An article at its bare address (the reader's remembered level, else the
    one it was written for) or at one level's own address."""
    if level is None and (linked := request.GET.get("audience")) in LEVELS:
        # Level links shared before each level had its own address.
        return redirect("reader:level", slug=slug, level=linked, permanent=True)
    if not page_cache.enabled(request):
        return _render_article(request, _page_article(slug), level)
    found = page_cache.article_page(request, slug, level)
    if found.page is not None:
        return _from_page_cache(request, found.page)
    response = _render_article(request, _page_article(slug), level)
    if response.status_code == 200:
        page_cache.store(found, response)
    return response


def _from_page_cache(request, cached: dict):
    if cached["etag"] and request.headers.get("If-None-Match") == cached["etag"]:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = cached["etag"]
        return not_modified
    response = HttpResponse(cached["html"])
    for header, value in (("ETag", cached["etag"]), ("Last-Modified", cached["last_modified"])):
        if value:
            response[header] = value
    return response


@require_safe
def approval_json(request, slug: str):
    """The approved revision's fingerprints, their canonical content, the
    pinned glossary and the signatures that verify now, for anyone to check."""
    article = _public_article(slug)
    revision = shown_revision(article, policy_for(request))  # 404 for anything not public
    if revision.pk != article.published_revision_id:
        raise Http404("This article has no approved text yet, so there is no approval record.")
    references = list(revision.references.all())
    check = verify_revision(revision, references=references)
    notices = ArticleNotice.objects.filter(article=article).select_related("revision")
    record = approval_record(
        article,
        check,
        references,
        notices=list(notices.order_by("created_at", "pk")),
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 2})
    patch_cache_control(response, no_cache=True)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def choose_audience(request, slug: str):
    """Remember the reader's level and show the article at that level's own
    address. Anonymous readers send the cached page's plain GET form (a
    cookie remembers the level for the article's bare address: nothing a
    forged link could harm); signed-in people post, with their form token, and
    their profile keeps it. htmx only swaps the text instead of reloading."""
    article = _public_article(slug)
    shown_revision(article, policy_for(request))  # 404 for anything not public
    form = AudienceForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, "Please choose one of the three levels.")
        return redirect("reader:public", slug=article.slug)
    audience = form.cleaned_data["audience"]
    if request.method == "POST" and request.user.is_authenticated:
        request.user.preferred_audience = audience
        request.user.save(update_fields=["preferred_audience"])
    response = redirect(_level_path(article, audience))
    response.set_cookie(AUDIENCE_COOKIE, audience, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=QUESTION_RATE, method="POST", block=False)
def ask_question(request, slug: str):
    """The follow-up question form, on its own page: the article page is
    the same for every reader and cached, so it cannot carry a reader's form
    token. htmx loads this form into the article page when it is there."""
    article = _public_article(slug)
    revision = shown_revision(article, policy_for(request))  # 404 for anything not public
    audience = request.GET.get("audience")
    initial = {
        "kind": "question",
        "audience": audience if audience in AudienceLevel.values else article.primary_audience,
    }
    if request.method != "POST":
        return _question_page(request, article, revision, ReaderQuestionForm(initial=initial))
    form = ReaderQuestionForm(request.POST)
    if getattr(request, "limited", False):
        form.is_valid()
        form.add_error(
            None,
            "You have sent several messages in a short time, so this one was not sent. "
            "Please try again in an hour; your text is kept below.",
        )
        return _question_page(request, article, revision, form, status=429)
    if not form.is_valid():
        return _question_page(request, article, revision, form, status=400)
    if not form.cleaned_data["website"]:  # filled in only by bots
        question = form.save(commit=False)
        question.article = article
        question.revision = revision
        services.reader_question_receive(question=question)
    messages.success(request, "Thank you. Your message went to our editors.")
    return redirect(reverse("reader:public", args=[article.slug]) + "#question-heading")


def _question_page(request, article, revision, form, status=200):
    context = {"article": article, "revision": revision, "question_form": form}
    return render(request, "reader/question.html", context, status=status)


# What each `public_from` setting means for readers, in the policy page's words.
BEFORE_APPROVAL_SENTENCES = {
    PublicFrom.APPROVAL: "Only approved articles are shown to readers.",
    PublicFrom.REVIEW: "Articles can be read once an editor has started their review, "
    "with a warning saying how far review has gone; search engines are asked not to list them.",
    PublicFrom.SUBMISSION: "Articles can be read as soon as they are submitted, "
    "with a warning saying how far review has gone; search engines are asked not to list them.",
}


def before_approval_sentence(settings: dict) -> str:
    """What a policy version's settings say about unapproved articles.
    Versions saved before issue 21 recorded a yes/no `public_in_review`,
    which then meant "from submission"."""
    if "public_from" in settings:
        return BEFORE_APPROVAL_SENTENCES.get(settings["public_from"], "")
    if settings.get("public_in_review"):
        return BEFORE_APPROVAL_SENTENCES[PublicFrom.SUBMISSION]
    return BEFORE_APPROVAL_SENTENCES[PublicFrom.APPROVAL]


def citation_style_name(settings: dict) -> str:
    """The reference style a policy version names; "" for versions saved
    before there was a choice (issue 24)."""
    return CitationStyle(settings["citation_style"]).label if "citation_style" in settings else ""


def _policy_context(version: PolicyVersion, latest: PolicyVersion) -> dict:
    return {
        "version": version,
        "latest": latest,
        "text": render_body(version.text, 0).html,
        "settings": version.settings_snapshot,
        "before_approval": before_approval_sentence(version.settings_snapshot),
        "citation_style_name": citation_style_name(version.settings_snapshot),
    }


@require_safe
@shared_cache.shareable
def editorial_policy(request):
    policy = policy_for(request)  # also makes sure version 1 exists
    latest = PolicyVersion.objects.select_related("changed_by").order_by("-number").first()
    context = _policy_context(latest, latest)
    # The live row is what the workflow obeys; show exactly that.
    context.update(
        text=render_body(policy.text, 0).html,
        settings=policy.settings_snapshot(),
        before_approval=before_approval_sentence(policy.settings_snapshot()),
        citation_style_name=citation_style_name(policy.settings_snapshot()),
    )
    return render(request, "reader/policy.html", context)


@require_safe
def policy_versions(request):
    versions = PolicyVersion.objects.select_related("changed_by").order_by("-number")
    return render(request, "reader/policy_versions.html", {"versions": versions})


@require_safe
def policy_version(request, number: int):
    version = get_object_or_404(PolicyVersion.objects.select_related("changed_by"), number=number)
    latest = PolicyVersion.objects.order_by("-number").first()
    return render(request, "reader/policy.html", _policy_context(version, latest))


PAGE_SIZE = 20
# Far past the end of any list; beyond it the offset of ?page=99999999999999999999
# overflows the database's integers. Asking for more shows this (empty) page.
LAST_PAGE = 100_000


def page_number(value) -> int:
    try:
        return min(max(1, int(value or 1)), LAST_PAGE)
    except ValueError:  # not a number, or more digits than int() will read
        return 1


class LeanPage:
    """Previous/next paging without COUNT(*): one row more than the page
    tells whether there is a next page, so lists cost the same at any size."""

    def __init__(self, queryset, number, size=PAGE_SIZE):
        self.number = page_number(number)
        offset = (self.number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        self.object_list = rows[:size]
        self.has_next = len(rows) > size
        self.has_previous = self.number > 1
        self.has_other_pages = self.has_next or self.has_previous
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1

    def __iter__(self):
        return iter(self.object_list)


@require_safe
@shared_cache.shareable
def home(request):
    """Recently approved articles (and work in review if the policy shows it).
    Every anonymous visitor sees the same first page, so it is kept whole
    until an article or the site changes. Later pages are rendered each time:
    any number can be asked for, and caching them all would let anyone fill
    the cache."""
    if not page_cache.enabled(request) or page_number(request.GET.get("page")) != 1:
        return _render_home(request)
    found = page_cache.home_page()
    if found.page is not None:
        return HttpResponse(found.page["html"])
    response = _render_home(request)
    page_cache.store(found, response)
    return response


def _render_home(request):
    policy = policy_for(request)
    listed = PublicArticle.objects.listed()
    page = LeanPage(listed.public(policy, "approved").newest_approved(), request.GET.get("page"))
    items = [(article, None) for article in page]
    in_review = []
    if page.number == 1:
        # Listed apart, under their own heading: they are not approved.
        in_review = [
            (article, None)
            for article in listed.public(policy, "in_review").latest_submitted()[:10]
        ]
    return render(
        request,
        "reader/home.html",
        {
            "page": page,
            "items": items,
            "in_review": in_review,
            "offers_in_review": shows_work_in_review(policy),
        },
    )


@require_safe
def search(request):
    query = request.GET.get("q", "")
    results = reader_search.Results(query, request.GET.get("stage", ""), policy_for(request))
    page = LeanPage(results, request.GET.get("page"))
    return render(
        request,
        "reader/search.html",
        {
            "query": query,
            "stage": results.stage_asked,
            "page": page,
            "hits": page.object_list,
            "offers_in_review": shows_work_in_review(policy_for(request)),
        },
    )


@require_safe
@shared_cache.shareable
def board_page(request):
    """Public: who is on the Medical Advisory Board and what they signed."""
    signed = (
        BoardSignoff.objects.counting()
        .filter(revision__article__published_revision=F("revision"))
        # A retracted article is no longer work the board stands behind.
        .filter(revision__article__in=PublicArticle.objects.approved().values("pk"))
        .select_related("revision__article", "withdrawal")
        .prefetch_related("revision__references")
        .order_by("-signed_at")
    )
    members = list(
        User.objects.acting_in(Role.BOARD)
        .prefetch_related(Prefetch("signoffs", queryset=signed, to_attr="published_signoffs"))
        .order_by("display_name", "username")
    )
    fingerprints = {}
    for member in members:
        # Listed only while the published text still matches what they signed.
        member.published_signoffs = [
            s
            for s in member.published_signoffs
            if s.counts_for(
                *fingerprints.setdefault(
                    s.revision_id,
                    (s.revision.compute_content_hash(), s.revision.version_fingerprints()),
                )
            )
        ]
    return render(request, "reader/board.html", {"members": members})
