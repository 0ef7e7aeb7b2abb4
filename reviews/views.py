from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import AudienceLevel
from accounts.rules import is_board_member, is_reviewer
from articles import reference_checks
from articles.forms import TransitionForm
from articles.models import (
    Article,
    ArticleChanged,
    ArticleState,
    EditorialPolicy,
    TransitionRefused,
)
from articles.rules import (
    board_independence_problem,
    extension_request_problem,
    may_ask_for_more_time,
    may_sign_off,
    reads_confidential_review_comments,
    require_board_reader,
    require_due_date_editor,
    require_handling_editor,
    transition_refusal,
)
from articles.text.fingerprints import short
from articles.text.readability import readability_report
from articles.views import discussions_context, get_article_for
from core.form_problems import add_service_errors

from . import services
from .forms import (
    AcceptForm,
    DecisionForm,
    DeclineForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FewerReviewsForm,
    InviteForm,
    RecuseForm,
    ReviewDueDateForm,
    ReviewForm,
    SignoffForm,
)
from .models import (
    BoardRecusal,
    BoardSignoff,
    ExtensionRequest,
    Review,
    ReviewAssignment,
    ReviewRound,
    reviewer_candidates,
)
from .progress import RoundProgress
from .services import board_signoff_record


def _get_article_for_editor(user, pk: int) -> Article:
    """The article for the editor handling it; its review records (names,
    recommendations, conflicts) are on every page that uses this."""
    article = get_article_for(user, pk)
    require_handling_editor(user, article)
    return article


def _get_article_for_board(user, pk: int) -> Article:
    """The board's view of an article: members who did not write it only
    (`articles.rules.reads_as_board`)."""
    article = get_article_for(user, pk)
    require_board_reader(user, article)
    return article


def _get_assignment_for(user, assignment_id: int) -> ReviewAssignment:
    """The reviewer's own assignment; 404 for anyone else, so uninvited people
    cannot even learn which articles are in review."""
    return get_object_or_404(
        ReviewAssignment.objects.for_reviewer(user).select_related("invited_by", "reviewer"),
        pk=assignment_id,
    )


def _round_summary(review_round: ReviewRound | None) -> dict:
    progress = RoundProgress.of(review_round, EditorialPolicy.current().reviewers_per_round)
    return {
        "progress": progress,
        "required": progress.required,
        "assignments": progress.assignments,
        "accepted": progress.accepted,
        "submitted": progress.submitted,
    }


@login_required
def invite(request, pk: int):
    article = _get_article_for_editor(request.user, pk)
    review_round = article.current_round()
    form = InviteForm(request.POST or None, initial={"due_date": services.default_due_date()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                invited = services.reviewers_invite(
                    article=article,
                    editor=request.user,
                    reviewers=list(form.cleaned_data["reviewers"]),
                    due_date=form.cleaned_data["due_date"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionRefused as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                names = ", ".join(str(a.reviewer) for a in invited)
                messages.success(request, f"Invited {names}. They have been emailed.")
                return redirect("reviews:invite", pk=article.pk)
    candidates = reviewer_candidates(article, viewer=request.user)
    # Someone who declined earlier in the round may be invited again.
    in_round = (
        set(
            review_round.assignments.exclude(status=ReviewAssignment.Status.DECLINED).values_list(
                "reviewer_id", flat=True
            )
        )
        if review_round and review_round.is_open
        else set()
    )
    context = {
        "article": article,
        "round": review_round,
        "form": form,
        "candidates": [c for c in candidates if c.pk not in in_round],
        "previous_reviewers": [
            p for p in services.previous_reviewers(article) if p.pk not in in_round
        ]
        if article.state == ArticleState.UNDER_REVIEW
        else [],
        "can_invite": article.state in {ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW}
        and (review_round is None or review_round.is_open or article.state == "submitted"),
        **_round_summary(review_round),
        "under_review_label": ArticleState.UNDER_REVIEW.label,
    }
    return render(request, "reviews/invite.html", context, status=status)


@login_required
@require_POST
def reinvite(request, pk: int):
    """Re-invite last round's reviewers in one click, with the default due date."""
    article = _get_article_for_editor(request.user, pk)
    reviewers = services.previous_reviewers(article)
    review_round = article.current_round()
    if review_round is not None:
        already = set(
            review_round.assignments.exclude(status=ReviewAssignment.Status.DECLINED).values_list(
                "reviewer_id", flat=True
            )
        )
        reviewers = [person for person in reviewers if person.pk not in already]
    try:
        services.reviewers_invite(
            article=article,
            editor=request.user,
            reviewers=reviewers,
            due_date=services.default_due_date(),
            message="The authors have revised the article; please review the new revision.",
        )
    except (ValidationError, TransitionRefused) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, "Last round's reviewers were invited again.")
    return redirect("reviews:invite", pk=article.pk)


@login_required
@require_POST
def conflict_decide(request, assignment_id: int):
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("round__article"), pk=assignment_id
    )
    _get_article_for_editor(request.user, assignment.round.article_id)
    keep = request.POST.get("choice") == "keep"
    try:
        services.conflict_resolve(assignment=assignment, editor=request.user, keep=keep)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{assignment.reviewer} stays on the review."
            if keep
            else f"{assignment.reviewer} was replaced; invite someone else below.",
        )
    return redirect("reviews:invite", pk=assignment.round.article_id)


@require_safe
@login_required
def round_detail(request, pk: int, number: int):
    article = _get_article_for_editor(request.user, pk)
    review_round = get_object_or_404(
        article.review_rounds.select_related("revision", "decided_by"), number=number
    )
    return _render_round(request, article, review_round)


# The order decisions are offered in: the usual outcome first.
DECISION_ORDER = ["request_changes", "send_to_board", "reject"]


def _decisions_for(article: Article, user) -> list:
    """The decisions after review this person may take now, in offer order."""
    return sorted(
        (spec for spec in article.available_transitions_for(user) if spec.name in DECISION_ORDER),
        key=lambda spec: DECISION_ORDER.index(spec.name),
    )


def _render_round(
    request, article, review_round, *, fewer_reviews_form=None, decision_form=None, status=200
):
    """The round's page; `fewer_reviews_form` and `decision_form` keep what
    was typed when the form was refused."""
    reviews = list(
        Review.objects.filter(assignment__round=review_round)
        .select_related("assignment__reviewer")
        .order_by("assignment__invited_at")
    )
    decidable = not review_round.undecidable_because()
    decisions = _decisions_for(article, request.user) if decidable else []
    if decisions and decision_form is None:
        decision_form = DecisionForm(initial={"seen_state": article.state}, decisions=decisions)
    # The decisions share one condition: the policy's number of reviews.
    shortfall = article.unmet_conditions("send_to_board") if decidable else []
    return render(
        request,
        "reviews/round.html",
        {
            "article": article,
            "round": review_round,
            "reviews": reviews,
            "decision_form": decision_form if decisions else None,
            "review_shortfall": shortfall,
            "fewer_reviews_form": (fewer_reviews_form or FewerReviewsForm()) if shortfall else None,
            **_round_summary(review_round),
        },
        status=status,
    )


@login_required
@require_POST
def round_decide(request, pk: int, number: int):
    """The handling editor's one decision on the round: the chosen workflow
    transition fired with the one letter (`Article.fire` checks who may,
    writes the audit entry and closes the round). A refused form comes back
    with the letter as typed."""
    article = _get_article_for_editor(request.user, pk)
    review_round = get_object_or_404(
        article.review_rounds.select_related("revision", "decided_by"), number=number
    )
    if problem := review_round.undecidable_because():
        messages.error(request, problem)
        return redirect("reviews:round", pk=pk, number=number)
    decisions = _decisions_for(article, request.user)
    if not decisions:
        # Says why: not the deciding editor, or the reviews are not in yet.
        spec = Article.transition_spec("send_to_board")
        if not spec.has_perm(article, request.user):
            raise PermissionDenied(
                transition_refusal(
                    spec.permission, "a decision on this round", request.user, article
                )
            )
        for problem in article.unmet_conditions("send_to_board"):
            messages.error(request, problem)
        return redirect("reviews:round", pk=pk, number=number)
    form = DecisionForm(request.POST, decisions=decisions)
    if not form.is_valid():
        return _render_round(request, article, review_round, decision_form=form, status=400)
    name = form.cleaned_data["decision"]
    label = Article.transition_spec(name).custom["label"]
    try:
        article = article.fire(
            name,
            by=request.user,
            comment=form.cleaned_data["letter"],
            seen_state=form.cleaned_data["seen_state"] or None,
        )
    except ArticleChanged as exc:
        form.add_error(None, str(exc))
        article = _get_article_for_editor(request.user, pk)
        return _render_round(request, article, review_round, decision_form=form, status=409)
    except TransitionRefused as exc:
        form.add_error(None, f"“{label}” could not be done: {exc}")
        return _render_round(request, article, review_round, decision_form=form, status=409)
    except ValidationError as exc:
        for message in exc.message_dict.get("comment", exc.messages):
            form.add_error("letter", message)
        return _render_round(request, article, review_round, decision_form=form, status=400)
    messages.success(
        request, f"Done: “{label}”. The article is now “{article.get_state_display()}”."
    )
    return redirect(article)


@login_required
@require_POST
def round_close(request, pk: int, number: int):
    article = _get_article_for_editor(request.user, pk)
    review_round = get_object_or_404(article.review_rounds, number=number)
    try:
        services.round_close_early(review_round=review_round, editor=request.user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Round {number} is closed; outstanding invitations lapsed.")
    return redirect("reviews:round", pk=pk, number=number)


@login_required
@require_POST
def round_fewer_reviews(request, pk: int, number: int):
    """The editor records why this round may be decided with fewer submitted
    reviews than the policy asks (an audited exception, never the default)."""
    article = _get_article_for_editor(request.user, pk)
    review_round = get_object_or_404(article.review_rounds, number=number)
    form = FewerReviewsForm(request.POST)
    if not form.is_valid():
        return _render_round(request, article, review_round, fewer_reviews_form=form, status=400)
    try:
        services.round_allow_fewer_reviews(
            review_round=review_round, editor=request.user, reason=form.cleaned_data["reason"]
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Recorded: round {number} may be decided with fewer reviews. Decide below."
        )
    return redirect("reviews:round", pk=pk, number=number)


@require_safe
@login_required
def my_reviews(request):
    if not is_reviewer(request.user):
        raise PermissionDenied("Only people with the Reviewer role have reviews.")
    today = timezone.localdate()
    assignments = list(ReviewAssignment.objects.for_reviewer(request.user).order_by("-invited_at"))
    groups = {
        "invitations": [a for a in assignments if a.status == "invited" and a.round.is_open],
        "in_progress": [a for a in assignments if a.status == "accepted" and a.round.is_open],
        "done": [a for a in assignments if a.status == "submitted"],
        "other": [
            a
            for a in assignments
            if a.status in {"declined", "replaced", "cancelled"}
            or (a.status in {"invited", "accepted"} and not a.round.is_open)
        ],
    }
    return render(
        request,
        "reviews/my_reviews.html",
        {**groups, "today": today, "overdue": [a for a in assignments if a.is_overdue(today)]},
    )


def _reviewer_context(assignment: ReviewAssignment) -> dict:
    review_round = assignment.round
    revision = review_round.revision
    references = list(revision.references.all())
    policy = EditorialPolicy.current()
    context = {
        "assignment": assignment,
        "round": review_round,
        "revision": revision,
        "reference_report": reference_checks.report_for(revision),
        "readability": readability_report(revision, policy.patient_readability_grade),
        "citation_style": policy.citation_style,
    }
    context["references"] = references
    # Only the person invited opens this page (ReviewAssignment.objects.for_reviewer).
    context.update(discussions_context(review_round.article, assignment.reviewer))
    if review_round.number > 1:
        earlier = (
            review_round.article.review_rounds.filter(number__lt=review_round.number)
            .exclude(revision=revision)
            .order_by("-number")
            .select_related("revision")
            .first()
        )
        if earlier is not None:
            context["previous_revision"] = earlier.revision
            context["diff"] = revision.changes_since(earlier.revision)
    return context


@login_required
def assignment_detail(request, assignment_id: int):
    assignment = _get_assignment_for(request.user, assignment_id)
    review = Review.objects.filter(assignment=assignment).first()
    context = _reviewer_context(assignment)
    context.update(
        _extension_context(assignment),
        can_ask_for_more_time=may_ask_for_more_time(request.user, assignment),
    )
    status = 200
    review_form = None
    if review is not None and review.status == Review.Status.DRAFT and assignment.may_review:
        review_form = ReviewForm(request.POST or None, instance=review)
        if request.method == "POST":
            status = 400
            if review_form.is_valid():
                submit = request.POST.get("action") == "submit"
                data = {name: review_form.cleaned_data[name] for name in ReviewForm.Meta.fields}
                try:
                    services.review_save(
                        assignment=assignment, reviewer=request.user, data=data, submit=submit
                    )
                except ValidationError as exc:
                    review_form.add_error(None, exc.messages)
                except TransitionRefused as exc:
                    review_form.add_error(None, str(exc))
                    status = 409
                else:
                    messages.success(
                        request,
                        "Review submitted. Thank you!" if submit else "Draft saved.",
                    )
                    return redirect("reviews:assignment", assignment_id=assignment.pk)
    elif request.method == "POST":
        raise PermissionDenied("This review cannot be changed now.")
    context.update(
        review=review,
        review_form=review_form,
        accept_form=AcceptForm(),
        decline_form=DeclineForm(),
    )
    return render(request, "reviews/assignment.html", context, status=status)


def _extension_context(assignment: ReviewAssignment) -> dict:
    requests = list(assignment.extension_requests.select_related("decided_by"))
    return {
        "extension_requests": requests,
        "pending_extension": next((r for r in requests if r.is_pending), None),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def extension_ask(request, assignment_id: int):
    """The reviewer asks the editor for a later due date, with a reason.
    Anyone but the invited reviewer gets 404, as for the assignment itself;
    the reviewer, before accepting or after submitting, 403 with why."""
    assignment = _get_assignment_for(request.user, assignment_id)
    if problem := extension_request_problem(request.user, assignment):
        raise PermissionDenied(problem)
    context = {"assignment": assignment, **_extension_context(assignment)}
    form = ExtensionRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.extension_request(
                    assignment=assignment,
                    reviewer=request.user,
                    due_date=form.cleaned_data["due_date"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionRefused as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(
                    request, "Your request for more time was sent; the editors have been told."
                )
                return redirect("reviews:assignment", assignment_id=assignment.pk)
    context["form"] = form
    return render(request, "reviews/more_time.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def extension_answer(request, request_id: int):
    """An editor who handles the article grants or refuses a reviewer's
    request for more time; 403 for anyone else (404 for people who may not
    open the article at all). A request another editor answered first says
    who did what."""
    extension = get_object_or_404(
        ExtensionRequest.objects.select_related(
            "assignment__reviewer", "assignment__round__revision", "decided_by"
        ),
        pk=request_id,
    )
    article = get_article_for(request.user, extension.assignment.round.article_id)
    require_due_date_editor(request.user, article)
    form = ExtensionDecisionForm(
        request.POST or None, initial={"due_date": extension.requested_date}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            grant = form.cleaned_data["decision"] == "grant"
            try:
                decided = services.extension_decide(
                    request=extension,
                    editor=request.user,
                    grant=grant,
                    due_date=form.cleaned_data["due_date"] if grant else None,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionRefused as exc:
                form.add_error(None, str(exc))
                status = 409
                extension.refresh_from_db()
            else:
                messages.success(
                    request,
                    f"Granted: {extension.assignment.reviewer}'s review is now due "
                    f"{decided.granted_date:%-d %b %Y}. They have been told."
                    if grant
                    else f"Refused; {extension.assignment.reviewer} has been told.",
                )
                return redirect("reviews:invite", pk=article.pk)
    return render(
        request,
        "reviews/extension.html",
        {"article": article, "extension": extension, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_due_date(request, assignment_id: int):
    """An editor who handles the article moves a reviewer's due date."""
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("reviewer", "round__revision"), pk=assignment_id
    )
    article = get_article_for(request.user, assignment.round.article_id)
    require_due_date_editor(request.user, article)
    form = ReviewDueDateForm(request.POST or None, initial={"due_date": assignment.due_date})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.review_due_date_move(
                    assignment=assignment,
                    editor=request.user,
                    due_date=form.cleaned_data["due_date"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionRefused as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(
                    request,
                    f"{assignment.reviewer}'s review is now due "
                    f"{form.cleaned_data['due_date']:%-d %b %Y}. They have been told.",
                )
                return redirect("reviews:invite", pk=article.pk)
    return render(
        request,
        "reviews/due_date.html",
        {"article": article, "assignment": assignment, "form": form},
        status=status,
    )


@login_required
@require_POST
def assignment_respond(request, assignment_id: int):
    assignment = _get_assignment_for(request.user, assignment_id)
    accepting = request.POST.get("action") == "accept"
    form = AcceptForm(request.POST) if accepting else DeclineForm(request.POST)
    if form.is_valid():
        try:
            if accepting:
                services.invitation_accept(
                    assignment=assignment,
                    reviewer=request.user,
                    has_conflict=form.cleaned_data["conflict"] == "declare",
                    conflict_details=form.cleaned_data["conflict_details"],
                )
                messages.success(request, "Thank you for accepting. The revision is below.")
            else:
                services.invitation_decline(
                    assignment=assignment,
                    reviewer=request.user,
                    reason=form.cleaned_data["reason"],
                    suggestion=form.cleaned_data["suggestion"],
                )
                messages.success(request, "You declined; the editor has been told.")
            return redirect("reviews:assignment", assignment_id=assignment.pk)
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
            status = 409
    else:
        status = 400
    context = _reviewer_context(assignment)
    context.update(
        review=Review.objects.filter(assignment=assignment).first(),
        accept_form=form if accepting else AcceptForm(),
        decline_form=DeclineForm() if accepting else form,
    )
    return render(request, "reviews/assignment.html", context, status=status)


def _board_context(article: Article, user) -> dict:
    """What a board member reads before signing: the revision as readers will
    see it, the round's reviews and decision letter, and the changes from the
    published revision."""
    revision = article.current_revision
    published = article.published_revision
    policy = EditorialPolicy.current()
    context = {
        "article": article,
        "revision": revision,
        "references": list(revision.references.all()),
        "review_history": _review_history(article),
        "shows_confidential": reads_confidential_review_comments(user, article),
        "signoffs": list(revision.signoffs.select_related("withdrawal")),
        "my_signoff": revision.signoffs.counting_by(user).first(),
        "valid_signoffs": article.valid_signoff_count(),
        "quorum": policy.board_quorum,
        "citation_style": policy.citation_style,
        "can_sign": may_sign_off(user, article),
        "not_independent_because": board_independence_problem(user, article),
        "recused": article.board_recusals.filter(member=user).exists(),
    }
    context["signed_versions"] = _signed_versions(revision, context["references"])
    if published is not None and published.pk != revision.pk:
        context["published"] = published
        context["diff"] = revision.changes_since(published)
    returns = [
        spec for spec in article.available_transitions_for(user) if spec.name == "return_to_editor"
    ]
    if returns:
        form = TransitionForm(initial={"seen_state": article.state}, auto_id="id_return_%s")
        form.fields["comment"].label = "Why are you returning it to the editor?"
        form.needed_to_submit = ("comment",)  # no "(optional)": Article.fire() insists on it
        context["return_form"] = form
        context["return_next"] = returns[0].custom.get("next", "")
    return context


def _review_history(article: Article) -> list[dict]:
    """Every round of the article, newest first: the revision it judged, the
    authors' response that came with it, each submitted review and the
    editor's decision letter; and each time the board returned it, with why.
    Whether confidential comments show is the template's question, from
    `rules.reads_confidential_review_comments` asked in the view."""
    rounds = list(
        article.review_rounds.select_related("revision", "decided_by").order_by("-number")
    )
    reviews: dict[int, list] = {}
    for review in (
        Review.objects.filter(assignment__round__article=article, status=Review.Status.SUBMITTED)
        .select_related("assignment__reviewer")
        .order_by("submitted_at", "pk")
    ):
        reviews.setdefault(review.assignment.round_id, []).append(review)
    returns = list(
        article.audit_entries.filter(action="return_to_editor").select_related("actor", "revision")
    )
    return [
        {
            "round": review_round,
            "reviews": reviews.get(review_round.pk, []),
            # A board return opens a new round on the same revision: the
            # return is told with the round it opened.
            "board_returns": [
                entry
                for entry in returns
                if entry.revision_id == review_round.revision_id
                and entry.created_at <= review_round.opened_at
                and (index + 1 == len(rounds) or entry.created_at > rounds[index + 1].opened_at)
            ],
        }
        for index, review_round in enumerate(rounds)
    ]


def _signed_versions(revision, references) -> list[dict]:
    """Each written version as readers will see it (the patient version with
    its pinned glossary), with its reading grade and fingerprint: what the
    signer confirms one by one."""
    fingerprints = revision.version_fingerprints(references)
    grades = readability_report(revision, EditorialPolicy.current().patient_readability_grade)
    rendered = {v["level"]: v for v in revision.audience_versions(len(references))}
    versions = []
    for (name, fingerprint), grade in zip(fingerprints.items(), grades, strict=True):
        versions.append(
            {
                "name": name,
                "label": AudienceLevel(name).label,
                "fingerprint": fingerprint,
                "short": short(fingerprint),
                "readability": grade,
                "rendered": rendered.get(name),
            }
        )
    return versions


@require_safe
@login_required
def board_queue(request):
    if not is_board_member(request.user):
        raise PermissionDenied("The sign-off queue is for Advisory Board members.")
    user = request.user
    articles = (
        Article.objects.in_board_review_for(user)
        .select_related("current_revision")
        .annotate(
            valid_signoffs=Coalesce(
                Subquery(
                    BoardSignoff.objects.valid_for(
                        OuterRef("current_revision"), OuterRef("current_revision__content_hash")
                    )
                    .order_by()
                    .values("revision")
                    .annotate(count=Count("pk"))
                    .values("count")
                ),
                0,
            ),
            signed_by_me=Exists(
                BoardSignoff.objects.counting_by(user).filter(revision=OuterRef("current_revision"))
            ),
            recused=Exists(BoardRecusal.objects.filter(article=OuterRef("pk"), member=user)),
            independent=Exists(Article.objects.signable_by(user).filter(pk=OuterRef("pk"))),
        )
        .order_by("updated_at")
    )
    return render(
        request,
        "reviews/board_queue.html",
        {"articles": articles, "quorum": EditorialPolicy.current().board_quorum},
    )


@login_required
def signoff(request, pk: int):
    article = _get_article_for_board(request.user, pk)
    if article.state != ArticleState.BOARD_REVIEW:
        raise PermissionDenied(
            f"This article is “{article.get_state_display()}”, not awaiting board sign-off."
        )
    revision = article.current_revision
    context = _board_context(article, request.user)
    form = SignoffForm(
        request.POST or None,
        initial={"seen_revision": revision.pk},
        versions=context["signed_versions"],
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                article = board_signoff_record(
                    article=article,
                    member=request.user,
                    password=form.cleaned_data["password"],
                    seen_revision_id=form.cleaned_data["seen_revision"],
                    confirmed_versions=form.confirmed_versions(),
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (ArticleChanged, TransitionRefused) as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                if article.state == ArticleState.APPROVED:
                    messages.success(
                        request, "Signed. That completed the quorum: the article is approved."
                    )
                else:
                    messages.success(request, "Signed. The article awaits further board sign-offs.")
                return redirect("reviews:board_queue")
    context.update(
        form=form, recuse_form=RecuseForm(), **discussions_context(article, request.user)
    )
    return render(request, "reviews/signoff.html", context, status=status)


@login_required
@require_POST
def recuse(request, pk: int):
    article = _get_article_for_board(request.user, pk)
    form = RecuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please describe the competing interest before stepping aside.")
        return redirect("reviews:signoff", pk=article.pk)
    try:
        services.board_recuse(
            article=article, member=request.user, reason=form.cleaned_data["reason"]
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("reviews:signoff", pk=article.pk)
    messages.success(request, "You stepped aside from this article; it is recorded.")
    return redirect("reviews:board_queue")
