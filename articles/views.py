from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import AudienceLevel, User
from accounts.rules import is_editor, may_write_articles
from core.form_problems import add_service_errors

from . import desk as desk_tasks
from . import reference_checks, services
from .forms import (
    ArticleDraftForm,
    CompareForm,
    DiscussionMessageForm,
    DiscussionStartForm,
    DueDateForm,
    NoticeForm,
    ReferenceFormSet,
    TransitionForm,
)
from .models import (
    AUDIENCE_FIELDS,
    Article,
    ArticleChanged,
    ArticleNotice,
    ArticleState,
    AuditEntry,
    Discussion,
    DiscussionAudience,
    EditorialPolicy,
    NoticeKind,
    Reference,
    Revision,
    SourceAlert,
    TransitionRefused,
)
from .rules import (
    AUTHORS,
    discussion_start_problem,
    draft_deletion_problem,
    holds_review_invitation,
    is_author_of,
    is_handling_editor,
    may_clear_source_alert,
    may_delete_draft,
    may_edit,
    may_sign_off,
    moves_due_dates,
    require_due_date_editor,
    review_records_hidden,
    startable_audiences,
    transition_refusal,
)
from .services import REFERENCE_FIELDS
from .text.citations import MAX_REFERENCES, citation_problems, parse_reference_block
from .text.readability import readability_report
from .text.rendering import render_text


@require_safe
@login_required
def desk(request):
    """The staff home: what needs this person now, per role they hold, each
    kind of work counted and linked to where it is done; then their own
    articles."""
    user = request.user
    today = timezone.localdate()
    mine = [
        (article, article.author_status(today))
        for article in Article.objects.filter(authors=user).with_desk_details()
    ]
    # What needs the author comes first, then the most recently changed.
    mine.sort(key=lambda pair: (not pair[1].needs_author, -pair[0].updated_at.timestamp()))
    work = desk_tasks.tasks_for(user, today)
    if authored := desk_tasks.author_tasks(mine, may_write_articles(user)):
        work = {"author": [task for task in authored[1] if task.count], **work}
    sections = [(role, desk_tasks.ROLES[role], tasks) for role, tasks in work.items()]
    return render(
        request,
        "articles/desk.html",
        {
            "mine": mine,
            "sections": sections,
            "waiting": sum(task.count for _, _, tasks in sections for task in tasks),
            "is_editor": is_editor(user),
        },
    )


def author_feedback(article: Article) -> list[tuple[str, str]]:
    """Reviewers' comments for the authors from the round that asked for changes."""
    review_round = article.current_round()
    return review_round.feedback_for_authors() if review_round else []


def get_article_for(user, pk: int) -> Article:
    """The article if this person may open it in the desk; 404 otherwise, so
    other people's drafts do not reveal that they exist."""
    return get_object_or_404(Article.objects.visible_to(user).with_desk_details(), pk=pk)


def _content_from(form) -> dict:
    names = ("title", "primary_audience", "summary", "body", "statement")
    content = {name: form.cleaned_data[name] for name in names}
    content["change_summary"] = form.cleaned_data.get("change_summary", "")
    content["audience_versions"] = {name: form.cleaned_data[name] for name in AUDIENCE_FIELDS}
    return content


def _readability(revision_like, policy: EditorialPolicy) -> list:
    return readability_report(revision_like, policy.patient_readability_grade)


_READERS = {AudienceLevel.PATIENT: "patients and caregivers", AudienceLevel.STUDENT: "students"}


def _first_read(revision: Revision) -> str:
    """Which text a reader who has not picked a level gets first, in words:
    the version for the level the article is written mainly for, or the main
    text when that level has no version of its own (Revision.text_for)."""
    level = revision.primary_audience
    if level not in _READERS:
        return "Readers who have not picked a reading level get the main text."
    if revision.text_for(level)[2]:
        return f"Readers who have not picked a reading level get the version for {_READERS[level]}."
    return (
        f"Readers who have not picked a reading level get the main text for now: you chose "
        f"{_READERS[level]} as the main readers, but their version is still empty."
    )


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


_PASTED_SOURCES = {"RIS record": "the pasted RIS export", "BibTeX entry": "the pasted BibTeX"}


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
    source = _PASTED_SOURCES.get(parsed[0].kind, "the pasted text")
    notices = [f"Added {len(parsed)} reference{plural} from {source}."]
    for entry in parsed:
        index = empty.pop(0) if empty else total
        total = max(total, index + 1)
        for name, value in entry.fields.items():
            data[f"refs-{index}-{name}"] = "" if value is None else str(value)
        if entry.problems:
            notices.append(
                f"The {entry.kind} starting on line {entry.line_number} is in reference row "
                f"{index + 1}, but {'; and '.join(entry.problems)}."
            )
        elif not entry.understood:
            notices.append(
                f"Line {entry.line_number} did not split into authors, title and journal, so "
                f"it was kept whole as the title of reference row {index + 1}. Please check it."
            )
    data["refs-TOTAL_FORMS"] = str(total)
    data["pasted_references"] = ""
    return data, notices


def _with_filled_rows(request, article: Article | None, data) -> tuple[object, dict, list[str]]:
    """The posted editor data with each row that has a PMID or DOI filled
    in from PubMed or Crossref (only its empty fields), a note per row, and
    general notes."""
    rows = {}
    for i in range(_total_forms(data)):
        if data.get(f"refs-{i}-DELETE"):
            continue
        rows[i] = {name: data.get(f"refs-{i}-{name}", "") for name in REFERENCE_FIELDS}
    try:
        results = services.references_fill(user=request.user, article=article, rows=rows)
    except ValidationError as exc:
        return data, {}, exc.messages
    if not results:
        return data, {}, ["No reference row has a PMID or DOI to look up."]
    data = data.copy()
    notes = {}
    for result in results:
        for name in services.FILLED_FIELDS:
            value = result.fields.get(name)
            data[f"refs-{result.index}-{name}"] = "" if value is None else str(value)
        notes[result.index] = result
    return data, notes, []


def _draft_editor(request, article: Article | None):
    """Create (article is None) or edit a draft. One form, several buttons:
    save, preview, add a reference row, split pasted references. Every
    button keeps everything typed; only "save" writes to the database."""
    revision = article.current_revision if article else None
    asks_for_response = article is not None and article.state == ArticleState.CHANGES_REQUESTED
    # A revision after a submitted one says what changed; a first draft has nothing to compare.
    asks_for_changes = revision is not None and (revision.is_frozen or revision.number > 1)
    options = {"asks_for_response": asks_for_response, "asks_for_changes": asks_for_changes}
    context = {"article": article, "revision": revision, "notices": []}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        data = request.POST
        if action == "add_reference":
            data = _with_extra_row(data)
        elif action == "split_references":
            data, context["notices"] = _with_pasted_rows(data)
        elif action == "fill_references":
            data, fills, context["notices"] = _with_filled_rows(request, article, data)
        form = ArticleDraftForm(data, **options)
        formset = ReferenceFormSet(data, prefix="refs")
        if action == "fill_references":
            for index, ref_form in enumerate(formset):
                ref_form.lookup_note = fills.get(index)
        valid = form.is_valid() and formset.is_valid()
        if valid:
            references = formset.references()
            unsaved = Revision(**_content_from(form)["audience_versions"])
            unsaved.summary, unsaved.body = form.cleaned_data["summary"], form.cleaned_data["body"]
            context["problems"] = citation_problems(
                unsaved.all_bodies, _reference_instances(references)
            )
            policy = EditorialPolicy.current()
            context["readability"] = _readability(unsaved, policy)
            unsaved.primary_audience = form.cleaned_data["primary_audience"]
            context["first_read"] = _first_read(unsaved)
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
            context["citation_style"] = policy.citation_style
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
        form, formset = _editor_forms_for(revision, options)
        if revision is not None:
            refs = list(revision.references.all())
            context["problems"] = citation_problems(revision.all_bodies, refs)
            context["readability"] = _readability(revision, EditorialPolicy.current())
            context["first_read"] = _first_read(revision)
    if article is not None and asks_for_response:
        context["decision"] = article.latest_decision()
        context["feedback"] = author_feedback(article)
    context.update(form=form, formset=formset)
    return render(request, "articles/article_form.html", context, status=status)


def _editor_forms_for(revision, options: dict):
    if revision is None:
        return ArticleDraftForm(**options), ReferenceFormSet(prefix="refs")
    form = ArticleDraftForm(
        **options,
        initial={
            "title": revision.title,
            "primary_audience": revision.primary_audience,
            "summary": revision.summary,
            "body": revision.body,
            "change_summary": "" if revision.is_frozen else revision.change_summary,
            "response_letter": "" if revision.is_frozen else revision.response_letter,
            **{name: getattr(revision, name) for name in AUDIENCE_FIELDS},
            "statement": revision.statement,
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
    if not may_write_articles(request.user):
        raise PermissionDenied(
            "Only people with the Author role can write articles. Ask an editor for the role."
        )
    return _draft_editor(request, None)


@login_required
def article_edit(request, pk: int):
    article = get_article_for(request.user, pk)
    if not is_author_of(request.user, article):
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


# What the author waits for in each state when nothing needs them; the
# workspace says it instead of an empty action list.
AUTHOR_WAITING = {
    ArticleState.SUBMITTED: "The editors have your submission. They will invite reviewers "
    "or reply to you; you are emailed when something needs you.",
    ArticleState.UNDER_REVIEW: "Reviewers are reading this revision. You are emailed when "
    "the editor decides.",
    ArticleState.BOARD_REVIEW: "The reviews are done and the Advisory Board is reading this "
    "revision. It is published once enough members sign it.",
}


# What anyone else who may open the article waits for in each state.
STATE_WAITING = {
    ArticleState.CHANGES_REQUESTED: "The authors are revising the article. A new review "
    "round opens when they resubmit it.",
    ArticleState.BOARD_REVIEW: "The Advisory Board is reading the reviewed revision. It is "
    "published once enough members sign it.",
    ArticleState.APPROVED: "This article is published. To change what readers see, the "
    "authors start an update, or an editor publishes a notice.",
}
# States the article does not leave: said the same way to everyone.
ENDED = {
    ArticleState.REJECTED: "This article was declined and has left the review process.",
    ArticleState.WITHDRAWN: "The authors withdrew this article; it has left the review process.",
    ArticleState.RETRACTED: "This article was retracted. Its page keeps the retraction notice "
    "above the text.",
}


# The next step of an author who cannot submit yet: (label, what happens next).
EDIT_STEP = {
    ArticleState.DRAFT: (
        "Edit the draft",
        "Fix what is listed above and save; then submit it for review from this page.",
    ),
    ArticleState.CHANGES_REQUESTED: (
        "Revise the draft",
        "Answer the letter above in a new revision and save it; then resubmit it from "
        "this page for a new review round.",
    ),
    ArticleState.APPROVED: (
        "Start an update",
        "Your edits become a new revision. Readers keep the approved text until the new "
        "one has been reviewed and signed.",
    ),
}


def _comment_form(spec, *, state: str, data=None, initial_comment: str = "") -> TransitionForm:
    form = TransitionForm(
        data,
        initial={"seen_state": state, "comment": initial_comment},
        auto_id=f"id_{spec.name}_%s",
    )
    if spec.custom.get("comment_required"):
        # Article.fire() insists on the comment after its own checks (a stale
        # page is a 409 first); the label only drops its "(optional)" mark.
        form.needed_to_submit = ("comment",)
    form.fields["comment"].label = (
        "Your reason"
        if spec.custom.get("intent") == "destructive"
        else "Note to the editors"
        if spec.permission is AUTHORS
        else "Comment"
    )
    return form


def _next_steps(article: Article, user, *, failed=None) -> dict:
    """What this person can do now, by intent: the one next step (a form or
    a link, with what happens after it), the other things they may do, and
    the actions that end or undo something, which only link to their
    confirmation pages."""
    specs = article.available_transitions_for(user)
    primary = None
    for spec in specs:
        if spec.custom.get("intent") != "primary":
            continue
        primary = {
            "label": spec.custom["label"],
            "next": spec.custom.get("next", ""),
            "url": reverse(spec.custom["link"], args=[article.pk])
            if spec.custom.get("link")
            else None,
            "action": reverse("articles:transition", args=[article.pk, spec.name]),
            "form": failed[1]
            if failed is not None and failed[0] == spec.name
            else _comment_form(spec, state=article.state),
        }
        break
    decisions = [spec for spec in specs if spec.custom.get("intent") == "decision"]
    review_round = article.current_round() if decisions else None
    if primary is None and decisions and review_round is not None:
        primary = {
            "label": "Read the reviews and decide",
            "next": "The round's page shows every review; there you choose one decision "
            "and write one letter to the authors.",
            "url": reverse("reviews:round", args=[article.pk, review_round.number]),
        }
    if primary is None and may_sign_off(user, article):
        primary = {
            "label": f"Sign off revision {article.current_revision.number}",
            "next": "You read the revision as readers will see it, confirm each written "
            "version and sign with your password.",
            "url": reverse("reviews:signoff", args=[article.pk]),
        }
    can_edit = may_edit(user, article)
    if primary is None and can_edit:
        label, after = EDIT_STEP.get(article.state, EDIT_STEP[ArticleState.DRAFT])
        edit = reverse("articles:edit", args=[article.pk])
        primary = {"label": label, "next": after, "url": edit}
    destructive = [
        {
            "label": spec.custom["label"],
            "url": reverse(spec.custom["link"], args=[article.pk]) + "?kind=retraction"
            if spec.custom.get("records_notice")
            else reverse("articles:confirm", args=[article.pk, spec.name]),
        }
        for spec in specs
        if spec.custom.get("intent") == "destructive"
    ]
    if may_delete_draft(user, article):
        destructive.append(
            {"label": "Delete this draft", "url": reverse("articles:delete", args=[article.pk])}
        )
    waiting = ""
    if primary is None:
        waiting = (AUTHOR_WAITING if is_author_of(user, article) else STATE_WAITING).get(
            article.state, ENDED.get(article.state, "")
        )
    return {
        "primary": primary,
        "waiting": waiting,
        "show_edit_link": can_edit
        and not (primary and primary.get("url") == reverse("articles:edit", args=[article.pk])),
        "destructive": destructive,
    }


def _render_workspace(request, article: Article, *, failed=None, status=200):
    user = request.user
    submit_problems = []
    if may_edit(user, article):
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
    handles = is_handling_editor(user, article)
    # Decisions after review wait for the policy's reviews; say so rather
    # than only hiding the buttons.
    decision_problems = (
        article.unmet_conditions("send_to_board")
        if handles and article.state == ArticleState.UNDER_REVIEW
        else []
    )
    context = {
        "decision": article.latest_decision() if changes_requested else None,
        "feedback": author_feedback(article) if changes_requested else [],
        "review_rounds": list(article.review_rounds.select_related("revision"))
        if handles
        else None,
        "compare_form": CompareForm(
            numbers=numbers,
            initial={"old": numbers[1] if len(numbers) > 1 else None, "new": numbers[0]},
        )
        if len(numbers) > 1
        else None,
        "article": article,
        "next_steps": _next_steps(article, user, failed=failed),
        "submit_problems": submit_problems,
        "decision_problems": decision_problems,
        "current_round_number": article.current_round().number
        if decision_problems and article.current_round()
        else None,
        "can_sign_off": may_sign_off(user, article),
        "revisions": [
            (revision, article.revision_status(revision, last_actions.get(revision.pk, "")))
            for revision in revisions
        ],
        "signoffs": current.signoffs.select_related("withdrawal", "revision") if current else [],
        # A member who stepped aside declared a competing interest: their
        # withdrawn signature shows, why stays with the review records.
        "review_records_hidden": review_records_hidden(user, article),
        "valid_signoffs": article.valid_signoff_count(),
        "quorum": EditorialPolicy.current().board_quorum,
        "audit_entries": _history_for(article, user),
        "reference_report": reference_checks.report_for(current)
        if current is not None and current.is_frozen
        else None,
        "today": timezone.localdate(),
        # What the retraction watch found about the studies the published text cites.
        "source_alerts": sorted(
            SourceAlert.objects.open().filter(article=article).select_related("reference"),
            key=lambda alert: (alert.reference.position, alert.severity),
        ),
        "can_clear_source_alerts": may_clear_source_alert(user, article),
        "can_move_revision_due_date": changes_requested and moves_due_dates(user, article),
        "can_issue_notice": handles
        and article.published_revision_id is not None
        and article.state != ArticleState.RETRACTED,
        **discussions_context(article, user),
    }
    return render(request, "articles/workspace.html", context, status=status)


@require_safe
@login_required
def article_workspace(request, pk: int):
    return _render_workspace(request, get_article_for(request.user, pk))


def _render_confirmation(request, article: Article, spec, form, *, status=200):
    return render(
        request,
        "articles/confirm_action.html",
        {"article": article, "spec": spec, "form": form},
        status=status,
    )


def _render_failed(request, article: Article, name: str, form, *, status: int):
    """A refused action comes back where it was asked: an action that ends
    or undoes something on its confirmation page, any other on the workspace."""
    spec = Article.transition_spec(name)
    if spec.custom.get("intent") == "destructive":
        return _render_confirmation(request, article, spec, form, status=status)
    if spec.custom.get("intent") == "decision":
        # Decisions are taken on the round's page (reviews.views.round_decide);
        # posted here directly, the workspace says what was wrong.
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return _render_workspace(request, article, failed=(name, form), status=status)


@require_safe
@login_required
def article_confirm(request, pk: int, name: str):
    """The "are you sure?" page of an action that ends or undoes something
    (withdraw, reject without review, return to the editor): what happens,
    the reason box, and the button that posts to the action."""
    article = get_article_for(request.user, pk)
    if name not in Article.transition_methods():
        raise Http404("No such workflow action.")
    spec = Article.transition_spec(name)
    if spec.custom.get("intent") != "destructive":
        raise Http404("This action needs no confirmation page.")
    label = spec.custom["label"]
    if not spec.has_perm(article, request.user):
        raise PermissionDenied(transition_refusal(spec.permission, label, request.user, article))
    if spec.custom.get("records_notice"):
        return redirect(f"{reverse(spec.custom['link'], args=[article.pk])}?kind=retraction")
    if name not in {s.name for s in article.available_transitions_for(request.user)}:
        messages.error(
            request,
            f"“{label}” is not possible while the article is “{article.get_state_display()}”.",
        )
        return redirect(article)
    return _render_confirmation(request, article, spec, _comment_form(spec, state=article.state))


@login_required
@require_POST
def article_transition(request, pk: int, name: str):
    article = get_article_for(request.user, pk)
    if name not in Article.transition_methods():
        raise Http404("No such workflow action.")
    spec = Article.transition_spec(name)
    form = _comment_form(spec, state=article.state, data=request.POST)
    if not form.is_valid():
        return _render_failed(request, article, name, form, status=400)
    if spec.custom.get("records_notice"):
        # Its comment is the public notice, a record of its own: only the
        # notice page (articles.services.article_notice_issue) fires it.
        return redirect(spec.custom["link"], article.pk)
    label = spec.custom.get("label", name)
    # Submitting checks the references first (services.article_submit).
    fire = (
        partial(services.article_submit, article=article, action=name)
        if name in services.SUBMIT_ACTIONS
        else partial(article.fire, name)
    )
    try:
        article = fire(
            by=request.user,
            comment=form.cleaned_data["comment"],
            seen_state=form.cleaned_data["seen_state"] or None,
        )
    except ArticleChanged as exc:
        messages.error(request, str(exc))
        article = get_article_for(request.user, pk)
        # Keep what they typed, now against the state they can see.
        retry = _comment_form(
            spec, state=article.state, initial_comment=form.cleaned_data["comment"]
        )
        return _render_failed(request, article, name, retry, status=409)
    except TransitionRefused as exc:
        messages.error(request, f"“{label}” could not be done: {exc}")
        return _render_failed(request, article, name, form, status=409)
    except ValidationError as exc:
        for message in exc.message_dict.get("comment", exc.messages):
            form.add_error("comment", message)
        return _render_failed(request, article, name, form, status=400)
    messages.success(
        request, f"Done: “{label}”. The article is now “{article.get_state_display()}”."
    )
    return redirect(article)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def article_delete(request, pk: int):
    """Its authors delete a never-submitted draft after a confirmation page;
    403 with the reason for anyone else who can open the article."""
    article = get_article_for(request.user, pk)
    if problem := draft_deletion_problem(request.user, article):
        raise PermissionDenied(problem)
    if request.method == "POST":
        title = services.article_delete_draft(article=article, author=request.user)
        messages.success(request, f"The draft “{title}” was deleted.")
        return redirect("articles:desk")
    return render(request, "articles/delete_draft.html", {"article": article})


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
    policy = EditorialPolicy.current()
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
            "readability": _readability(revision, policy),
            "citation_style": policy.citation_style,
            "signoffs": revision.signoffs.select_related("withdrawal", "revision"),
            "review_records_hidden": review_records_hidden(request.user, article),
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


def _notice_page(request, article: Article, form, *, status=200):
    notices = ArticleNotice.objects.filter(article=article).select_related("issued_by")
    return render(
        request,
        "articles/notice_form.html",
        {"article": article, "form": form, "notices": notices},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def article_notice(request, pk: int):
    """An editor who handles the article publishes a correction, update or
    retraction notice on its published text; 403 for anyone else."""
    article = get_article_for(request.user, pk)
    if not is_handling_editor(request.user, article):
        raise PermissionDenied(
            "You are an author of this article, so another editor must publish its notices."
            if is_editor(request.user)
            else "Only editors can publish corrections, updates and retractions."
        )
    if request.method != "POST":
        kind = request.GET.get("kind")
        initial = {"seen_state": article.state}
        if kind in NoticeKind.values:
            initial["kind"] = kind
        return _notice_page(request, article, NoticeForm(initial=initial))
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _notice_page(request, article, form, status=400)
    try:
        notice = services.article_notice_issue(
            article=article,
            editor=request.user,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            seen_state=form.cleaned_data["seen_state"] or None,
        )
    except (ArticleChanged, TransitionRefused) as exc:
        form.add_error(None, str(exc))
        return _notice_page(request, get_article_for(request.user, pk), form, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _notice_page(request, article, form, status=400)
    messages.success(
        request,
        f"{notice.get_kind_display()} published: readers see it at the top of the article now.",
    )
    return redirect(article)


# ---------------------------------------------------------------------------
# Discussions


def discussions_context(article: Article, user) -> dict:
    """The threads about `article` that `user` is in, with their new-message
    counts, and whether they may start one: for templates/articles/_discussions.html,
    on the workspace, the reviewer's page and the signing page."""
    return {
        "discussions": list(
            Discussion.objects.visible_to(user).filter(article=article).with_activity_for(user)
        ),
        "can_start_discussion": bool(startable_audiences(user, article)),
    }


def _get_discussion_for(user, pk: int, discussion_id: int) -> Discussion:
    """The thread if this person is in it; 404 otherwise (403 would tell
    a stranger that the editors, a reviewer or the board are discussing
    the article, which is itself private)."""
    return get_object_or_404(
        Discussion.objects.visible_to(user).select_related("article", "reviewer", "started_by"),
        pk=discussion_id,
        article_id=pk,
    )


def _invited_reviewers(article: Article) -> list[User]:
    """The people an editor may start a one-reviewer thread with: those
    holding an invitation to review the article (`rules.holds_review_invitation`)."""
    people = (
        User.objects.filter(review_assignments__round__article=article)
        .distinct()
        .order_by("display_name", "username")
    )
    return [person for person in people if holds_review_invitation(person, article)]


def _speaker(person, discussion: Discussion, article: Article) -> str:
    """How a message's writer is named in the thread: their name and what
    they are in it. (A reviewer writes only in their own thread, which
    only they and the editors read, so naming them there reveals nothing.)"""
    if is_author_of(person, article):
        role = "Author"
    elif discussion.reviewer_id == person.pk:
        role = "Reviewer"
    elif is_handling_editor(person, article):
        role = "Editor"
    else:
        role = "Advisory Board"
    return f"{person} ({role})"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def discussion_detail(request, pk: int, discussion_id: int):
    """A thread's messages, oldest first, each with the revision current
    when it was written, and the reply form; 404 for anyone not in it."""
    discussion = _get_discussion_for(request.user, pk, discussion_id)
    article = discussion.article
    form = DiscussionMessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                message = services.discussion_post(
                    discussion=discussion, user=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Message sent. The others in this discussion are told.")
                return redirect(f"{discussion.get_absolute_url()}#message-{message.pk}")
    else:
        services.discussion_mark_read(discussion=discussion, user=request.user)
    thread = list(discussion.messages.select_related("author", "revision"))
    speakers = {}
    for message in thread:
        if message.author_id not in speakers:
            speakers[message.author_id] = _speaker(message.author, discussion, article)
        message.speaker = speakers[message.author_id]
    context = {
        "discussion": discussion,
        "article": article,
        "thread": thread,
        "form": form,
        "opens_workspace": Article.objects.visible_to(request.user).filter(pk=article.pk).exists(),
    }
    return render(request, "articles/discussion.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def discussion_new(request, pk: int):
    """Start a thread: only the audiences this person is in (editors also
    choose a reviewer for a one-reviewer thread). 404 for people to whom the
    article is not shown at all; 403, saying why, for the others who may
    start none."""
    user = request.user
    article = get_object_or_404(
        Article.objects.filter(
            Q(pk__in=Article.objects.visible_to(user).values("pk"))
            | Q(pk__in=Article.objects.invited_to_review(user).values("pk"))
        ),
        pk=pk,
    )
    audiences = startable_audiences(user, article)
    reviewers = _invited_reviewers(article) if is_handling_editor(user, article) else []
    if is_handling_editor(user, article) and not reviewers:
        audiences = [a for a in audiences if a != DiscussionAudience.REVIEWER]
    if not audiences:
        raise PermissionDenied(discussion_start_problem(user, article))
    form = DiscussionStartForm(request.POST or None, audiences=audiences, reviewers=reviewers)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            audience = form.cleaned_data["audience"]
            reviewer = form.cleaned_data.get("reviewer")
            if audience == DiscussionAudience.REVIEWER and not is_handling_editor(user, article):
                reviewer = user  # a reviewer's own thread
            try:
                discussion = services.discussion_start(
                    article=article,
                    user=user,
                    audience=audience,
                    reviewer=reviewer,
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("reviewer" if "reviewer" in form.fields else None, str(exc))
                status = 403
            else:
                messages.success(request, "Discussion started. The others in it are told.")
                return redirect(discussion)
    context = {
        "article": article,
        "form": form,
        "opens_workspace": Article.objects.visible_to(user).filter(pk=article.pk).exists(),
    }
    return render(request, "articles/discussion_new.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revision_due_date(request, pk: int):
    """An editor who handles the article moves the date the authors'
    revised draft is due; 403 for anyone else."""
    article = get_article_for(request.user, pk)
    require_due_date_editor(request.user, article)
    form = DueDateForm(
        request.POST or None,
        initial={"due_date": article.revision_due_date},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.revision_due_date_change(
                    article=article,
                    editor=request.user,
                    due_date=form.cleaned_data["due_date"],
                    reason=form.cleaned_data["reason"],
                )
            except ArticleChanged as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The new due date is set; the authors have been told.")
                return redirect(article)
    return render(
        request,
        "articles/revision_due_date.html",
        {"article": article, "form": form},
        status=status,
    )


@login_required
@require_POST
def handling_editor_take(request, pk: int):
    """An editor takes charge of the article (403, with why, for its authors
    and anyone who is not an editor)."""
    article = get_article_for(request.user, pk)
    try:
        article = services.handling_editor_take(article=article, editor=request.user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "You are now this article's handling editor.")
    return redirect(article)
