import factory
from django.contrib.auth.models import Group

from accounts.models import User

PASSWORD = "Correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


def reference(n: int = 1) -> dict:
    return {
        "authors": f"Author{n} A, Colleague B",
        "title": f"A study of things number {n}",
        "journal": "J Test Med",
        "year": 2020,
        "pmid": str(1000 + n),
        "doi": f"10.1000/test.{n}",
        "url": "",
    }


def editor_payload(*, title, summary="", body="", references=(), seen_hash="", **extra) -> dict:
    """What the article editor form posts: the draft fields plus the
    reference formset's rows."""
    data = {
        "title": title,
        "primary_audience": "patient",
        "summary": summary,
        "body": body,
        "change_summary": "",
        "seen_hash": seen_hash,
        "refs-TOTAL_FORMS": str(len(references) + 1),
        "refs-INITIAL_FORMS": "0",
        "refs-MIN_NUM_FORMS": "0",
        "refs-MAX_NUM_FORMS": "1000",
    }
    for index, ref in enumerate(references):
        for key, value in ref.items():
            data[f"refs-{index}-{key}"] = "" if value is None else value
    data.update(extra)
    return data
