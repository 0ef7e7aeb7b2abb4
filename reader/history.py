"""An article's version history as readers reach it: the list of approved
versions, each earlier one at its own address, and a comparison of any two.
Which revisions these pages may show is reader/visibility.py's
`approved_revisions()`."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.models import AudienceLevel
from articles.forms import VersionCompareForm
from articles.models import ArticleNotice
from articles.text import fingerprints
from reviews.models import BoardSignoff
from reviews.verification import verify_revision

from . import shared_cache
from .audience import audience_for
from .public_text import rendered_text
from .views import _public_article
from .visibility import approved_revisions, is_retracted, policy_for


def _signed(revision) -> list:
    """The signatures on `revision` that still count for its text as it is
    now (prefetched as `revision.all_signoffs`)."""
    references = list(revision.references.all())
    return verify_revision(revision, references=references, signoffs=revision.all_signoffs).valid


def _versions(article, request):
    signoffs = BoardSignoff.objects.select_related("withdrawal").order_by("signed_at", "pk")
    return approved_revisions(article, policy_for(request)).prefetch_related(
        "references", Prefetch("signoffs", queryset=signoffs, to_attr="all_signoffs")
    )


@require_safe
@shared_cache.shareable
def article_history(request, slug: str):
    """Every approved version of a public article, newest first."""
    article = _public_article(slug)
    versions = list(_versions(article, request))
    rows = [
        {
            "revision": revision,
            "signoffs": _signed(revision),
            "is_current": revision.pk == article.published_revision_id,
            "short_fingerprint": fingerprints.short(revision.content_hash),
        }
        for revision in versions
    ]
    numbers = [revision.number for revision in versions]
    context = {
        "article": article,
        "rows": rows,
        "retracted": is_retracted(article),
        "notices": ArticleNotice.objects.filter(article=article),
        "compare_form": VersionCompareForm(
            numbers=numbers, initial={"old": numbers[1], "new": numbers[0]}
        )
        if len(numbers) > 1
        else None,
    }
    return render(request, "reader/history.html", context)


@require_safe
def article_version(request, slug: str, number: int):
    """An earlier approved version at its own address, marked superseded; the
    current one's address is the article page itself."""
    article = _public_article(slug)
    revision = _versions(article, request).filter(number=number).first()
    if revision is None:
        raise Http404("This article has no approved version with that number.")
    if revision.pk == article.published_revision_id:
        return redirect("reader:public", slug=article.slug)
    references = list(revision.references.all())
    audience, from_link = audience_for(request, article)
    context = {
        "article": article,
        "revision": revision,
        "references": references,
        "citation_style": policy_for(request).citation_style,
        "signoffs": _signed(revision),
        "text": rendered_text(revision, audience, len(references)),
        "audience": audience,
        "audience_label": AudienceLevel(audience).label,
        "audience_choices": AudienceLevel.choices,
        "from_link": from_link,
        "retracted": is_retracted(article),
        "current_url": request.build_absolute_uri(reverse("reader:public", args=[article.slug])),
    }
    return render(request, "reader/version.html", context)


@require_safe
def compare_versions(request, slug: str):
    """What changed between two approved versions, in the reader's level.
    A plain GET form: works without JavaScript and can be shared."""
    article = _public_article(slug)
    versions = {revision.number: revision for revision in _versions(article, request)}
    numbers = sorted(versions, reverse=True)
    audience, _from_link = audience_for(request, article)
    context = {
        "article": article,
        "audience": audience,
        "audience_label": AudienceLevel(audience).label,
        "retracted": is_retracted(article),
    }
    if "old" not in request.GET and "new" not in request.GET:
        initial = {"old": numbers[1], "new": numbers[0]} if len(numbers) > 1 else {}
        context["form"] = VersionCompareForm(numbers=numbers, initial=initial)
        return render(request, "reader/compare.html", context)
    form = VersionCompareForm(request.GET, numbers=numbers)
    context["form"] = form
    if not form.is_valid():
        return render(request, "reader/compare.html", context, status=400)
    old, new = versions[form.cleaned_data["old"]], versions[form.cleaned_data["new"]]
    context.update(
        old=old,
        new=new,
        current_number=numbers[0],
        diff=new.changes_since(old, audience),
    )
    return render(request, "reader/compare.html", context)
