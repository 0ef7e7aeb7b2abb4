"""Create the four roles as groups with their permissions."""

from django.db import migrations

from accounts.roles import ROLE_PERMISSIONS, ensure_roles


def create_roles(apps, schema_editor):
    for label in ("auth", "accounts", "articles", "reviews"):
        # Historical app configs have no models module; create_permissions skips those.
        apps.get_app_config(label).models_module = True
    ensure_roles(apps, using=schema_editor.connection.alias)


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
