"""A realistic archive for the benchmark: published articles of about 1 500
words with 5-30 references and two board signatures each, written in bulk."""

import random

from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from accounts.models import User
from articles.models import Article, Reference, Revision
from reviews.models import BoardSignoff

WORDS = (  # noqa: SIM905 - a sentence reads better than a list of words
    "the dose of this medicine can cause nerve damage neuropathy in feet and hands "
    "patients with diabetes have a higher risk weekly schedules lower the risk "
    "injection under the skin reduces peak levels most people improve after the "
    "dose is reduced report new numbness early your care team may pause treatment "
    "evidence from trials shows a clear effect on symptoms and daily life"
).split()
BATCH = 500
# Topics vary like a real archive's, so a search for a drug and a symptom
# matches a handful of articles, not all of them.
DRUGS = [
    "amiodarone",
    "bortezomib",
    "cisplatin",
    "vincristine",
    "metformin",
    "isoniazid",
    "linezolid",
    "ciprofloxacin",
    "lithium",
    "phenytoin",
    "valproate",
    "tacrolimus",
    "ciclosporin",
    "methotrexate",
    "colchicine",
    "oxaliplatin",
    "paclitaxel",
    "thalidomide",
    "lenalidomide",
    "carbamazepine",
    "levetiracetam",
    "gabapentin",
    "pregabalin",
    "ibuprofen",
    "naproxen",
    "warfarin",
    "apixaban",
    "digoxin",
    "furosemide",
    "spironolactone",
    "lisinopril",
    "amlodipine",
    "bisoprolol",
    "atorvastatin",
    "simvastatin",
    "prednisolone",
    "hydroxychloroquine",
    "azathioprine",
    "mycophenolate",
    "allopurinol",
]
SYMPTOMS = [
    "neuropathy",
    "tremor",
    "dizziness",
    "headache",
    "rash",
    "nausea",
    "fatigue",
    "insomnia",
    "cramps",
    "palpitations",
    "confusion",
    "tinnitus",
    "weakness",
    "swelling",
    "cough",
    "constipation",
    "diarrhoea",
    "bruising",
    "jaundice",
    "anaemia",
    "hypoglycaemia",
    "gout",
    "myalgia",
    "alopecia",
    "hiccups",
]


def _sentence(rnd, citations, topic=()):
    words = rnd.choices(WORDS, k=rnd.randint(12, 22)) + list(topic)
    rnd.shuffle(words)
    return " ".join(words).capitalize() + f" [{rnd.randint(1, citations)}]."


def _body(rnd, citations, topic):
    sections = []
    for heading in ("How it happens", "Who is at risk", "Prevention", "Management", "Pearls"):
        paragraphs = [
            " ".join(_sentence(rnd, citations, topic) for _ in range(6)) for _ in range(3)
        ]
        bullets = "\n".join(f"- {_sentence(rnd, citations)}" for _ in range(3))
        sections.append(f"## {heading}\n\n" + "\n\n".join(paragraphs) + "\n\n" + bullets)
    return "\n\n".join(sections)


def _people():
    author, _ = User.objects.get_or_create(
        username="bench-author", defaults={"display_name": "Bench Author"}
    )
    board = [
        User.objects.get_or_create(
            username=f"bench-board{n}",
            defaults={"display_name": f"Board Member {n}", "credentials": "MD"},
        )[0]
        for n in (1, 2)
    ]
    return author, board


def fill(total: int) -> str:
    existing = Article.objects.count()
    author, board = _people()
    rnd = random.Random(existing)
    now = timezone.now()
    for start in range(existing, total, BATCH):
        numbers = range(start, min(start + BATCH, total))
        with transaction.atomic():
            topics = [
                (DRUGS[n % len(DRUGS)], SYMPTOMS[n // len(DRUGS) % len(SYMPTOMS)]) for n in numbers
            ]
            articles = Article.objects.bulk_create(
                Article(
                    title=f"Can {drug} cause {symptom}? ({n})",
                    slug=f"bench-{n}",
                    state="approved",
                    primary_audience="professional",
                    submitted_at=now,
                    under_review_at=now,
                    approved_at=now,
                    first_approved_at=now,
                    next_review_due=(now + timezone.timedelta(days=365)).date(),
                )
                for n, (drug, symptom) in zip(numbers, topics, strict=True)
            )
            Article.authors.through.objects.bulk_create(
                Article.authors.through(article_id=a.pk, user_id=author.pk) for a in articles
            )
            counts = [rnd.randint(5, 30) for _ in articles]
            revisions = Revision.objects.bulk_create(
                Revision(
                    article=a,
                    number=1,
                    title=a.title,
                    summary=_sentence(rnd, count, topic) + " " + _sentence(rnd, count),
                    body=_body(rnd, count, topic),
                    author=author,
                    primary_audience="professional",
                )
                for a, count, topic in zip(articles, counts, topics, strict=True)
            )
            Reference.objects.bulk_create(
                (
                    Reference(
                        revision=revision,
                        position=position,
                        authors="Author A, Colleague B",
                        title=f"A study of nerve damage {position}",
                        journal="J Clin Oncol",
                        year=2000 + position % 25,
                        pmid=str(10_000_000 + position),
                        doi=f"10.1000/bench.{position}",
                    )
                    for revision, count in zip(revisions, counts, strict=True)
                    for position in range(1, count + 1)
                ),
                batch_size=5_000,
            )
            prefetch_related_objects(revisions, "references")
            for revision in revisions:
                revision.content_hash = revision.compute_content_hash()
            Revision.objects.bulk_update(revisions, ["content_hash"])
            for revision in revisions:
                revision.submitted_at = revision.review_started_at = revision.approved_at = now
            Revision.objects.bulk_update(
                revisions, ["submitted_at", "review_started_at", "approved_at"]
            )
            BoardSignoff.objects.bulk_create(
                BoardSignoff(
                    revision=r,
                    signer=member,
                    signer_name=str(member),
                    signer_credentials=member.credentials,
                    content_hash=r.content_hash,
                )
                for r in revisions
                for member in board
            )
            for article, revision in zip(articles, revisions, strict=True):
                article.current_revision = article.published_revision = revision
            Article.objects.bulk_update(articles, ["current_revision", "published_revision"])
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reader_searchdocument (article_id, text, rank_vector, vector)
            SELECT a.id,
                   r.title || E'\\n' || r.summary || E'\\n' || r.body,
                   setweight(to_tsvector('english', r.title), 'A')
                       || setweight(to_tsvector('english', r.summary), 'B'),
                   setweight(to_tsvector('english', r.title), 'A')
                       || setweight(to_tsvector('english', r.summary), 'B')
                       || setweight(to_tsvector('english', r.body), 'C')
            FROM articles_article AS a
            JOIN articles_revision AS r ON r.id = a.published_revision_id
            ON CONFLICT (article_id) DO NOTHING
            """
        )
        cursor.execute("ANALYZE")
    return f"bench-{total // 2}"
