"""The Django admin covers every model, and the workflow stays in charge of state."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "Root-pass-12345")


def test_every_project_model_has_an_admin(db):
    from django.apps import apps

    for label in ("core", "accounts", "articles", "reviews"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__ == "Reference":
                continue  # edited inline on its revision
            assert model in admin.site._registry, model


def test_admin_lists_open_for_a_superuser(client, superuser, draft, advance):
    advance(draft, "submit")
    client.force_login(superuser)
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_article_state_is_read_only_in_admin(client, superuser, draft):
    client.force_login(superuser)
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="state"' not in text
    assert "Open the workspace to move this article on" in text


def test_submitted_revision_is_read_only_in_admin(client, superuser, draft, advance):
    advance(draft, "submit")
    client.force_login(superuser)
    url = reverse("admin:articles_revision_change", args=[draft.current_revision_id])
    assert 'name="body"' not in client.get(url).content.decode()
    response = client.post(url, {"body": "changed in admin"})
    assert response.status_code == 403
    draft.current_revision.refresh_from_db()
    assert draft.current_revision.body != "changed in admin"
