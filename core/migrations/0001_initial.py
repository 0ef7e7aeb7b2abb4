"""PendingEmail moves here from the reviews app: its table, created by
reviews 0004, stays as it is; only the migration state changes hands
(reviews 0009 lets go of it)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The table this model keeps using is created there.
        ("reviews", "0004_pending_email"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PendingEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("to", models.JSONField()),
                        ("subject", models.CharField(max_length=300)),
                        ("body", models.TextField()),
                        ("html", models.TextField(blank=True)),
                        ("failed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("attempts", models.PositiveSmallIntegerField(default=1)),
                        ("last_error", models.CharField(blank=True, max_length=300)),
                    ],
                    options={
                        "db_table": "reviews_pendingemail",
                        "ordering": ["failed_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
