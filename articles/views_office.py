"""Editorial office pages for editors: the glossary and the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.rules import require_editor

from .csv_export import csv_download
from .forms import AuditFilterForm, GlossaryTermForm
from .models import AuditEntry, GlossaryTerm


@require_safe
@login_required
def glossary(request):
    require_editor(request.user, "This page is for editors.")
    query = request.GET.get("q", "").strip()
    terms = GlossaryTerm.objects.all()
    if query:
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(synonyms__icontains=query)
            | Q(explanation__icontains=query)
        )
    page = Paginator(terms, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/glossary.html",
        {"page": page, "query": query, "form": GlossaryTermForm()},
    )


@login_required
def glossary_edit(request, pk: int | None = None):
    require_editor(request.user, "This page is for editors.")
    term = get_object_or_404(GlossaryTerm, pk=pk) if pk else None
    form = GlossaryTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        # Saving bumps the glossary version, so no cached page keeps the old text.
        messages.success(request, f"Saved “{saved.term}”. Patient pages use it from now on.")
        return redirect("articles:glossary")
    return render(
        request,
        "articles/glossary_form.html",
        {"form": form, "term": term},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def glossary_delete(request, pk: int):
    require_editor(request.user, "This page is for editors.")
    term = get_object_or_404(GlossaryTerm, pk=pk)
    term.delete()
    messages.success(request, f"Removed “{term.term}” from the glossary.")
    return redirect("articles:glossary")


def _filtered_audit(request):
    # The filter's choices come from the visible entries only: a list of
    # people would otherwise name who reviewed the viewer's own article.
    visible = AuditEntry.objects.visible_to(request.user)
    entries = visible.select_related("actor", "article", "revision").order_by("-created_at", "-pk")
    actions = sorted(visible.order_by().values_list("action", flat=True).distinct())
    people = User.objects.filter(pk__in=visible.values("actor")).order_by("username")
    form = AuditFilterForm(request.GET or None, actions=actions, people=people)
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(actor=data["person"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["article"]:
            entries = entries.filter(article_id=data["article"])
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    elif form.is_bound:
        entries = entries.none()
    return form, entries


@require_safe
@login_required
def audit(request):
    require_editor(request.user, "This page is for editors.")
    form, entries = _filtered_audit(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "articles/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_safe
@login_required
def audit_csv(request):
    """The filtered log as CSV, streamed row by row from a server-side cursor."""
    require_editor(request.user, "This page is for editors.")
    _, entries = _filtered_audit(request)
    rows = (
        [
            entry.created_at.isoformat(),
            entry.article.title,
            entry.article_id,
            entry.revision.number if entry.revision else "",
            entry.actor.get_username() if entry.actor else "system",
            entry.action,
            entry.from_state,
            entry.to_state,
            entry.comment,
        ]
        for entry in entries.iterator(chunk_size=500)
    )
    header = ["when", "article", "article_id", "revision", "who", "action", "from", "to", "comment"]
    return csv_download(header, rows, filename="audit-log.csv")
