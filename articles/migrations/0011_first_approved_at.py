from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def backfill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    first = (
        Revision.objects.filter(article=OuterRef("pk"), approved_at__isnull=False)
        .order_by()
        .values("article")
        .annotate(first=Min("approved_at"))
        .values("first")
    )
    Article.objects.update(first_approved_at=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_newest_approved_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="first_approved_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
