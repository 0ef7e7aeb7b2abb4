"""The workflow's states, apart from the models so that the rules
(articles/rules.py), which the models' transitions use, can name them too."""

from django.db import models


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under Review"  # the public stage's spelling
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    BOARD_REVIEW = "board_review", "Board review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # Published, then withdrawn by the editors with a public notice: the page
    # keeps its address and shows why, nothing is deleted.
    RETRACTED = "retracted", "Retracted"


class PublicStage(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under Review"
    APPROVED = "approved", "Approved"


PUBLIC_STAGE_OF_STATE = {
    ArticleState.SUBMITTED: PublicStage.SUBMITTED,
    ArticleState.UNDER_REVIEW: PublicStage.UNDER_REVIEW,
    ArticleState.CHANGES_REQUESTED: PublicStage.UNDER_REVIEW,
    ArticleState.BOARD_REVIEW: PublicStage.UNDER_REVIEW,
    ArticleState.APPROVED: PublicStage.APPROVED,
}

EDITABLE_STATES = (ArticleState.DRAFT, ArticleState.CHANGES_REQUESTED, ArticleState.APPROVED)

# reviews.ReviewAssignment.Status.SUBMITTED, read here through related names
# (reviews builds on articles, not the other way round).
REVIEW_SUBMITTED = "submitted"
# The invitations that keep a reviewer in their thread with the editors:
# every one they did not decline and were not replaced on
# (reviews.ReviewAssignment.Status values, read the same way).
ACTIVE_INVITATION_STATUSES = ("invited", "accepted", REVIEW_SUBMITTED, "cancelled")


class DiscussionAudience(models.TextChoices):
    """Who is in a discussion besides the editors handling the article:
    chosen when it starts, shown on it, never changed."""

    AUTHORS = "authors", "Editors and authors"
    REVIEWER = "reviewer", "Editors and one reviewer"
    BOARD = "board", "Editors and the Advisory Board"
    EDITORS = "editors", "Editors only"


REVIEW_ACCEPTED = "accepted"
