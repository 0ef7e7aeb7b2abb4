import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.authentication import password_reconfirm
from accounts.models import AudienceLevel
from accounts.notifications import notify
from accounts.rules import is_board_member
from articles.models import (
    Article,
    ArticleChanged,
    ArticleState,
    AuditEntry,
    EditorialPolicy,
    TransitionRefused,
)
from articles.rules import (
    board_independence_problem,
    extension_request_problem,
    has_handled,
    may_sign_off,
    require_due_date_editor,
    require_handling_editor,
    reviewer_refusal,
)

from . import notifications
from .models import (
    BoardRecusal,
    BoardSignoff,
    ExtensionRequest,
    Review,
    ReviewAssignment,
    ReviewRound,
    SignoffWithdrawal,
)
from .rounds import round_close

Status = ReviewAssignment.Status
# How sentences name each written version.
VERSION_LABELS = {
    AudienceLevel.PROFESSIONAL.value: "healthcare professional",
    AudienceLevel.PATIENT.value: "patient",
    AudienceLevel.STUDENT.value: "student",
}


def _audit(article: Article, actor, action: str, comment: str) -> None:
    AuditEntry.note(article, actor, action, comment)


def reviewers_invite(
    *,
    article: Article,
    editor,
    reviewers: Sequence,
    due_date: datetime.date,
    message: str = "",
) -> list[ReviewAssignment]:
    """Invite reviewers to the article's current round. The first invitation
    on a submitted article starts the review (submitted -> under_review, a
    transition with its own audit entry). Anyone `reviewer_refusal` names
    (authors, the article's handling editors, people without the Reviewer
    role) and past due dates are refused."""
    if not reviewers:
        raise ValidationError({"reviewers": "Choose at least one reviewer."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past; choose a later date."})
    for person in reviewers:
        if refusal := reviewer_refusal(person, article, editor=editor):
            raise ValidationError({"reviewers": refusal})
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        require_handling_editor(editor, locked)
        if locked.state == ArticleState.SUBMITTED:
            locked = locked.fire("start_review", by=editor)
        elif locked.state != ArticleState.UNDER_REVIEW:
            raise TransitionRefused(
                [
                    f"Reviewers can be invited only while the article is submitted or under review "
                    f"(it is “{locked.get_state_display()}”)."
                ]
            )
        review_round = locked.current_round()
        if review_round is not None:
            review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if review_round is None or not review_round.is_open:
            raise TransitionRefused(
                ["This review round is closed. Decide on it before inviting anyone else."]
            )
        # Someone who declined may be invited again: the declined row stays
        # as the record of their answer, and the new invitation is a new row.
        already = set(
            review_round.assignments.exclude(status=Status.DECLINED).values_list(
                "reviewer_id", flat=True
            )
        )
        if repeated := [str(p) for p in reviewers if p.pk in already]:
            raise ValidationError(
                {"reviewers": f"Already invited to this round: {', '.join(repeated)}."}
            )
        declined_before = set(
            review_round.assignments.filter(status=Status.DECLINED).values_list(
                "reviewer_id", flat=True
            )
        )
        assignments = [
            ReviewAssignment.objects.create(
                round=review_round,
                reviewer=person,
                invited_by=editor,
                due_date=due_date,
                message=message,
            )
            for person in reviewers
        ]
        again = [str(p) for p in reviewers if p.pk in declined_before]
        _audit(
            locked,
            editor,
            "reviewers_invited",
            f"Round {review_round.number}: invited {', '.join(str(p) for p in reviewers)}; "
            f"due {due_date:%-d %b %Y}."
            + (
                f" Invited again after declining earlier in this round: {', '.join(again)}."
                if again
                else ""
            ),
        )
        for assignment in assignments:
            notifications.invitation(assignment)
    return assignments


def previous_reviewers(article: Article) -> list:
    """Who submitted a review in the last closed round (for one-click re-invite)."""
    closed = article.review_rounds.filter(closed_at__isnull=False).order_by("-number").first()
    if closed is None:
        return []
    return [review.assignment.reviewer for review in closed.submitted_reviews()]


def default_due_date() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=EditorialPolicy.current().review_due_days)


def _lock_review_records(article_id: int) -> None:
    """Every review-side write locks the article row first (then round, then
    assignment), the same order Article.fire() uses, so concurrent actions
    queue up instead of deadlocking or each counting only their own review."""
    list(Article.objects.select_for_update().filter(pk=article_id).values_list("pk", flat=True))


def _locked_assignment(assignment: ReviewAssignment, reviewer) -> ReviewAssignment:
    _lock_review_records(assignment.round.article_id)
    locked = (
        ReviewAssignment.objects.select_for_update()
        .select_related("round__article", "round__revision", "invited_by", "reviewer")
        .get(pk=assignment.pk)
    )
    if locked.reviewer_id != reviewer.pk:
        raise PermissionDenied("This invitation is for someone else.")
    return locked


def _require_independent_reviewer(assignment: ReviewAssignment, reviewer) -> None:
    # Invited before they acted as the article's editor (another editor may
    # have invited them): the review would no longer be independent.
    if has_handled(reviewer, assignment.round.article):
        raise PermissionDenied(
            "You have handled this article as its editor, so you cannot also review it: "
            "reviews are independent of the editor who decides on them."
        )


def _no_longer(assignment: ReviewAssignment, verb: str) -> TransitionRefused:
    status = assignment.get_status_display()
    return TransitionRefused([f"This invitation can no longer be {verb} (it is “{status}”)."])


def invitation_accept(
    *, assignment: ReviewAssignment, reviewer, has_conflict: bool, conflict_details: str = ""
) -> ReviewAssignment:
    """The invited reviewer accepts and declares competing interests."""
    if has_conflict and not conflict_details.strip():
        raise ValidationError({"conflict_details": "Please describe the competing interest."})
    with transaction.atomic():
        locked = _locked_assignment(assignment, reviewer)
        if locked.status != Status.INVITED or not locked.round.is_open:
            raise _no_longer(locked, "accepted")
        _require_independent_reviewer(locked, reviewer)
        locked.status = Status.ACCEPTED
        locked.responded_at = timezone.now()
        locked.has_conflict = has_conflict
        locked.conflict_details = conflict_details.strip() if has_conflict else ""
        locked.save()
        Review.objects.create(assignment=locked, revision=locked.round.revision)
        _audit(
            locked.round.article,
            reviewer,
            "review_accepted",
            "Declared a competing interest: " + locked.conflict_details
            if has_conflict
            else "No competing interests declared.",
        )
        notifications.response(locked)
    return locked


def invitation_decline(
    *, assignment: ReviewAssignment, reviewer, reason: str, suggestion: str = ""
) -> ReviewAssignment:
    if not reason.strip():
        raise ValidationError({"reason": "Please give the editor a short reason."})
    with transaction.atomic():
        locked = _locked_assignment(assignment, reviewer)
        if locked.status != Status.INVITED:
            raise _no_longer(locked, "declined")
        locked.status = Status.DECLINED
        locked.responded_at = timezone.now()
        locked.decline_reason = reason.strip()
        locked.suggested_reviewer = suggestion.strip()
        locked.save()
        _audit(locked.round.article, reviewer, "review_declined", locked.decline_reason)
        notifications.response(locked)
    return locked


def conflict_resolve(*, assignment: ReviewAssignment, editor, keep: bool) -> ReviewAssignment:
    """The editor keeps or replaces a reviewer who declared a competing interest."""
    with transaction.atomic():
        _lock_review_records(assignment.round.article_id)
        locked = (
            ReviewAssignment.objects.select_for_update()
            .select_related("round__article")
            .get(pk=assignment.pk)
        )
        require_handling_editor(editor, locked.round.article)
        if not locked.awaits_conflict_decision:
            raise TransitionRefused(["There is no declared conflict waiting for a decision here."])
        if not locked.round.is_open:
            raise TransitionRefused(["This review round is closed; nothing to decide any more."])
        locked.conflict_choice = (
            ReviewAssignment.ConflictChoice.KEEP
            if keep
            else ReviewAssignment.ConflictChoice.REPLACE
        )
        if not keep:
            locked.status = Status.REPLACED
        locked.save()
        _audit(
            locked.round.article,
            editor,
            "conflict_kept" if keep else "reviewer_replaced",
            f"{locked.reviewer}: {locked.conflict_details}",
        )
    return locked


def review_save(*, assignment: ReviewAssignment, reviewer, data: dict, submit: bool) -> Review:
    """Save the reviewer's draft, or submit it (then it is final). Submitting
    the last review the policy requires closes the round for the decision."""
    with transaction.atomic():
        locked = _locked_assignment(assignment, reviewer)
        review = Review.objects.select_for_update().get(assignment=locked)
        if review.status == Review.Status.SUBMITTED:
            raise TransitionRefused(["This review was submitted and is final."])
        _require_independent_reviewer(locked, reviewer)
        if not locked.may_review:
            reason = (
                "the editor has not yet decided on the competing interest you declared"
                if locked.awaits_conflict_decision
                else f"the invitation is “{locked.get_status_display()}”"
                if locked.status != Status.ACCEPTED
                else "the review round is closed"
            )
            raise TransitionRefused([f"You cannot review this now: {reason}."])
        for name, value in data.items():
            setattr(review, name, value)
        _check_questioned_grades(review)
        if submit:
            missing = []
            if not review.recommendation:
                missing.append("a recommendation")
            if not review.comments_to_author.strip():
                missing.append("comments to the authors")
            if missing:
                raise ValidationError(f"To submit, add {' and '.join(missing)}.")
            review.status = Review.Status.SUBMITTED
            review.submitted_at = timezone.now()
        review.save()
        if submit:
            locked.status = Status.SUBMITTED
            locked.save()
            article = locked.round.article
            _audit(
                article,
                reviewer,
                "review_submitted",
                f"Round {locked.round.number}: {review.get_recommendation_display()}."
                + (
                    f" Questions the evidence grade of reference "
                    f"{', '.join(str(n) for n in review.questioned_grades)}."
                    if review.questioned_grades
                    else ""
                ),
            )
            notifications.review_submitted(review)
            required = EditorialPolicy.current().reviewers_per_round
            review_round = ReviewRound.objects.select_for_update().get(pk=locked.round_id)
            if review_round.is_open and not review_round.missing_reviews(required, excused=False):
                round_close(review_round)
    return review


def _check_questioned_grades(review: Review) -> None:
    """The grades a review questions are references of the reviewed
    revision, each listed once, and come with the reviewer's reasons."""
    questioned = review.questioned_grades or []
    if not isinstance(questioned, list) or not all(isinstance(n, int) for n in questioned):
        raise ValidationError("The questioned evidence grades are reference numbers.")
    numbers = set(review.revision.references.values_list("position", flat=True))
    unknown = sorted(set(questioned) - numbers)
    if unknown:
        raise ValidationError(
            f"This revision has no reference {', '.join(str(n) for n in unknown)}: "
            "question only the grades of its own references."
        )
    review.questioned_grades = sorted(set(questioned))
    if questioned and not review.grade_comments.strip():
        raise ValidationError("Say why you question the evidence grades you ticked.")


def round_close_early(*, review_round: ReviewRound, editor) -> ReviewRound:
    with transaction.atomic():
        _lock_review_records(review_round.article_id)
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        require_handling_editor(editor, locked.article)
        if not locked.is_open:
            raise TransitionRefused(["This round is already closed."])
        round_close(locked)
        _audit(locked.article, editor, "round_closed", f"Round {locked.number} closed early.")
    return locked


def round_allow_fewer_reviews(*, review_round: ReviewRound, editor, reason: str) -> ReviewRound:
    """The handling editor decides to let the current round's decision go
    ahead with fewer submitted reviews than the policy asks, and says why.
    Recorded on the round and in the audit trail; the decision itself is
    still the editor's next, separate step."""
    if not reason.strip():
        raise ValidationError(
            {"reason": "Please say why this round can be decided with fewer reviews."}
        )
    with transaction.atomic():
        _lock_review_records(review_round.article_id)
        locked = (
            ReviewRound.objects.select_for_update()
            .select_related("article")
            .get(pk=review_round.pk)
        )
        require_handling_editor(editor, locked.article)
        if problem := locked.undecidable_because():
            raise TransitionRefused([problem])
        if locked.fewer_reviews_reason:
            raise TransitionRefused(
                ["You already recorded why this round goes ahead with fewer reviews."]
            )
        required = EditorialPolicy.current().reviewers_per_round
        submitted = required - locked.missing_reviews(required)
        locked.fewer_reviews_reason = reason.strip()
        locked.fewer_reviews_by = editor
        locked.fewer_reviews_at = timezone.now()
        locked.save(update_fields=["fewer_reviews_reason", "fewer_reviews_by", "fewer_reviews_at"])
        _audit(
            locked.article,
            editor,
            "fewer_reviews_accepted",
            f"Round {locked.number} decided with {submitted} of the {required} submitted "
            f"reviews the policy asks for: {locked.fewer_reviews_reason}",
        )
    return locked


def _day(value: datetime.date) -> str:
    return f"{value:%-d %b %Y}"


def extension_request(
    *, assignment: ReviewAssignment, reviewer, due_date: datetime.date, reason: str
) -> ExtensionRequest:
    """The reviewer asks for more time: a later due date and why. Only the
    assignment's reviewer, once accepted and until submitted
    (`rules.extension_request_problem`), with one request waiting at a
    time. The editors who may handle the article are told."""
    if not reason.strip():
        raise ValidationError({"reason": "Please tell the editor why you need more time."})
    with transaction.atomic():
        locked = _locked_assignment(assignment, reviewer)
        if problem := extension_request_problem(reviewer, locked):
            raise PermissionDenied(problem)
        if due_date <= locked.due_date:
            raise ValidationError(
                {"due_date": f"Choose a date after the current due date, {_day(locked.due_date)}."}
            )
        if locked.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise TransitionRefused(
                ["You already asked for more time on this review; the editor has not answered yet."]
            )
        request = ExtensionRequest.objects.create(
            assignment=locked,
            previous_due_date=locked.due_date,
            requested_date=due_date,
            reason=reason.strip(),
        )
        article = locked.round.article
        _audit(
            article,
            reviewer,
            "extension_requested",
            f"Round {locked.round.number}: asked for the review to be due {_day(due_date)} "
            f"instead of {_day(locked.due_date)}. {request.reason}",
        )
        notify(
            article.editors_to_notify(),
            kind="extension_requested",
            subject=f"{reviewer} asks for more time to review “{article}”",
            body=f"Asked for {_day(due_date)} instead of {_day(locked.due_date)}: {request.reason}",
            link=reverse("reviews:extension", args=[request.pk]),
            actor=reviewer,
        )
    return request


def extension_decide(
    *,
    request: ExtensionRequest,
    editor,
    grant: bool,
    due_date: datetime.date | None = None,
    note: str = "",
) -> ExtensionRequest:
    """An editor who may handle the article grants the reviewer's request
    (with the date asked for, or `due_date`), which moves the assignment's
    due date and so its reminders, or refuses it (the due date stays). A
    request another editor already answered is refused with what happened.
    The reviewer is told."""
    note = note.strip()
    with transaction.atomic():
        _lock_review_records(request.assignment.round.article_id)
        locked = (
            # of=self: PostgreSQL cannot lock the nullable side of the outer
            # join that decided_by needs.
            ExtensionRequest.objects.select_for_update(of=("self",))
            .select_related("assignment__round__article", "assignment__reviewer", "decided_by")
            .get(pk=request.pk)
        )
        assignment = ReviewAssignment.objects.select_for_update().get(pk=locked.assignment_id)
        article = locked.assignment.round.article
        require_due_date_editor(editor, article)
        if not locked.is_pending:
            raise TransitionRefused(
                [
                    f"{locked.decided_by} already {locked.get_status_display().lower()} this "
                    f"request on {_day(timezone.localtime(locked.decided_at).date())}."
                ]
            )
        if grant and (
            assignment.status not in {Status.INVITED, Status.ACCEPTED}
            or assignment.round.closed_at is not None
        ):
            raise TransitionRefused(
                [
                    f"This review is no longer open (it is “{assignment.get_status_display()}”), "
                    f"so its due date cannot move."
                ]
            )
        new_date = (due_date or locked.requested_date) if grant else None
        if new_date is not None and new_date < timezone.localdate():
            raise ValidationError({"due_date": "The new due date is in the past."})
        Decided = ExtensionRequest.Status
        locked.status = Decided.GRANTED if grant else Decided.REFUSED
        locked.granted_date = new_date
        locked.editor_note = note
        locked.decided_by = editor
        locked.decided_at = timezone.now()
        locked.save()
        reviewer = locked.assignment.reviewer
        if grant:
            old = assignment.due_date
            assignment.due_date = new_date
            assignment.save(update_fields=["due_date"])
            text = f"{reviewer}'s review is now due {_day(new_date)} (was {_day(old)})."
            subject = f"More time to review “{article}”: due {_day(new_date)}"
        else:
            text = f"{reviewer}'s review stays due {_day(assignment.due_date)}."
            subject = f"Your request for more time to review “{article}” was refused"
        _audit(
            article,
            editor,
            "extension_granted" if grant else "extension_refused",
            f"Round {assignment.round.number}: {text}" + (f" {note}" if note else ""),
        )
        notify(
            [reviewer],
            kind="extension_granted" if grant else "extension_refused",
            subject=subject,
            body=text + (f"\n\nThe editor's note: {note}" if note else ""),
            link=reverse("reviews:assignment", args=[assignment.pk]),
            actor=editor,
        )
    return locked


def review_due_date_move(
    *, assignment: ReviewAssignment, editor, due_date: datetime.date, note: str = ""
) -> ReviewAssignment:
    """An editor who may handle the article moves a reviewer's due date
    while the review is still open; the reminders follow the new date and
    the reviewer is told. A request for more time still waiting is left
    for the editor to answer."""
    note = note.strip()
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past; choose a later date."})
    with transaction.atomic():
        _lock_review_records(assignment.round.article_id)
        locked = (
            ReviewAssignment.objects.select_for_update()
            .select_related("round__article", "reviewer")
            .get(pk=assignment.pk)
        )
        article = locked.round.article
        require_due_date_editor(editor, article)
        if locked.status not in {Status.INVITED, Status.ACCEPTED} or not locked.round.is_open:
            raise TransitionRefused(
                [
                    f"This review is no longer open (it is “{locked.get_status_display()}”), "
                    f"so its due date cannot move."
                ]
            )
        if due_date == locked.due_date:
            raise ValidationError({"due_date": "That is already the due date."})
        old = locked.due_date
        locked.due_date = due_date
        locked.save(update_fields=["due_date"])
        text = f"{locked.reviewer}'s review is now due {_day(due_date)} (was {_day(old)})."
        _audit(
            article,
            editor,
            "review_due_date_moved",
            f"Round {locked.round.number}: {text}" + (f" {note}" if note else ""),
        )
        notify(
            [locked.reviewer],
            kind="review_due_date_moved",
            subject=f"Your review of “{article}” is now due {_day(due_date)}",
            body=text + (f"\n\nThe editor's note: {note}" if note else ""),
            link=reverse("reviews:assignment", args=[locked.pk]),
            actor=editor,
        )
    return locked


def board_signoff_record(
    *,
    article: Article,
    member,
    password: str,
    seen_revision_id: int | None = None,
    confirmed_versions: Sequence[str] | None = None,
    request=None,
) -> Article:
    """Record `member`'s electronic signature on the article's revision in board
    review, and approve the article in the same transaction when this signature
    reaches the policy's quorum.

    Only an Advisory Board member who is not an author may sign, once per
    revision, after re-entering their password. The signature stores the
    fingerprint of each written version (professional, patient, student);
    `confirmed_versions` names the versions the signer confirmed on the
    signing page, and each one must be there (a field error per missing
    one, "confirm_<version>"). Returns the fresh article.
    """
    try:
        password_reconfirm(
            user=member,
            password=password,
            request=request,
            paused="signing",
            wrong="That password is not correct, so your signature was not recorded.",
        )
    except ValidationError as exc:
        raise ValidationError({"password": exc}) from exc
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        revision = locked.current_revision
        if locked.state != ArticleState.BOARD_REVIEW:
            raise ArticleChanged(
                f"This article is no longer awaiting sign-off (it is now "
                f"“{locked.get_state_display()}”)."
            )
        if seen_revision_id is not None and revision.pk != seen_revision_id:
            raise ArticleChanged(
                "A newer revision replaced the one you read. Read it before you sign."
            )
        if not may_sign_off(member, locked):
            if problem := board_independence_problem(member, locked):
                raise PermissionDenied(problem)
            raise TransitionRefused([f"You have already signed revision {revision.number}."])
        references = list(revision.references.all())
        if revision.compute_content_hash(references) != revision.content_hash:
            raise ArticleChanged(
                f"The text of revision {revision.number} no longer matches the fingerprint it "
                f"was given when submitted, so it cannot be signed. Tell the editors."
            )
        versions = revision.version_fingerprints(references)
        if confirmed_versions is not None:
            missing = {
                f"confirm_{name}": (
                    f"Confirm that you read the {VERSION_LABELS[name]} version, or do not sign yet."
                )
                for name in versions
                if name not in confirmed_versions
            }
            if missing:
                raise ValidationError(missing)
        try:
            with transaction.atomic():
                BoardSignoff.objects.create(
                    revision=revision,
                    signer=member,
                    signer_name=str(member),
                    signer_credentials=member.credentials,
                    content_hash=revision.content_hash,
                    version_fingerprints=versions,
                    # After a withdrawal, the new signature follows the last one.
                    supersedes=revision.signoffs.filter(signer=member).order_by("-pk").first(),
                )
        except IntegrityError as exc:
            # A double-click or a second tab got there first.
            raise TransitionRefused(
                [f"You have already signed revision {revision.number}."]
            ) from exc
        AuditEntry.note(
            locked,
            member,
            "sign_off",
            f"Signed: {BoardSignoff._meta.get_field('meaning').default}",
            revision=revision,
        )
        if not locked.unmet_conditions("approve"):
            locked = locked.fire(
                "approve",
                by=member,
                comment="Approved automatically: the board quorum was reached.",
            )
    return locked


def board_recuse(*, article: Article, member, reason: str) -> BoardRecusal:
    """A board member declares a competing interest and steps aside from the
    article: from then on they cannot sign it, return it or approve it. If
    they had already signed the current revision, that signature is withdrawn
    and no longer counts. A signature on an approved revision is part of a
    completed approval and stays: stepping aside is refused then."""
    if not reason.strip():
        raise ValidationError({"reason": "Please describe the competing interest."})
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not is_board_member(member):
            raise PermissionDenied("Only Advisory Board members can step aside from a sign-off.")
        if locked.board_recusals.filter(member=member).exists():
            raise TransitionRefused(["You have already stepped aside from this article."])
        revision = locked.current_revision
        signed = revision.signoffs.counting_by(member).exists()
        if signed and revision.approved_at is not None:
            raise TransitionRefused(
                [
                    "You signed the revision that is published, and that approval is complete. "
                    "Tell the editors about the competing interest: they can send the article "
                    "back for review."
                ]
            )
        recusal = BoardRecusal.objects.create(article=locked, member=member, reason=reason.strip())
        comment = recusal.reason
        if signed:
            comment += (
                f"\n\nTheir signature on revision {revision.number} is withdrawn and no "
                f"longer counts."
            )
        # One entry, private like every declared conflict (REVIEWER_PRIVATE_ACTIONS):
        # a second, visible entry for the withdrawal would tell the authors why.
        entry = AuditEntry.note(locked, member, "board_recused", comment)
        signoff_withdraw(
            article=locked,
            member=member,
            reason=SignoffWithdrawal.Reason.STEPPED_ASIDE,
            comment=recusal.reason,
            audit_entry=entry,
        )
    return recusal


def signoff_withdraw(
    *, article: Article, member, reason: str, comment: str, audit_entry: AuditEntry | None = None
) -> SignoffWithdrawal | None:
    """Withdraw `member`'s signature on the article's current revision, if
    they gave one: the signature stays on record and stops counting. Called
    inside the transaction of the act that withdraws it (returning the
    article, stepping aside); returns None if there was nothing to withdraw.
    The withdrawal is recorded by `audit_entry` when the act's own entry
    already says so, otherwise by a new `sign_off_withdrawn` entry."""
    # The caller holds the article's row lock, which every signature takes first.
    signoff = article.current_revision.signoffs.counting_by(member).first()
    if signoff is None:
        return None
    if audit_entry is None:
        label = SignoffWithdrawal.Reason(reason).label.lower()
        audit_entry = AuditEntry.note(
            article,
            member,
            "sign_off_withdrawn",
            f"Signature on revision {signoff.revision.number} withdrawn ({label}): {comment}",
            revision=signoff.revision,
        )
    return SignoffWithdrawal.objects.create(
        signoff=signoff, reason=reason, comment=comment, audit_entry=audit_entry
    )


def follow_a_return(sender, *, article, name, actor, comment, **kwargs) -> None:
    """A member who returns the article to the editor takes back their own
    signature on it ("I withdraw my approval"): it must not count when the
    editor sends the same revision back to the board."""
    if name == "return_to_editor":
        signoff_withdraw(
            article=article,
            member=actor,
            reason=SignoffWithdrawal.Reason.RETURNED,
            comment=comment,
        )
