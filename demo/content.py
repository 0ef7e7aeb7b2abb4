"""Demo content for `manage.py load_demo`, written in our own words. The
references point at real publications; check them before any real use."""

from pathlib import Path

from .archive import ARCHIVE

PASSWORD = "Review-demo-2026"

PEOPLE = [
    # username, display name, credentials, specialty, roles, staff
    ("editor", "Elena Marsh", "MD", "Internal medicine", ["Editor"], True),
    ("author", "Amina Yusuf", "PharmD", "Oncology pharmacy", ["Author"], False),
    ("author2", "Tom Becker", "RN, MSc", "Diabetes nursing", ["Author"], False),
    ("reviewer", "Rahul Iyer", "MD", "Neurology", ["Reviewer"], False),
    ("reviewer2", "Sofia Costa", "MD", "Haematology", ["Reviewer"], False),
    ("reviewer3", "Mei Tanaka", "PharmD", "Clinical pharmacy", ["Reviewer"], False),
    ("board", "Grace Okafor", "MD, PhD", "Medical oncology", ["Advisory Board"], False),
    ("board2", "Erik Lindqvist", "MD", "Clinical pharmacology", ["Advisory Board"], False),
]

DISCLOSURE = "No competing interests to declare."

BORTEZOMIB = {
    "slug": "can-bortezomib-cause-peripheral-neuropathy",
    "title": "Can bortezomib cause peripheral neuropathy?",
    "author": "author",
    "audience": "patient",
    "summary": (
        "Yes. Nerve damage in the hands and feet is one of the most common side effects of "
        "bortezomib, a medicine for multiple myeloma. Giving it under the skin and once a week "
        "lowers the risk, and it often improves once the dose is reduced or stopped."
    ),
    "body": (Path(__file__).parent / "bortezomib.md").read_text(),
    "patient_summary": (
        "Yes. Bortezomib, a medicine for a blood cancer called myeloma, often causes "
        "numbness or tingling in the hands and feet. How it is given can lower the risk, "
        "and it often gets better when the dose is lowered."
    ),
    "patient_body": (Path(__file__).parent / "bortezomib_patient.md").read_text(),
    "references": [
        {
            "authors": "Moreau P, Pylypenko H, Grosicki S, et al.",
            "title": "Subcutaneous versus intravenous administration of bortezomib in patients "
            "with relapsed multiple myeloma: a randomised, phase 3, non-inferiority study",
            "journal": "Lancet Oncol",
            "year": 2011,
            "pmid": "21507715",
            "doi": "10.1016/S1470-2045(11)70081-X",
            "url": "",
            "study_type": "randomised_trial",
            "certainty": "high",
        },
        {
            "authors": "Richardson PG, Briemberg H, Jagannath S, et al.",
            "title": "Frequency, characteristics, and reversibility of peripheral neuropathy "
            "during treatment of advanced multiple myeloma with bortezomib",
            "journal": "J Clin Oncol",
            "year": 2006,
            "pmid": "16754936",
            "doi": "10.1200/JCO.2005.04.7779",
            "url": "",
            "study_type": "cohort",
            "certainty": "moderate",
        },
        {
            "authors": "Argyriou AA, Iconomou G, Kalofonos HP",
            "title": "Bortezomib-induced peripheral neuropathy in multiple myeloma: a "
            "comprehensive review of the literature",
            "journal": "Blood",
            "year": 2008,
            "pmid": "18574024",
            "doi": "10.1182/blood-2008-04-149385",
            "url": "",
            "study_type": "other",
        },
        {
            "authors": "Bringhen S, Larocca A, Rossi D, et al.",
            "title": "Efficacy and safety of once-weekly bortezomib in multiple myeloma patients",
            "journal": "Blood",
            "year": 2010,
            "pmid": "20807892",
            "doi": "10.1182/blood-2010-07-294983",
            "url": "",
            "study_type": "cohort",
            "certainty": "low",
        },
        {
            "authors": "Loprinzi CL, Lacchetti C, Bleeker J, et al.",
            "title": "Prevention and management of chemotherapy-induced peripheral neuropathy "
            "in survivors of adult cancers: ASCO guideline update",
            "journal": "J Clin Oncol",
            "year": 2020,
            "pmid": "32663120",
            "doi": "10.1200/JCO.20.01399",
            "url": "",
            "study_type": "guideline",
            "certainty": "moderate",
        },
    ],
    # Steps in order, each (day, action, username, detail), `day` counted
    # from the article's start, `started` days before the demo is loaded.
    # Actions are workflow transitions (detail: the comment), or: "invite"
    # (detail: reviewers), "accept", "decline" (detail: the reason), "review"
    # (detail: "recommendation|comments to the authors", or a dict of the
    # review's fields, e.g. with "questioned_grades"), "sign", "revise"
    # (detail: a dict of the fields that change), "notice" (detail:
    # "kind|reason"), "ask" (detail: a dict for a reader's message) and
    # "answer" (detail: the editor's answer to the oldest open message).
    "started": 204,
    "steps": [
        (1, "submit", "author", ""),
        (3, "invite", "editor", "reviewer,reviewer2"),
        (4, "accept", "reviewer", ""),
        (5, "accept", "reviewer2", ""),
        (
            12,
            "review",
            "reviewer",
            "approve|Accurate and clear. The advice on route and schedule matches the trials.",
        ),
        (
            16,
            "review",
            "reviewer2",
            "minor|Consider saying that symptoms can keep worsening for a few weeks after "
            "stopping.",
        ),
        (19, "send_to_board", "editor", "Both reviewers support publication."),
        (22, "sign", "board", ""),
        (26, "sign", "board2", ""),
        (
            71,
            "ask",
            "",
            {
                "audience": "patient",
                "question": "Does the tingling go away completely once treatment ends?",
                "email": "family@example.org",
            },
        ),
        (
            73,
            "answer",
            "editor",
            "For most people it improves over the months after the dose is lowered or "
            "stopped, though in some it does not go away completely.",
        ),
    ],
}


def _ref(authors, title, journal, year, pmid="", doi="", url="", *, study_type, certainty=""):
    return {
        "authors": authors,
        "title": title,
        "journal": journal,
        "year": year,
        "pmid": pmid,
        "doi": doi,
        "url": url,
        "study_type": study_type,
        "certainty": certainty,
    }


OTHER_ARTICLES = [
    {
        "slug": "does-metformin-lower-vitamin-b12-levels",
        "title": "Does metformin lower vitamin B12 levels?",
        "author": "author2",
        "audience": "patient",
        "summary": (
            "It can. Years of metformin use make low vitamin B12 more likely, so many "
            "clinicians check B12 from time to time, especially if numbness or anaemia appears."
        ),
        "body": (
            "## Why it happens\n\nMetformin seems to interfere with how B12 is absorbed at the "
            "end of the small intestine [1].\n\n## Who should be checked\n\n- People who have "
            "taken metformin for several years [2].\n- Anyone with tingling feet, memory "
            "changes or anaemia.\n\n## What helps\n\nB12 tablets or injections correct a low "
            "level; metformin can usually be continued [1]."
        ),
        "references": [
            _ref(
                "de Jager J, Kooy A, Lehert P, et al.",
                "Long term treatment with metformin in patients with type 2 diabetes and risk "
                "of vitamin B-12 deficiency: randomised placebo controlled trial",
                "BMJ",
                2010,
                "20488910",
                "10.1136/bmj.c2181",
                study_type="randomised_trial",
                certainty="moderate",
            ),
            _ref(
                "Aroda VR, Edelstein SL, Goldberg RB, et al.",
                "Long-term metformin use and vitamin B12 deficiency in the Diabetes "
                "Prevention Program Outcomes Study",
                "J Clin Endocrinol Metab",
                2016,
                "26900641",
                "10.1210/jc.2015-3754",
                study_type="cohort",
                certainty="moderate",
            ),
        ],
        "started": 46,
        "steps": [
            (1, "submit", "author2", ""),
            (2, "invite", "editor", "reviewer,reviewer2"),
            (3, "accept", "reviewer", ""),
            (4, "accept", "reviewer2", ""),
            (12, "review", "reviewer", "approve|A careful, balanced answer."),
            (15, "review", "reviewer2", "approve|Correct; the monitoring advice is sensible."),
            (18, "send_to_board", "editor", "Reviewers are satisfied after round 1."),
            (25, "sign", "board", ""),
        ],
    },
    {
        "slug": "can-fluoroquinolone-antibiotics-damage-tendons",
        "title": "Can fluoroquinolone antibiotics damage tendons?",
        "author": "author",
        "audience": "student",
        "summary": (
            "Yes, rarely. Fluoroquinolones such as ciprofloxacin raise the risk of tendon "
            "inflammation and rupture, most often of the Achilles tendon."
        ),
        "body": (
            "## Who is at risk\n\n- People over 60.\n- Those taking corticosteroids [1].\n"
            "- Kidney, heart or lung transplant recipients.\n\n## What to do\n\nStop the "
            "antibiotic and rest the limb at the first sign of tendon pain, and contact the "
            "prescriber [2]."
        ),
        "references": [
            _ref(
                "Stephenson AL, Wu W, Cortes D, Rochon PA",
                "Tendon injury and fluoroquinolone use: a systematic review",
                "Drug Saf",
                2013,
                "23888427",
                "10.1007/s40264-013-0089-8",
                study_type="systematic_review",
                certainty="low",
            ),
            _ref(
                "U.S. Food and Drug Administration",
                "FDA updates warnings for oral and injectable fluoroquinolone antibiotics due "
                "to disabling side effects",
                "FDA Drug Safety Communication",
                2016,
                url="https://www.fda.gov/drugs/drug-safety-and-availability",
                study_type="other",
            ),
        ],
        "started": 31,
        "steps": [
            (1, "submit", "author", ""),
            (
                2,
                "discuss",
                "author",
                {
                    "audience": "authors",
                    "subject": "Should the article name each fluoroquinolone?",
                    "text": "Students asked me for the drug names. Shall I list ciprofloxacin, "
                    "levofloxacin and moxifloxacin, or keep to the class?",
                },
            ),
            (
                3,
                "reply",
                "editor",
                "Name the three most prescribed ones once, in the first paragraph; the "
                "warnings apply to the whole class, so say that too.",
            ),
            (3, "invite", "editor", "reviewer,reviewer2"),
            (4, "accept", "reviewer", ""),
            (5, "accept", "reviewer2", ""),
            (
                6,
                "discuss",
                "editor",
                {
                    "audience": "reviewer",
                    "reviewer": "reviewer2",
                    "subject": "Transplant patients",
                    "text": "Could you check the transplant point in particular? The author "
                    "has no source for it yet.",
                },
            ),
            (7, "reply", "reviewer2", "Yes. I will look for the registry data on it."),
            (
                9,
                "more_time",
                "reviewer2",
                {
                    "days": 7,
                    "reason": "The registry paper is behind a library request; it should "
                    "arrive this week.",
                },
            ),
            (
                11,
                "review",
                "reviewer",
                "minor|Mention that symptoms can start after the course ends.",
            ),
        ],
    },
    {
        "slug": "is-it-safe-to-take-ibuprofen-with-an-ace-inhibitor",
        "title": "Is it safe to take ibuprofen with an ACE inhibitor?",
        "author": "author2",
        "audience": "professional",
        "summary": (
            "Occasional short use is usually fine for people with healthy kidneys, but "
            "regular use, especially with a diuretic as well, can injure the kidneys."
        ),
        "body": (
            "## The concern\n\nNSAIDs narrow the vessel that brings blood into the kidney's "
            "filters, while ACE inhibitors relax the vessel that carries it out. Together "
            "they can reduce filtration sharply [1].\n\n## Safer choices\n\n- Paracetamol "
            "for simple pain.\n- If an NSAID is needed, the lowest dose for the shortest time."
        ),
        "references": [
            _ref(
                "Lapi F, Azoulay L, Yin H, Nessim SJ, Suissa S",
                "Concurrent use of diuretics, angiotensin converting enzyme inhibitors, and "
                "angiotensin receptor blockers with non-steroidal anti-inflammatory drugs and "
                "risk of acute kidney injury: nested case-control study",
                "BMJ",
                2013,
                "23299844",
                "10.1136/bmj.e8525",
                study_type="cohort",
                certainty="moderate",
            ),
        ],
        "started": 72,
        "steps": [
            (1, "submit", "author2", ""),
            (4, "invite", "editor", "reviewer,reviewer2"),
            (5, "accept", "reviewer", ""),
            (5, "accept", "reviewer2", ""),
            (
                15,
                "review",
                "reviewer",
                "minor|Add practical advice on how long it is safe to take.",
            ),
            (
                19,
                "review",
                "reviewer2",
                {
                    "recommendation": "major",
                    "comments_to_author": "The diuretic combination needs its own section.",
                    "questioned_grades": [1],
                    "grade_comments": "Reference 1 is a nested case-control study. Observational "
                    "evidence alone usually starts at low certainty; moderate needs a reason, "
                    "such as a large effect, or should come down.",
                },
            ),
            (
                22,
                "request_changes",
                "editor",
                "Please add the 'triple whammy' with diuretics and say how to monitor "
                "kidney function.",
            ),
        ],
    },
    {
        "slug": "can-isoniazid-cause-numbness-in-the-hands-and-feet",
        "title": "Can isoniazid cause numbness in the hands and feet?",
        "author": "author",
        "audience": "patient",
        "summary": (
            "Yes. Isoniazid, a tuberculosis medicine, can cause nerve damage by using up "
            "vitamin B6. Taking a B6 (pyridoxine) supplement largely prevents it."
        ),
        "body": (
            "## Why it happens\n\nIsoniazid binds vitamin B6, which nerves need [1].\n\n"
            "## Who gets B6\n\n- People with diabetes, kidney disease or HIV.\n- Pregnant "
            "women and people who drink heavily.\n- Many clinics simply give it to everyone."
        ),
        "references": [
            _ref(
                "Snider DE Jr",
                "Pyridoxine supplementation during isoniazid therapy",
                "Tubercle",
                1980,
                "6269259",
                "10.1016/0041-3879(80)90038-0",
                study_type="other",
            ),
        ],
        "started": 7,
        "steps": [(2, "submit", "author", "")],
    },
    {
        "slug": "does-vitamin-d-help-prevent-falls-in-older-adults",
        "title": "Does vitamin D help prevent falls in older adults?",
        "author": "author2",
        "audience": "patient",
        "summary": "For most older people living at home, vitamin D alone does not prevent falls.",
        "body": "## What the trials show\n\nDraft in progress: summarise the trials here [1].",
        "started": 12,
        "references": [
            _ref(
                "US Preventive Services Task Force",
                "Interventions to prevent falls in community-dwelling older adults: US "
                "Preventive Services Task Force recommendation statement",
                "JAMA",
                2018,
                "29710141",
                "10.1001/jama.2018.3097",
                study_type="guideline",
                certainty="moderate",
            ),
        ],
        "steps": [],
    },
]

# The first six keep their order (their ids are used by the browser tests).
ARTICLES = [BORTEZOMIB, *OTHER_ARTICLES, *ARCHIVE]

GLOSSARY = [
    ("neuropathy", "damage to nerves that can cause numbness, tingling or pain", "neuropathies"),
    ("proteasome", "a part of every cell that breaks down old proteins", "proteasomes"),
    ("myeloma", "a cancer of plasma cells in the bone marrow", "multiple myeloma"),
    ("duloxetine", "a medicine used for depression that also eases nerve pain", ""),
    ("autonomic", "the nerves that run automatic body functions such as blood pressure", ""),
    ("vitamin B12", "a vitamin the body needs to make blood cells and keep nerves healthy", "B12"),
    ("tendon", "the tough cord that joins a muscle to a bone", "tendons"),
]
