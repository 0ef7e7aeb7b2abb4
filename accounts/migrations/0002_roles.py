"""Create the four roles as groups with their permissions.

The mapping is frozen here as it stood for this migration's models; later
permissions are added by the post_migrate hook (accounts/roles.py)."""

from django.db import migrations

from accounts.roles import ensure_roles

ROLE_PERMISSIONS = {
    "Author": ["accounts.write_articles"],
    "Editor": [
        "accounts.handle_articles",
        "accounts.view_user",
        "accounts.change_user",
        "auth.view_group",
        "articles.view_article",
        "articles.change_article",
        "articles.view_revision",
        "articles.view_reference",
        "articles.view_auditentry",
        "articles.view_editorialpolicy",
        "articles.change_editorialpolicy",
        "reviews.view_boardsignoff",
    ],
    "Reviewer": ["accounts.review_articles"],
    "Advisory Board": ["accounts.sign_off_articles"],
}


def create_roles(apps, schema_editor):
    for label in ("auth", "accounts", "articles", "reviews"):
        # Historical app configs have no models module; create_permissions skips those.
        apps.get_app_config(label).models_module = True
    ensure_roles(apps, using=schema_editor.connection.alias, role_permissions=ROLE_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("articles", "0001_initial"),
        ("reviews", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
