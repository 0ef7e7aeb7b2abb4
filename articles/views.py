from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role

from . import office as office_figures
from . import services
from .forms import ArticleDraftForm, CompareForm, PolicyForm, ReferenceFormSet, TransitionForm
from .models import (
    AUDIENCE_FIELDS,
    Article,
    ArticleChanged,
    ArticleState,
    AuditEntry,
    EditorialPolicy,
    PolicyVersion,
    ReaderQuestion,
    Reference,
    Revision,
    TransitionRefused,
    acts_in_role,
    is_handling_editor,
)
from .policy import PolicyChanged
from .services import REFERENCE_FIELDS
from .text.citations import MAX_REFERENCES, citation_problems, parse_reference_block
from .text.readability import readability_report
from .text.rendering import render_text


@require_safe
@login_required
def desk(request):
    user = request.user
    today = timezone.localdate()
    mine = [
        (article, article.author_status(today))
        for article in Article.objects.filter(authors=user).with_desk_details()
    ]
    # What needs the author comes first, then the most recently changed.
    mine.sort(key=lambda pair: (not pair[1].needs_author, -pair[0].updated_at.timestamp()))
    context = {"mine": mine}
    if user.has_perm("accounts.handle_articles"):
        context["editor_queue"] = (
            Article.objects.handleable_by(user)
            .filter(
                state__in=[
                    ArticleState.SUBMITTED,
                    ArticleState.UNDER_REVIEW,
                    ArticleState.CHANGES_REQUESTED,
                ]
            )
            .with_desk_details()
        )
    if acts_in_role(user, Role.BOARD):
        context["board_queue"] = Article.objects.in_board_review_for(user).with_desk_details()
    return render(request, "articles/desk.html", context)


def author_feedback(article: Article) -> list[tuple[str, str]]:
    """Reviewers' comments for the authors from the round that asked for changes."""
    from reviews.rounds import feedback_for_authors

    return feedback_for_authors(article.current_round())


def get_article_for(user, pk: int) -> Article:
    """The article if this person may open it in the desk; 404 otherwise, so
    other people's drafts do not reveal that they exist."""
    return get_object_or_404(Article.objects.visible_to(user).with_desk_details(), pk=pk)


def _content_from(form) -> dict:
    names = ("title", "primary_audience", "summary", "body", "change_summary")
    content = {name: form.cleaned_data[name] for name in names}
    content["audience_versions"] = {name: form.cleaned_data[name] for name in AUDIENCE_FIELDS}
    return content


def _readability(revision_like) -> list:
    return readability_report(revision_like, EditorialPolicy.current().patient_readability_grade)


def _reference_instances(entries: list[dict]) -> list[Reference]:
    return [Reference(position=n, **entry) for n, entry in enumerate(entries, start=1)]


def _total_forms(data) -> int:
    # Capped: the number comes from the browser and sizes the loops below.
    try:
        return min(max(0, int(data.get("refs-TOTAL_FORMS", 0))), MAX_REFERENCES + 1)
    except ValueError:
        return 0


def _with_extra_row(data):
    data = data.copy()
    data["refs-TOTAL_FORMS"] = str(_total_forms(data) + 1)
    return data


def _with_pasted_rows(data) -> tuple[object, list[str]]:
    """The posted editor data with the pasted block split into reference rows
    (empty rows are filled first), and notes on what was done."""
    pasted = data.get("pasted_references", "")
    parsed = parse_reference_block(pasted)
    if not parsed:
        return data, ["There was nothing to split: paste references into the box first."]
    data = data.copy()
    total = _total_forms(data)
    empty = [
        i for i in range(total) if not any(data.get(f"refs-{i}-{f}") for f in REFERENCE_FIELDS)
    ]
    plural = "s" if len(parsed) != 1 else ""
    notices = [f"Added {len(parsed)} reference{plural} from the pasted text."]
    for entry in parsed:
        index = empty.pop(0) if empty else total
        total = max(total, index + 1)
        for name, value in entry.fields.items():
            data[f"refs-{index}-{name}"] = "" if value is None else str(value)
        if not entry.understood:
            notices.append(
                f"Line {entry.line_number} did not split into authors, title and journal, so "
                f"it was kept whole as the title of reference row {index + 1}. Please check it."
            )
    data["refs-TOTAL_FORMS"] = str(total)
    data["pasted_references"] = ""
    return data, notices


def _draft_editor(request, article: Article | None):
    """Create (article is None) or edit a draft. One form, several buttons:
    save, preview, add a reference row, split pasted references. Every
    button keeps everything typed; only "save" writes to the database."""
    revision = article.current_revision if article else None
    asks_for_response = article is not None and article.state == ArticleState.CHANGES_REQUESTED
    context = {"article": article, "revision": revision, "notices": []}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        data = request.POST
        if action == "add_reference":
            data = _with_extra_row(data)
        elif action == "split_references":
            data, context["notices"] = _with_pasted_rows(data)
        form = ArticleDraftForm(data, asks_for_response=asks_for_response)
        formset = ReferenceFormSet(data, prefix="refs")
        valid = form.is_valid() and formset.is_valid()
        if valid:
            references = formset.references()
            unsaved = Revision(**_content_from(form)["audience_versions"])
            unsaved.summary, unsaved.body = form.cleaned_data["summary"], form.cleaned_data["body"]
            context["problems"] = citation_problems(
                unsaved.all_bodies, _reference_instances(references)
            )
            context["readability"] = _readability(unsaved)
        if valid and action == "preview":
            refs = _reference_instances(references)
            context["preview"] = {
                "title": form.cleaned_data["title"],
                "summary": form.cleaned_data["summary"],
                "rendered": render_text(
                    form.cleaned_data["summary"],
                    form.cleaned_data["body"],
                    len(refs),
                    heading_offset=1,
                ),
                "references": refs,
                "versions": unsaved.audience_versions(reference_count=len(refs)),
            }
        elif valid and action == "save":
            try:
                article = _save_draft(request, article, form, references)
            except (ArticleChanged, TransitionRefused) as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                return redirect(article)
        elif not valid:
            status = 400
    else:
        form, formset = _editor_forms_for(revision, asks_for_response)
        if revision is not None:
            refs = list(revision.references.all())
            context["problems"] = citation_problems(revision.all_bodies, refs)
            context["readability"] = _readability(revision)
    if article is not None and asks_for_response:
        context["decision"] = article.latest_decision()
        context["feedback"] = author_feedback(article)
    context.update(form=form, formset=formset)
    return render(request, "articles/article_form.html", context, status=status)


def _editor_forms_for(revision, asks_for_response: bool):
    if revision is None:
        return ArticleDraftForm(), ReferenceFormSet(prefix="refs")
    form = ArticleDraftForm(
        asks_for_response=asks_for_response,
        initial={
            "title": revision.title,
            "primary_audience": revision.primary_audience,
            "summary": revision.summary,
            "body": revision.body,
            "change_summary": "" if revision.is_frozen else revision.change_summary,
            "response_letter": "" if revision.is_frozen else revision.response_letter,
            **{name: getattr(revision, name) for name in AUDIENCE_FIELDS},
            "seen_hash": revision.content_hash,
        },
    )
    formset = ReferenceFormSet(
        prefix="refs",
        initial=[
            {name: getattr(ref, name) for name in REFERENCE_FIELDS}
            for ref in revision.references.all()
        ],
    )
    return form, formset


def _save_draft(request, article: Article | None, form, references: list[dict]) -> Article:
    if article is None:
        article = services.article_create(
            author=request.user, references=references, **_content_from(form)
        )
        messages.success(request, "Draft saved. Submit it for review when it is ready.")
        return article
    saved = services.revision_save_draft(
        article=article,
        author=request.user,
        seen_hash=form.cleaned_data["seen_hash"],
        references=references,
        response_letter=form.cleaned_data.get("response_letter", ""),
        **_content_from(form),
    )
    messages.success(request, f"Saved as revision {saved.number} (draft).")
    return article


@login_required
def article_create(request):
    if not request.user.has_perm("accounts.write_articles"):
        raise PermissionDenied(
            "Only people with the Author role can write articles. Ask an editor for the role."
        )
    return _draft_editor(request, None)


@login_required
def article_edit(request, pk: int):
    article = get_article_for(request.user, pk)
    if not article.has_author(request.user):
        raise PermissionDenied("Only the article's authors can edit it.")
    if not article.is_editable:
        raise PermissionDenied(
            f"The article is “{article.get_state_display()}”, so it cannot be edited now. "
            f"You can edit it again if the editors ask for changes."
        )
    return _draft_editor(request, article)


def _history_for(article: Article, user):
    return (
        AuditEntry.objects.visible_to(user)
        .filter(article=article)
        .select_related("actor", "revision")
    )


def _render_workspace(request, article: Article, *, failed=None, status=200):
    user = request.user
    actions = []
    for spec in article.available_transitions_for(user):
        if failed is not None and failed[0] == spec.name:
            form = failed[1]
        else:
            form = TransitionForm(
                initial={"seen_state": article.state}, auto_id=f"id_{spec.name}_%s"
            )
        # Several forms share the page: each comment box names its action.
        required = spec.custom.get("comment_required", False)
        form.fields[
            "comment"
        ].label = f"Comment for “{spec.custom['label']}” ({'required' if required else 'optional'})"
        actions.append((spec, form))
    submit_problems = []
    if article.has_author(user) and article.is_editable:
        name = "resubmit" if article.state == ArticleState.CHANGES_REQUESTED else "submit"
        submit_problems = article.unmet_conditions(name)
    current = article.current_revision
    revisions = list(
        article.visible_revisions_for(user)
        .select_related("author")
        .annotate(reference_count=Count("references"))
    )
    last_actions = dict(
        article.audit_entries.filter(action__in=Article.transition_methods())
        .order_by("revision_id", "created_at", "pk")
        .values_list("revision_id", "action")
    )  # later entries overwrite earlier ones: the latest action per revision
    numbers = [revision.number for revision in revisions]
    changes_requested = article.state == ArticleState.CHANGES_REQUESTED
    is_editor = is_handling_editor(article, user)
    # Decisions after review wait for the policy's reviews; say so rather
    # than only hiding the buttons.
    decision_problems = (
        article.unmet_conditions("send_to_board")
        if is_editor and article.state == ArticleState.UNDER_REVIEW
        else []
    )
    context = {
        "decision": article.latest_decision() if changes_requested else None,
        "feedback": author_feedback(article) if changes_requested else [],
        "review_rounds": list(article.review_rounds.select_related("revision"))
        if is_editor
        else None,
        "compare_form": CompareForm(
            numbers=numbers,
            initial={"old": numbers[1] if len(numbers) > 1 else None, "new": numbers[0]},
        )
        if len(numbers) > 1
        else None,
        "article": article,
        "actions": actions,
        "submit_problems": submit_problems,
        "decision_problems": decision_problems,
        "current_round_number": article.current_round().number
        if decision_problems and article.current_round()
        else None,
        "can_edit": article.can_edit(user),
        "can_sign_off": article.can_sign_off(user),
        "revisions": [
            (revision, article.revision_status(revision, last_actions.get(revision.pk, "")))
            for revision in revisions
        ],
        "signoffs": current.signoffs.select_related("withdrawal", "revision") if current else [],
        # A member who stepped aside declared a competing interest: their
        # withdrawn signature shows, why stays with the review records.
        "review_records_hidden": article.has_author(user),
        "valid_signoffs": article.valid_signoff_count(),
        "quorum": EditorialPolicy.current().board_quorum,
        "audit_entries": _history_for(article, user),
    }
    return render(request, "articles/workspace.html", context, status=status)


@require_safe
@login_required
def article_workspace(request, pk: int):
    return _render_workspace(request, get_article_for(request.user, pk))


@login_required
@require_POST
def article_transition(request, pk: int, name: str):
    article = get_article_for(request.user, pk)
    if name not in Article.transition_methods():
        raise Http404("No such workflow action.")
    form = TransitionForm(request.POST, auto_id=f"id_{name}_%s")
    if not form.is_valid():
        return _render_workspace(request, article, failed=(name, form), status=400)
    label = Article.transition_spec(name).custom.get("label", name)
    try:
        article = article.fire(
            name,
            by=request.user,
            comment=form.cleaned_data["comment"],
            seen_state=form.cleaned_data["seen_state"] or None,
        )
    except ArticleChanged as exc:
        messages.error(request, str(exc))
        article = get_article_for(request.user, pk)
        # Keep what they typed, now against the state they can see.
        retry = TransitionForm(
            initial={"comment": form.cleaned_data["comment"], "seen_state": article.state},
            auto_id=f"id_{name}_%s",
        )
        return _render_workspace(request, article, failed=(name, retry), status=409)
    except TransitionRefused as exc:
        messages.error(request, f"“{label}” could not be done: {exc}")
        return _render_workspace(request, article, failed=(name, form), status=409)
    except ValidationError as exc:
        for message in exc.message_dict.get("comment", exc.messages):
            form.add_error("comment", message)
        return _render_workspace(request, article, failed=(name, form), status=400)
    messages.success(
        request, f"Done: “{label}”. The article is now “{article.get_state_display()}”."
    )
    return redirect(article)


@require_safe
@login_required
def revision_detail(request, pk: int, number: int):
    article = get_article_for(request.user, pk)
    revision = get_object_or_404(
        article.visible_revisions_for(request.user)
        .select_related("author")
        .prefetch_related("references"),
        number=number,
    )
    references = list(revision.references.all())
    return render(
        request,
        "articles/revision_detail.html",
        {
            "article": article,
            "revision": revision,
            "references": references,
            "problems": []
            if revision.is_frozen
            else citation_problems(revision.all_bodies, references),
            "readability": _readability(revision),
            "signoffs": revision.signoffs.select_related("withdrawal", "revision"),
            "review_records_hidden": article.has_author(request.user),
        },
    )


@require_safe
@login_required
def revision_compare(request, pk: int):
    article = get_article_for(request.user, pk)
    revisions = {
        revision.number: revision
        for revision in article.visible_revisions_for(request.user)
        .select_related("author")
        .prefetch_related("references")
    }
    form = CompareForm(request.GET, numbers=sorted(revisions, reverse=True))
    if not form.is_valid():
        return render(
            request,
            "articles/revision_compare.html",
            {"article": article, "form": form},
            status=400,
        )
    old, new = revisions[form.cleaned_data["old"]], revisions[form.cleaned_data["new"]]
    return render(
        request,
        "articles/revision_compare.html",
        {
            "article": article,
            "form": form,
            "old": old,
            "new": new,
            "diff": new.changes_since(old),
        },
    )


@login_required
def policy_edit(request):
    """Editors change the policy's text and settings here, as a new version."""
    if not request.user.has_perm("accounts.handle_articles"):
        raise PermissionDenied("Only editors can change the editorial policy.")
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
                return redirect("articles:policy_edit")
    versions = PolicyVersion.objects.select_related("changed_by").order_by("-number")[:20]
    return render(
        request,
        "articles/policy_edit.html",
        {"form": form, "versions": versions, "latest": latest},
        status=status,
    )


@require_safe
@login_required
def reader_questions(request):
    if not request.user.has_perm("accounts.handle_articles"):
        raise PermissionDenied("Reader questions are handled by editors.")
    return _render_questions(request, page_number=request.GET.get("page"))


def _render_questions(request, *, page_number, failed: dict | None = None, status: int = 200):
    """The list of messages; `failed` keeps an answer that was refused (with
    why) in its form, on the page the editor was on, so the text is not lost."""
    handled = request.GET.get("show") == "handled"
    # Messages about an editor's own articles are left to another editor.
    questions = (
        ReaderQuestion.objects.filter(
            article__in=Article.objects.handleable_by(request.user),
            handled_at__isnull=not handled,
        )
        .select_related("article", "handled_by")
        .order_by("-handled_at" if handled else "created_at")
    )
    page = Paginator(questions, 30).get_page(page_number)
    return render(
        request,
        "articles/questions.html",
        {"page": page, "handled": handled, "failed": failed or {}},
        status=status,
    )


@login_required
@require_POST
def reader_question_handle(request, pk: int):
    if not request.user.has_perm("accounts.handle_articles"):
        raise PermissionDenied("Reader questions are handled by editors.")
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
            failed={"pk": question.pk, "answer": answer, "error": problem},
            status=400,
        )
    messages.success(request, "Done: the message is marked as handled.")
    return redirect("articles:questions")


@require_safe
@login_required
def office(request):
    """The managing editor's dashboard: the pipeline at a glance."""
    if not request.user.has_perm("accounts.handle_articles"):
        raise PermissionDenied("The office dashboard is for editors.")
    today = timezone.localdate()
    by_state = office_figures.state_counts()
    stages = office_figures.stage_counts(by_state)
    states = [(ArticleState(value).label, count) for value, count in by_state.items()]
    return render(
        request,
        "articles/office.html",
        {
            "state_chart": office_figures.chart(states),
            "stage_chart": office_figures.chart(list(stages.items())),
            "durations": office_figures.days_in_state(),
            "reviews": office_figures.review_counts(today, viewer=request.user),
            "workload": office_figures.reviewer_workload(today, viewer=request.user),
            "window_days": office_figures.WINDOW_DAYS,
        },
    )
