"""Who may do what with an article: every rule once, as a predicate of the
`rules` package, taking (user, article).

How each rule is asked:

- In Python, by calling the predicate (`is_handling_editor(user, article)`)
  or the companion that says why not (`board_independence_problem`,
  `require_handling_editor`, ...), whose sentences the 403 pages show.
- By the workflow: each `@transition(permission=...)` in models/article.py is one of
  the `TransitionPermission`s below, so django-fsm-2 asks these same
  predicates, and `transition_refusal` says why someone may not.
- In templates, through values the view got from these predicates
  (`can_edit`, `can_sign_off`), or `{% has_perm %}` with a registered name
  for a rule that site administrators pass anyway (`articles.start_article`
  on the desk); see below.
- Over many rows at once, through the query form of the same rule, a
  queryset method named in each docstring (and naming the rule back):
  `ArticleQuerySet.handleable_by`, `.handled_by`, `.readable_as_board_by`,
  `.signable_by`, `.invited_to_review`, `review_records_hidden_from`,
  `DiscussionQuerySet.visible_to` and `reviews.models.reviewer_candidates`.
  Who may open an article in the desk at all is only ever asked of many
  rows, so it has only its query form: `ArticleQuerySet.visible_to` (and
  `RevisionQuerySet.visible_to`, `AuditEntryQuerySet.visible_to`, which
  build on it).

The rules registered with `rules.add_perm` at the end also answer
`user.has_perm(name, article)`, but Django says yes to every active
superuser before it asks a rule there, and these rules hold for site
administrators too (an administrator who wrote an article does not handle
it; administrator rights do not make someone a board member): code asks the
predicate, or `rules.has_perm(name, user, article)`.

Reviews' own objects need no rules module of their own: who may be invited
to review is said here about the article (`reviewer_refusal`), and that an
invitation is worked on only by the person invited is the reviews app's
query (`ReviewAssignment.objects.for_reviewer`). Who may ask for more time
on a review (`may_ask_for_more_time`) reads the assignment it is given,
without importing the reviews app.

The roles these rules start from (`is_editor`, `is_board_member`, ...) are
the accounts app's, in accounts/rules.py.
"""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied

from accounts.rules import (
    is_board_member,
    is_editor,
    is_reviewer,
    is_same_person,
    may_write_articles,
)

from .states import (
    ACTIVE_INVITATION_STATUSES,
    REVIEW_ACCEPTED,
    REVIEW_SUBMITTED,
    ArticleState,
    DiscussionAudience,
)

# ---------------------------------------------------------------------------
# What a person has done with an article: the facts the rules weigh.


@rules.predicate
def is_author_of(user, article) -> bool:
    """A signed-in person on the article's author list."""
    return user.is_authenticated and article.has_author(user)


@rules.predicate
def has_handled(user, article) -> bool:
    """Has acted as the article's editor: fired an editor's transition on
    it, invited its reviewers, kept or replaced one, closed a round or
    recorded a fewer-reviews exception (`EDITOR_ACTIONS`). Such a person is
    no independent reviewer or board member of it. Query form:
    `ArticleQuerySet.handled_by`."""
    return user.is_authenticated and article.audit_entries.editor_acts().filter(actor=user).exists()


@rules.predicate
def has_reviewed(user, article) -> bool:
    """Submitted a review of any revision of the article."""
    return (
        user.is_authenticated
        and article.review_rounds.filter(
            assignments__reviewer=user, assignments__status=REVIEW_SUBMITTED
        ).exists()
    )


@rules.predicate
def has_declared_conflict(user, article) -> bool:
    """Stepped aside as a board member, or declared a competing interest
    when invited to review it."""
    return user.is_authenticated and (
        article.board_recusals.filter(member=user).exists()
        or article.review_rounds.filter(
            assignments__reviewer=user, assignments__has_conflict=True
        ).exists()
    )


@rules.predicate
def has_signed(user, article) -> bool:
    """Has a signature that still counts on the article's current revision."""
    return article.current_revision.signoffs.counting_by(user).exists()


# ---------------------------------------------------------------------------
# Authors


@rules.predicate
def may_edit(user, article) -> bool:
    """Authors edit their article while it is editable (a draft, after the
    editors ask for changes, or an update of the published text)."""
    return article.is_editable and is_author_of(user, article)


@rules.predicate
def is_never_submitted_draft(user, article) -> bool:
    """The article is a draft no editor has ever received: nobody but its
    authors has seen it, and nothing in the editorial record refers to it."""
    return (
        article.state == ArticleState.DRAFT
        and article.published_revision_id is None
        and article.submitted_at is None
    )


@rules.predicate
def may_delete_draft(user, article) -> bool:
    """Its authors delete a never-submitted draft (a submitted article is
    withdrawn instead, and stays on record)."""
    return is_author_of(user, article) and is_never_submitted_draft(user, article)


def draft_deletion_problem(user, article) -> str:
    """Why `user` may not delete the article, or "" if they may."""
    if may_delete_draft(user, article):
        return ""
    if not is_author_of(user, article):
        return "Only the article's authors can delete its draft."
    return (
        f"The article is “{article.get_state_display()}”: only a draft that was never "
        f"submitted can be deleted. Once the editors have received it, it stays on record "
        f"and can only be withdrawn."
    )


@rules.predicate
def review_records_hidden(user, article) -> bool:
    """Authors never see who reviewed their article: who was invited, what
    each reviewer recommended, the competing interests declared (by
    reviewers, or by board members stepping aside). Query form:
    `review_records_hidden_from`."""
    return is_author_of(user, article)


# ---------------------------------------------------------------------------
# Editors


@rules.predicate
def is_handling_editor(user, article) -> bool:
    """Who acts as the article's editor: an editor who did not write it. The
    same rule decides who may read its review records (who was invited, what
    they recommended, their declared conflicts), so an editor never learns
    who reviewed their own article. Query form:
    `ArticleQuerySet.handleable_by`."""
    return is_editor(user) and not is_author_of(user, article)


def require_handling_editor(user, article) -> None:
    """PermissionDenied, with why, unless `user` may handle the article as its editor."""
    if not is_handling_editor(user, article):
        raise PermissionDenied(
            "You are an author of this article, so another editor must handle it."
            if is_editor(user)
            else "Only editors can manage reviewers."
        )


@rules.predicate
def reads_confidential_review_comments(user, article) -> bool:
    """Reviewers' confidential comments are written to the editor: only
    those who may handle the article as its editor read them (never its
    authors, and not the board as such: a board member reads them only if
    they could handle the article as its editor anyway)."""
    return is_handling_editor(user, article)


@rules.predicate
def is_deciding_editor(user, article) -> bool:
    """A decision after review weighs the reviews, so one of the reviewers
    (an editor who also holds the Reviewer role) does not make it."""
    return is_handling_editor(user, article) and not has_reviewed(user, article)


def source_alert_clear_problem(user, article) -> str:
    """Why `user` may not clear an alert the retraction watch raised on
    `article` (a retracted, corrected or questioned study it cites), or ""
    if they may: whoever handles the article as its editor."""
    if is_handling_editor(user, article):
        return ""
    if is_editor(user):
        return "You are an author of this article, so another editor clears its alerts."
    return "Only editors can review and clear alerts about the studies an article cites."


@rules.predicate
def may_clear_source_alert(user, article) -> bool:
    """Editors who may handle the article clear the watch's alerts on it
    (`source_alert_clear_problem` says why not). Query form:
    `SourceAlertQuerySet.open_for_editor`."""
    return not source_alert_clear_problem(user, article)


# ---------------------------------------------------------------------------
# Reviewers


def reviewer_refusal(person, article, *, editor) -> str:
    """Why `person` may not review `article` when `editor` invites them, or
    "" if they may: never its authors, never whoever handles it as editor
    (the inviting editor included: inviting is handling), and only people
    who hold the Reviewer role themselves. Query form:
    `reviews.models.reviewer_candidates`."""
    if is_author_of(person, article):
        return f"{person} is an author of this article and cannot review it."
    if is_same_person(person, editor) or has_handled(person, article):
        return (
            f"{person} handles this article as its editor and cannot also review it: "
            f"reviews are independent of the editor who decides on them."
        )
    if not is_reviewer(person):
        return f"{person} does not have the Reviewer role."
    return ""


@rules.predicate
def holds_review_invitation(user, article) -> bool:
    """Invited to review the article (in any round) and neither declined nor
    was replaced: such a reviewer talks with the editors in their own
    thread. Query form: `ArticleQuerySet.invited_to_review`."""
    return (
        user.is_authenticated
        and article.review_rounds.filter(
            assignments__reviewer=user, assignments__status__in=ACTIVE_INVITATION_STATUSES
        ).exists()
    )


# ---------------------------------------------------------------------------
# Due dates


@rules.predicate
def moves_due_dates(user, article) -> bool:
    """Who sets and moves the article's due dates (the authors' revised
    draft, each reviewer's review) and grants or refuses a reviewer's
    request for more time: whoever handles the article as its editor."""
    return is_handling_editor(user, article)


def require_due_date_editor(user, article) -> None:
    """PermissionDenied, with why, unless `moves_due_dates(user, article)`."""
    if not moves_due_dates(user, article):
        raise PermissionDenied(
            "You are an author of this article, so another editor sets its due dates."
            if is_editor(user)
            else "Only the article's editors can change its due dates."
        )


def extension_request_problem(user, assignment) -> str:
    """Why `user` may not ask for more time on the review `assignment` (a
    `reviews.ReviewAssignment`), or "" if they may: only the invited
    reviewer, once they accepted and until they submit, while the round
    is open."""
    if not user.is_authenticated or assignment.reviewer_id != user.pk:
        return "Only the invited reviewer can ask for more time on this review."
    if assignment.status != REVIEW_ACCEPTED:
        return (
            "More time can be asked for once the invitation is accepted and until "
            "the review is submitted."
        )
    if assignment.round.closed_at is not None:
        return "This review round is closed, so no more time is needed."
    return ""


@rules.predicate
def may_ask_for_more_time(user, assignment) -> bool:
    """The reviewer of `assignment` may ask the editor for a later due date."""
    return not extension_request_problem(user, assignment)


# ---------------------------------------------------------------------------
# The Medical Advisory Board


@rules.predicate
def reads_as_board(user, article) -> bool:
    """Who may read the article as a board member: members who did not write
    it. (The board's page names reviewers and the editor's note, which
    authors never see.) Query form: `ArticleQuerySet.readable_as_board_by`."""
    return is_board_member(user) and not is_author_of(user, article)


def board_reader_problem(user, article) -> str:
    """Why `user` may not read the article as a board member, or ""."""
    if reads_as_board(user, article):
        return ""
    if not is_board_member(user):
        return (
            "Only members of the Medical Advisory Board can sign off articles; "
            "administrator rights do not make someone a board member."
        )
    return "You are an author of this article, so you cannot sign it off."


def require_board_reader(user, article) -> None:
    """PermissionDenied, with why, unless `reads_as_board(user, article)`."""
    if problem := board_reader_problem(user, article):
        raise PermissionDenied(problem)


def board_independence_problem(user, article) -> str:
    """Why `user` is not an independent board member for the article (may
    not sign it, return it or approve it), or "" if they are. A signature
    is a second, separate judgement: not the authors', not the handling
    editor's (see `has_handled`), not a reviewer's, and not from someone
    who declared a competing interest. Query form:
    `ArticleQuerySet.signable_by`."""
    if problem := board_reader_problem(user, article):
        return problem
    if has_declared_conflict(user, article):
        return "You declared a competing interest on this article, so you do not sign it."
    if has_handled(user, article):
        return (
            "You handled this article as its editor, so another board member must sign it: "
            "the board's signature is a second, independent judgement."
        )
    if has_reviewed(user, article):
        return (
            "You reviewed this article, so another board member must sign it: "
            "the board's signature is a second, independent judgement."
        )
    return ""


@rules.predicate
def is_independent_board_member(user, article) -> bool:
    return not board_independence_problem(user, article)


@rules.predicate
def may_sign_off(user, article) -> bool:
    """An independent board member signs the revision in board review, once."""
    return (
        article.state == ArticleState.BOARD_REVIEW
        and is_independent_board_member(user, article)
        and not has_signed(user, article)
    )


# ---------------------------------------------------------------------------
# Discussions


def is_in_audience(user, article, audience: str, reviewer=None) -> bool:
    """Whether `user` is in a thread about `article` with `audience` (and,
    for the one-reviewer audience, `reviewer`): the editors handling the
    article are in every thread (an editor who wrote it is not: they read
    the editors-and-authors thread as an author); its authors in the
    editors-and-authors thread; a reviewer in their own thread while they
    hold an invitation to review it; independent board members (not those
    who stepped aside, declared a conflict, handled or reviewed it) in the
    board thread. Asked through `may_read_discussion` for a thread that
    exists, and by `startable_audiences` for one about to start."""
    if is_handling_editor(user, article):
        return True
    if audience == DiscussionAudience.AUTHORS:
        return is_author_of(user, article)
    if audience == DiscussionAudience.REVIEWER:
        return (
            reviewer is not None
            and is_same_person(user, reviewer)
            and holds_review_invitation(user, article)
        )
    if audience == DiscussionAudience.BOARD:
        return is_independent_board_member(user, article)
    return False


@rules.predicate
def may_read_discussion(user, discussion) -> bool:
    """Who reads a discussion and writes in it: the people of its audience
    (`is_in_audience`). Nobody else learns it exists: not by its address,
    in a list, a count or an email. Query form:
    `DiscussionQuerySet.visible_to` (and `Discussion.participants`, the
    people told about a message, asks this predicate of each candidate)."""
    if not user.is_authenticated:
        return False
    return is_in_audience(user, discussion.article, discussion.audience, discussion.reviewer)


def startable_audiences(user, article) -> list[DiscussionAudience]:
    """The audiences `user` may start a thread with: those they are in
    themselves (a reviewer: only their own thread), once the editors have
    received the article (a never-submitted draft has no editors yet)."""
    if not user.is_authenticated or is_never_submitted_draft(user, article):
        return []
    return [
        audience
        for audience in DiscussionAudience
        if is_in_audience(user, article, audience, reviewer=user)
    ]


def discussion_start_problem(user, article, audience: str | None = None, reviewer=None) -> str:
    """Why `user` may not start a thread about `article` with `audience`
    (and `reviewer`), or "" if they may; with no audience, why they may
    start none at all. Editors choose the reviewer of a one-reviewer thread
    among those holding an invitation; a reviewer starts only their own."""
    if is_never_submitted_draft(user, article):
        return (
            "The editors have not received this draft yet: submit it, then you can "
            "discuss it with them."
        )
    startable = startable_audiences(user, article)
    if not startable:
        return (
            "Discussions about an article are for its editors, its authors, its reviewers "
            "and the board members who judge it; you are none of these for this article."
        )
    if audience not in DiscussionAudience.values:
        return "Choose who the discussion is with."
    if audience not in startable:
        label = DiscussionAudience(audience).label.lower()
        return f"You cannot start a discussion for {label} on this article."
    if audience != DiscussionAudience.REVIEWER:
        return ""
    if reviewer is None:
        return "Choose the reviewer this discussion is with."
    if not is_handling_editor(user, article) and not is_same_person(user, reviewer):
        return "Reviewers discuss their own review with the editors, not someone else's."
    if not holds_review_invitation(reviewer, article):
        return f"{reviewer} has no open invitation to review this article."
    return ""


# ---------------------------------------------------------------------------
# Who fires each workflow transition (`@transition(permission=...)`).


@dataclass(frozen=True)
class TransitionPermission:
    """A rule above as django-fsm-2's transition permission, which it calls
    as permission(article, user); `who` names the people the rule lets in,
    for the sentence that refuses everyone else."""

    rule: rules.Predicate
    who: str

    def __call__(self, article, user) -> bool:
        return self.rule(user, article)


AUTHORS = TransitionPermission(is_author_of, "the article's authors")
HANDLING_EDITOR = TransitionPermission(is_handling_editor, "editors")
DECIDING_EDITOR = TransitionPermission(
    is_deciding_editor, "editors who neither wrote nor reviewed this article"
)
INDEPENDENT_BOARD_MEMBER = TransitionPermission(
    is_independent_board_member,
    "Advisory Board members who did not write, handle or review this article "
    "and have not declared a competing interest on it",
)


def transition_refusal(permission: TransitionPermission, label: str, user, article) -> str:
    """Why `user` may not fire the transition labelled `label`."""
    if permission is not AUTHORS and is_author_of(user, article):
        return f"You are an author of this article, so you cannot use “{label}” on it."
    if permission is DECIDING_EDITOR and has_reviewed(user, article):
        return (
            f"You reviewed this article, so another editor decides on it "
            f"(“{label}” weighs the reviews, yours among them)."
        )
    return f"Only {permission.who} can use “{label}” on this article."


# ---------------------------------------------------------------------------
# The names the rules answer to in has_perm().

rules.add_perm("articles.start_article", may_write_articles)
rules.add_perm("articles.edit_article", may_edit)
rules.add_perm("articles.delete_draft", may_delete_draft)
rules.add_perm("articles.handle_article", is_handling_editor)
rules.add_perm("articles.decide_article", is_deciding_editor)
rules.add_perm("articles.read_confidential_review_comments", reads_confidential_review_comments)
rules.add_perm("articles.read_article_as_board", reads_as_board)
rules.add_perm("articles.judge_article_for_board", is_independent_board_member)
rules.add_perm("articles.sign_off_article", may_sign_off)
rules.add_perm("articles.read_discussion", may_read_discussion)
rules.add_perm("articles.move_due_dates", moves_due_dates)
rules.add_perm("articles.clear_source_alert", may_clear_source_alert)
