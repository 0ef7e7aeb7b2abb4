"""The audit trail is append-only, in the app and in the admin."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from articles.models import AuditEntry


@pytest.fixture
def entry(draft, advance):
    advance(draft, "submit")
    return AuditEntry.objects.get()


def test_audit_entry_records_who_when_what_and_which_revision(entry, author, draft):
    assert entry.actor == author
    assert (entry.from_state, entry.to_state) == ("draft", "submitted")
    assert entry.revision == draft.current_revision
    assert entry.created_at is not None


def test_audit_entries_cannot_be_edited_or_deleted(entry):
    entry.comment = "rewritten history"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.comment == "Noted."


def test_admin_shows_audit_entries_read_only(client, entry):
    admin = User.objects.create_superuser("root", "root@example.org", "Root-pass-12345")
    client.force_login(admin)
    change_url = reverse("admin:articles_auditentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="comment"' not in page.content.decode()  # shown, not editable
    response = client.post(change_url, {"comment": "edited in admin"})
    assert response.status_code == 403
    delete = client.post(
        reverse("admin:articles_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert client.get(reverse("admin:articles_auditentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.comment == "Noted."


def test_workspace_history_lists_every_transition(client, author, draft, advance):
    advance(draft, "submit", "start_review", "request_changes")
    client.force_login(author)
    text = client.get(reverse("articles:workspace", args=[draft.pk])).content.decode()
    history = text.split('id="history-heading"')[1]
    for label in ("Submit for review", "Invite reviewers", "Request changes"):
        assert label in history
    assert "Eve Editor" in history
