"""The yes/no "readers may see work in review" becomes a choice of from
when readers may see an article before approval.

Existing sites keep what they chose as far as the new choice allows:
"yes" showed work from bare submission, which is what issue 21 found
dishonest (a stranger's text under the site's name seconds after it was
sent), so it becomes "from when an editor starts review", the new default;
"no" becomes "only once approved". Policy versions already recorded keep
their old key: they are records of what the policy said (the public
policy pages read both keys)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    EditorialPolicy = apps.get_model("articles", "EditorialPolicy")
    EditorialPolicy.objects.filter(public_in_review=True).update(public_from="review")
    EditorialPolicy.objects.filter(public_in_review=False).update(public_from="approval")


def backwards(apps, schema_editor):
    EditorialPolicy = apps.get_model("articles", "EditorialPolicy")
    EditorialPolicy.objects.update(public_in_review=True)
    EditorialPolicy.objects.filter(public_from="approval").update(public_in_review=False)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_search_columns_moved_to_reader"),
    ]

    operations = [
        migrations.AddField(
            model_name="editorialpolicy",
            name="public_from",
            field=models.CharField(
                choices=[
                    ("approval", "Only once approved"),
                    ("review", "From when an editor starts review"),
                    ("submission", "From submission, before anyone has reviewed it"),
                ],
                default="review",
                help_text="Before approval, pages carry a banner saying what has happened so "
                "far, are kept out of search engines and are listed apart from approved articles.",
                max_length=20,
                verbose_name="readers may see an article",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="editorialpolicy", name="public_in_review"),
    ]
