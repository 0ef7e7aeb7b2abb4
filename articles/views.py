from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
from .forms import ArticleDraftForm, ReferenceFormSet, TransitionForm
from .models import Article, ArticleChanged, ArticleState, EditorialPolicy, TransitionRefused
from .services import REFERENCE_FIELDS


def home(request):
    published = (
        Article.objects.filter(published_revision__isnull=False)
        .select_related("published_revision")
        .order_by("-approved_at")[:20]
    )
    return render(request, "articles/home.html", {"published": published})


@login_required
def desk(request):
    user = request.user
    context = {"mine": Article.objects.filter(authors=user).with_desk_details()}
    if user.has_perm("accounts.handle_articles"):
        context["editor_queue"] = (
            Article.objects.filter(
                state__in=[
                    ArticleState.SUBMITTED,
                    ArticleState.UNDER_REVIEW,
                    ArticleState.CHANGES_REQUESTED,
                ]
            )
            .exclude(authors=user)
            .with_desk_details()
        )
    if user.has_perm("accounts.sign_off_articles"):
        context["board_queue"] = (
            Article.objects.filter(state=ArticleState.BOARD_REVIEW)
            .exclude(authors=user)
            .with_desk_details()
        )
    return render(request, "articles/desk.html", context)


def get_article_for(user, pk: int) -> Article:
    """The article if this person may open it in the desk; 404 otherwise, so
    other people's drafts do not reveal that they exist."""
    return get_object_or_404(Article.objects.visible_to(user).with_desk_details(), pk=pk)


def _references_from(formset) -> list[dict]:
    return [
        {field: form.cleaned_data.get(field) for field in REFERENCE_FIELDS}
        for form in formset.forms
        if form.has_changed() and not form.cleaned_data.get("DELETE")
    ]


def _content_from(form) -> dict:
    return {
        name: form.cleaned_data[name]
        for name in ("title", "primary_audience", "summary", "body", "change_summary")
    }


@login_required
def article_create(request):
    if not request.user.has_perm("accounts.write_articles"):
        raise PermissionDenied(
            "Only people with the Author role can write articles. Ask an editor for the role."
        )
    form = ArticleDraftForm(request.POST or None)
    formset = ReferenceFormSet(request.POST or None, prefix="refs")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        article = services.article_create(
            author=request.user, references=_references_from(formset), **_content_from(form)
        )
        messages.success(request, "Draft saved. Submit it for review when it is ready.")
        return redirect(article)
    return render(
        request,
        "articles/article_form.html",
        {"form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


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
    revision = article.current_revision
    if request.method == "POST":
        form = ArticleDraftForm(request.POST)
        formset = ReferenceFormSet(request.POST, prefix="refs")
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.revision_save_draft(
                    article=article,
                    author=request.user,
                    seen_hash=form.cleaned_data["seen_hash"],
                    references=_references_from(formset),
                    **_content_from(form),
                )
            except (ArticleChanged, TransitionRefused) as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, f"Saved as revision {saved.number} (draft).")
                return redirect(article)
        else:
            status = 400
    else:
        status = 200
        form = ArticleDraftForm(
            initial={
                "title": revision.title,
                "primary_audience": article.primary_audience,
                "summary": revision.summary,
                "body": revision.body,
                "change_summary": "" if revision.is_frozen else revision.change_summary,
                "seen_hash": revision.content_hash,
            }
        )
        formset = ReferenceFormSet(
            prefix="refs",
            initial=[
                {field: getattr(ref, field) for field in REFERENCE_FIELDS}
                for ref in revision.references.all()
            ],
        )
    return render(
        request,
        "articles/article_form.html",
        {"form": form, "formset": formset, "article": article, "revision": revision},
        status=status,
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
    context = {
        "article": article,
        "actions": actions,
        "submit_problems": submit_problems,
        "can_edit": article.can_edit(user),
        "can_sign_off": article.can_sign_off(user),
        "revisions": [
            (revision, article.revision_status(revision))
            for revision in article.revisions.select_related("author").annotate(
                reference_count=Count("references")
            )
        ],
        "signoffs": current.signoffs.select_related("signer") if current else [],
        "valid_signoffs": article.valid_signoff_count(),
        "quorum": EditorialPolicy.current().board_quorum,
        "audit_entries": article.audit_entries.select_related("actor", "revision"),
    }
    return render(request, "articles/workspace.html", context, status=status)


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


@login_required
def revision_detail(request, pk: int, number: int):
    article = get_article_for(request.user, pk)
    revision = get_object_or_404(
        article.revisions.select_related("author").prefetch_related("references"), number=number
    )
    return render(
        request,
        "articles/revision_detail.html",
        {
            "article": article,
            "revision": revision,
            "signoffs": revision.signoffs.select_related("signer"),
        },
    )
