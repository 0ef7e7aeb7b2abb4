"""The editorial office: the pages editors work from (dashboard, queue,
audit log, glossary, reader questions, policy, signature verification)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.rules import require_editor
from articles import services
from articles.models import (
    Article,
    ArticleState,
    AuditEntry,
    EditorialPolicy,
    GlossaryTerm,
    PolicyChanged,
    PolicyVersion,
    ReaderQuestion,
    SourceAlert,
    TransitionRefused,
)
from articles.rules import source_alert_clear_problem
from core.form_problems import FormProblem, add_service_errors
from reviews.models import BoardSignoff, ExtensionRequest, ReviewAssignment, ReviewRound
from reviews.verification import verify_revision

from . import figures as office_figures
from .csv_export import csv_download
from .forms import AuditFilterForm, GlossaryTermForm, PolicyForm, SourceAlertClearForm
from .queue import BADGES, editor_queue_items


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
    uses = _published_uses({term.term: term for term in page})
    for term in page:
        term.published_uses = uses.get(term.term, [])
    return render(
        request,
        "office/glossary.html",
        {"page": page, "query": query, "form": GlossaryTermForm()},
    )


def _published_uses(terms: dict) -> dict:
    """{term: [use, ...]}: the published articles whose approved revision
    pinned the term, each with the wording it pinned and whether that
    differs from the live entry (a glossary edit reaches an article only
    through a new revision). One query, whatever the glossary's size."""
    uses: dict = {}
    if not terms:
        return uses
    published = (
        Article.objects.filter(published_revision__isnull=False)
        .values(
            "pk", "title", "published_revision__number", "published_revision__glossary_snapshot"
        )
        .order_by("title")
    )
    for row in published:
        for entry in row["published_revision__glossary_snapshot"] or []:
            live = terms.get(entry["term"])
            if live is None:
                continue
            uses.setdefault(live.term, []).append(
                {
                    "article_id": row["pk"],
                    "title": row["title"],
                    "revision": row["published_revision__number"],
                    "explanation": entry["explanation"],
                    "differs": entry["explanation"] != live.explanation
                    or list(entry["forms"]) != live.forms,
                }
            )
    return uses


@login_required
def glossary_edit(request, pk: int | None = None):
    require_editor(request.user, "This page is for editors.")
    term = get_object_or_404(GlossaryTerm, pk=pk) if pk else None
    form = GlossaryTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(
            request,
            f"Saved “{saved.term}”. Revisions submitted from now on use it; published "
            f"articles keep the wording they were approved with until they are updated.",
        )
        return redirect("office:glossary")
    return render(
        request,
        "office/glossary_form.html",
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
    return redirect("office:glossary")


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
        "office/audit.html",
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


@login_required
def policy_edit(request):
    """Editors change the policy's text and settings here, as a new version."""
    require_editor(request.user, "Only editors can change the editorial policy.")
    policy = EditorialPolicy.current()
    latest = PolicyVersion.objects.order_by("-number").first()
    form = PolicyForm(
        request.POST or None, instance=policy, initial={"seen_version": latest.number}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in PolicyForm.Meta.fields}
            # The ModelForm wrote the values onto `policy`; the service compares
            # against the stored row, so read it fresh.
            try:
                version = services.policy_update(
                    editor=request.user,
                    data=data,
                    note=form.cleaned_data["note"],
                    seen_version=form.cleaned_data["seen_version"],
                )
            except PolicyChanged as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Saved as version {version.number} of the policy.")
                return redirect("office:policy")
    versions = PolicyVersion.objects.select_related("changed_by").order_by("-number")[:20]
    return render(
        request,
        "office/policy_edit.html",
        {"form": form, "versions": versions, "latest": latest},
        status=status,
    )


@require_safe
@login_required
def reader_questions(request):
    require_editor(request.user, "Reader questions are handled by editors.")
    return _render_questions(request, page_number=request.GET.get("page"))


def _render_questions(request, *, page_number, failed: dict | None = None, status: int = 200):
    """The list of messages; `failed` keeps an answer that was refused (with
    why) in its form, on the page the editor was on, so the text is not lost."""
    handled = request.GET.get("show") == "handled"
    # Messages about an editor's own articles are left to another editor.
    if handled:
        questions = ReaderQuestion.objects.filter(
            article__in=Article.objects.handleable_by(request.user), handled_at__isnull=False
        )
    else:
        questions = ReaderQuestion.objects.unanswered_for(request.user)
    questions = questions.select_related("article", "handled_by").order_by(
        "-handled_at" if handled else "created_at"
    )
    page = Paginator(questions, 30).get_page(page_number)
    return render(
        request,
        "office/questions.html",
        {
            "page": page,
            "handled": handled,
            "failed": failed or {},
            # No Django form here: the refusal joins the page's error summary itself.
            "page_problems": [FormProblem(f"Not handled: {failed['error']}", failed["anchor"])]
            if failed
            else [],
        },
        status=status,
    )


@login_required
@require_POST
def reader_question_handle(request, pk: int):
    require_editor(request.user, "Reader questions are handled by editors.")
    question = get_object_or_404(ReaderQuestion, pk=pk)
    answer = request.POST.get("answer", "")[:5000]
    try:
        services.reader_question_handle(
            question=question,
            editor=request.user,
            answer=answer,
            rereview=request.POST.get("rereview") == "on",
        )
    except (ValidationError, TransitionRefused) as exc:
        problem = " ".join(getattr(exc, "messages", [str(exc)]))
        return _render_questions(
            request,
            page_number=request.POST.get("page"),
            failed={
                "pk": question.pk,
                "answer": answer,
                "error": problem,
                # The answer box, or the message's heading when it has no box.
                "anchor": f"#answer-{question.pk}" if question.email else f"#q-{question.pk}",
            },
            status=400,
        )
    messages.success(request, "Done: the message is marked as handled.")
    return redirect("office:questions")


@require_safe
@login_required
def office(request):
    """The managing editor's dashboard: the pipeline at a glance."""
    require_editor(request.user, "The office dashboard is for editors.")
    today = timezone.localdate()
    by_state = office_figures.state_counts()
    stages = office_figures.stage_counts(by_state)
    states = [(ArticleState(value).label, count) for value, count in by_state.items()]
    # How many there are in all, the header counts already (work_counts).
    questions = ReaderQuestion.objects.unanswered_for(request.user)
    alerts = _open_source_alerts(request.user)
    return render(
        request,
        "office/dashboard.html",
        {
            "state_chart": office_figures.chart(states),
            "stage_chart": office_figures.chart(list(stages.items())),
            "durations": office_figures.days_in_state(),
            "reviews": office_figures.review_counts(today, viewer=request.user),
            "rereview_due": office_figures.due_for_rereview(today),
            # Most serious first; the whole list is one link away.
            "source_alerts": alerts[:10],
            "source_alert_count": len(alerts),
            "questions": questions.select_related("article").order_by("created_at")[:5],
            "workload": office_figures.reviewer_workload(today, viewer=request.user),
            "window_days": office_figures.WINDOW_DAYS,
        },
    )


@require_safe
@login_required
def queue(request):
    require_editor(request.user, "The editorial queue is for editors.")
    state = request.GET.get("state", "")
    open_questions = ReaderQuestion.objects.filter(article=OuterRef("pk"), handled_at__isnull=True)
    open_alerts = SourceAlert.objects.open().filter(article=OuterRef("pk"))
    articles = (
        Article.objects.handleable_by(request.user)
        .filter(
            Q(
                state__in=[
                    ArticleState.SUBMITTED,
                    ArticleState.UNDER_REVIEW,
                    ArticleState.CHANGES_REQUESTED,
                    ArticleState.BOARD_REVIEW,
                ]
            )
            | Q(state=ArticleState.APPROVED, rereview_due_since__isnull=False)
            | Q(state=ArticleState.APPROVED) & Exists(open_questions)
            | Q(state=ArticleState.APPROVED) & Exists(open_alerts)
        )
        .annotate(
            open_questions=Count(
                "reader_questions", filter=Q(reader_questions__handled_at__isnull=True)
            )
        )
        .select_related("current_revision")
        .prefetch_related(
            "authors",
            Prefetch(
                "source_alerts",
                queryset=SourceAlert.objects.open().select_related("reference"),
                to_attr="open_source_alerts",
            ),
            Prefetch(
                "review_rounds",
                queryset=ReviewRound.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "assignments",
                        queryset=ReviewAssignment.objects.select_related(
                            "reviewer"
                        ).prefetch_related(
                            Prefetch(
                                "extension_requests",
                                queryset=ExtensionRequest.objects.filter(
                                    status=ExtensionRequest.Status.PENDING
                                ),
                                to_attr="pending_extensions",
                            )
                        ),
                    )
                ),
            ),
        )
    )
    if state in ArticleState.values:
        articles = articles.filter(state=state)
    rows = editor_queue_items(articles, today=timezone.localdate())
    return render(
        request,
        "office/queue.html",
        {
            "rows": rows,
            "badges": [BADGES[urgency] for urgency in sorted(BADGES, reverse=True)],
            "state": state,
            "states": [
                (value, label)
                for value, label in ArticleState.choices
                if value
                in {"submitted", "under_review", "changes_requested", "board_review", "approved"}
            ],
        },
    )


@require_safe
@login_required
def verification(request):
    """For editors: every published article's signatures checked against the
    hash recomputed from the published revision's content now."""
    require_editor(request.user, "Signature verification is for editors.")
    articles = (
        Article.objects.filter(published_revision__isnull=False)
        .select_related("published_revision")
        .prefetch_related(
            "published_revision__references",
            Prefetch(
                "published_revision__signoffs",
                queryset=BoardSignoff.objects.select_related("withdrawal"),
            ),
        )
        .order_by("title")
    )
    rows = []
    for article in articles:
        revision = article.published_revision
        check = verify_revision(
            revision,
            references=list(revision.references.all()),
            signoffs=list(revision.signoffs.all()),
        )
        rows.append(
            {
                "article": article,
                "revision": revision,
                "hash": check.content_hash,
                "check": check,
                "signatures": [
                    (signoff, signoff in check.valid) for signoff in revision.signoffs.all()
                ],
            }
        )
    return render(request, "office/verification.html", {"rows": rows})


def _open_source_alerts(user) -> list[SourceAlert]:
    """Open alerts on articles `user` may handle, most serious first, then newest."""
    alerts = list(SourceAlert.objects.open_for_editor(user).with_details())
    return sorted(alerts, key=lambda alert: (alert.severity, -alert.found_at.timestamp()))


@require_safe
@login_required
def source_alerts(request):
    """What the retraction watch found about the studies published articles
    cite: the open alerts, then the ones cleared lately."""
    require_editor(request.user, "Alerts about cited studies are handled by editors.")
    cleared = (
        SourceAlert.objects.filter(
            article__in=Article.objects.handleable_by(request.user), cleared_at__isnull=False
        )
        .with_details()
        .order_by("-cleared_at")[:20]
    )
    return render(
        request,
        "office/source_alerts.html",
        {"alerts": _open_source_alerts(request.user), "cleared": cleared},
    )


@login_required
def source_alert(request, pk: int):
    """One alert, and the form that clears it with a reason (editors who may
    handle the article: `rules.may_clear_source_alert`)."""
    alert = get_object_or_404(SourceAlert.objects.with_details(), pk=pk)
    if problem := source_alert_clear_problem(request.user, alert.article):
        raise PermissionDenied(problem)
    form = SourceAlertClearForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.source_alert_clear(
                    alert=alert, editor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionRefused as exc:
                form.add_error(None, exc.problems)
                status = 409
            else:
                messages.success(request, "Alert cleared; the authors and editors were told.")
                return redirect("office:source_alerts")
    return render(
        request,
        "office/source_alert.html",
        {"alert": alert, "form": form},
        status=status,
    )
