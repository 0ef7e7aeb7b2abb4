"""Records that are evidence (core.models.AppendOnlyModel) are written once:
no save over a stored row, no delete, no bulk update or delete, for each of
them alike."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied

from accounts.models import ProfileChange, Role, RoleChange
from accounts.services import role_grant
from articles.models import (
    ArticleNotice,
    AuditEntry,
    Discussion,
    DiscussionMessage,
    PolicyVersion,
)
from core.models import AppendOnlyModel
from reviews.models import BoardRecusal, BoardSignoff, SignoffWithdrawal


def _signoff(draft, board_member):
    return BoardSignoff.objects.create(
        revision=draft.current_revision,
        signer=board_member,
        signer_name=str(board_member),
        content_hash=draft.current_revision.content_hash or "0" * 64,
    )


# For each record: how one comes to exist (from the people and article of the
# test), and a field someone might want to rewrite.
RECORDS = {
    RoleChange: (
        lambda r: role_grant(editor=r["editor"], person=r["stranger"], role=Role.REVIEWER),
        "reason",
    ),
    ProfileChange: (
        lambda r: ProfileChange.objects.create(
            person=r["stranger"], field="specialty", new_value="Cardiology", changed_by=r["editor"]
        ),
        "new_value",
    ),
    PolicyVersion: (lambda r: PolicyVersion.objects.get(), "note"),
    AuditEntry: (lambda r: AuditEntry.note(r["draft"], r["author"], "noted", "Noted."), "comment"),
    BoardRecusal: (
        lambda r: BoardRecusal.objects.create(
            article=r["draft"], member=r["board_member"], reason="I advise its maker."
        ),
        "reason",
    ),
    BoardSignoff: (lambda r: _signoff(r["draft"], r["board_member"]), "signer_name"),
    ArticleNotice: (
        lambda r: ArticleNotice.objects.create(
            article=r["draft"],
            revision=r["draft"].current_revision,
            kind="correction",
            reason="The dose was wrong.",
            issued_by=r["editor"],
        ),
        "reason",
    ),
    DiscussionMessage: (
        lambda r: DiscussionMessage.objects.create(
            discussion=Discussion.objects.create(
                article=r["draft"], audience="editors", subject="Ours", started_by=r["editor"]
            ),
            author=r["editor"],
            text="First thoughts.",
        ),
        "text",
    ),
    SignoffWithdrawal: (
        lambda r: SignoffWithdrawal.objects.create(
            signoff=_signoff(r["draft"], r["board_member"]),
            reason=SignoffWithdrawal.Reason.RETURNED,
            comment="Back to the editor.",
            audit_entry=AuditEntry.note(r["draft"], r["board_member"], "returned", "Back."),
        ),
        "comment",
    ),
}


def test_every_record_of_evidence_is_append_only():
    append_only = {model for model in apps.get_models() if issubclass(model, AppendOnlyModel)}
    assert append_only == set(RECORDS)


@pytest.mark.parametrize("model", RECORDS, ids=lambda model: model.__name__)
def test_a_record_cannot_be_changed_or_deleted(
    model, policy, draft, author, editor, board_member, stranger
):
    create, field = RECORDS[model]
    record = create(
        {
            "draft": draft,
            "author": author,
            "editor": editor,
            "board_member": board_member,
            "stranger": stranger,
        }
    )
    original = getattr(record, field)
    plural = model._meta.verbose_name_plural.capitalize()

    setattr(record, field, "Rewritten.")
    with pytest.raises(PermissionDenied, match=f"{plural} are a record and cannot be changed"):
        record.save()
    with pytest.raises(PermissionDenied, match=f"{plural} are a record and cannot be deleted"):
        record.delete()
    with pytest.raises(PermissionDenied, match="cannot be changed"):
        model.objects.filter(pk=record.pk).update(**{field: "Rewritten."})
    with pytest.raises(PermissionDenied, match="cannot be deleted"):
        model.objects.all().delete()

    record.refresh_from_db()
    assert getattr(record, field) == original
