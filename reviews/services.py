from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, ArticleChanged, ArticleState, AuditEntry, TransitionRefused

from .models import BoardSignoff


def board_signoff_record(
    *, article: Article, member, password: str, seen_revision_id: int | None = None
) -> Article:
    """Record `member`'s electronic signature on the article's revision in board
    review, and approve the article in the same transaction when this signature
    reaches the policy's quorum.

    Only an Advisory Board member who is not an author may sign, once per
    revision, after re-entering their password. Returns the fresh article.
    """
    if not member.check_password(password):
        raise ValidationError(
            {"password": "That password is not correct, so your signature was not recorded."}
        )
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
        if not locked.can_sign_off(member):
            if revision.signoffs.filter(signer=member).exists():
                raise TransitionRefused([f"You have already signed revision {revision.number}."])
            raise PermissionDenied(
                "Only Advisory Board members who did not write this article can sign it off."
            )
        try:
            with transaction.atomic():
                BoardSignoff.objects.create(
                    revision=revision, signer=member, content_hash=revision.content_hash
                )
        except IntegrityError as exc:
            # A double-click or a second tab got there first.
            raise TransitionRefused(
                [f"You have already signed revision {revision.number}."]
            ) from exc
        AuditEntry.objects.create(
            article=locked,
            revision=revision,
            actor=member,
            action="sign_off",
            from_state=locked.state,
            to_state=locked.state,
            comment=f"Signed: {BoardSignoff._meta.get_field('meaning').default}",
        )
        if not locked.unmet_conditions("approve"):
            locked = locked.fire(
                "approve",
                by=member,
                comment="Approved automatically: the board quorum was reached.",
            )
    return locked
