"""The outbox moves onto the task runner: every email is written here first
(not only the refused ones), with a retry time and a sending lease; and
periodic jobs get their one-row-per-slot table."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("pendingemail", "failed_at", "queued_at"),
        migrations.AlterModelOptions(name="pendingemail", options={"ordering": ["queued_at"]}),
        migrations.AlterField(
            model_name="pendingemail",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="pendingemail",
            name="next_attempt_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="pendingemail",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="PeriodicRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("job", models.CharField(max_length=200)),
                ("slot", models.DateTimeField()),
                ("enqueued_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["-slot"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("job", "slot"), name="one_run_per_job_and_slot"
                    )
                ],
            },
        ),
    ]
