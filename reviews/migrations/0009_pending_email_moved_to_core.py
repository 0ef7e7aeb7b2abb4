"""PendingEmail now belongs to the core app (core 0001), on the same table:
drop it from this app's state only. Its content type, with its permissions
and admin history, follows it on a database that already has one."""

from django.db import migrations


def _move_content_type(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=target, model="pendingemail").exists():
        ContentType.objects.using(db).filter(app_label=source, model="pendingemail").update(
            app_label=target
        )


def to_core(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="reviews", target="core")


def back_to_reviews(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="core", target="reviews")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("reviews", "0008_single_line_fields_refuse_line_breaks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PendingEmail")],
            database_operations=[],
        ),
        migrations.RunPython(to_core, back_to_reviews),
    ]
