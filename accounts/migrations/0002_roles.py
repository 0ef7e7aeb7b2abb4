"""Create the four roles as groups with their permissions.

Permissions normally appear only after migrate finishes (post_migrate), so
they are created here first for the apps whose permissions the roles use."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    for label in ("auth", "contenttypes", "accounts", "articles", "reviews"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


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
