"""A reference's evidence grade (type of study, GRADE certainty) in words
for each reading level.

Patients get plain words for what kind of study it was and how sure it
makes us; students the design's name with a short explanation and the
certainty; professionals the design and "GRADE certainty: …". The keys
are the values of articles.models.StudyType and Certainty (this module
reads no models: the models and templates call it with plain values).
"""

# What kind of study, for each level: (patient, student gloss, professional).
_DESIGNS = {
    "systematic_review": (
        "a review that gathers and weighs all the good studies on the question",
        "Systematic review: all studies on a question found by a set method, "
        "appraised and often pooled in a meta-analysis",
        "Systematic review or meta-analysis",
    ),
    "randomised_trial": (
        "a randomised trial, in which chance decided which treatment each person got",
        "Randomised controlled trial: participants allocated to groups by chance, "
        "so the groups differ mainly in the treatment",
        "Randomised controlled trial",
    ),
    "cohort": (
        "a study that followed groups of people over time, "
        "without choosing their treatment for them",
        "Cohort or observational study: groups followed as they were treated in practice, "
        "so other differences between them may explain part of the result",
        "Cohort or other observational study",
    ),
    "case_report": (
        "a report on one patient or a handful of patients",
        "Case report or series: what happened to one or a few patients, "
        "useful for spotting rare harms but not for how often they happen",
        "Case report or case series",
    ),
    "guideline": (
        "advice written by a panel of experts after weighing the studies",
        "Clinical guideline: recommendations an expert panel drew from the evidence",
        "Clinical guideline",
    ),
    "other": (
        "another kind of source, such as a textbook, an overview or a medicine's label",
        "Other source (narrative review, textbook, product label)",
        "Other source (review, textbook, label)",
    ),
}

# How sure the evidence makes us of the claim, for patients.
_PATIENT_CERTAINTY = {
    "high": "We can be very sure of what it supports here.",
    "moderate": "What it supports here is probably right.",
    "low": "What it supports here may well change as better studies come out.",
    "very_low": "What it supports here is very uncertain.",
}

_CERTAINTY_NAMES = {"high": "high", "moderate": "moderate", "low": "low", "very_low": "very low"}

LEVELS = ("patient", "student", "professional")


def evidence_wording(study_type: str, certainty: str, level: str) -> str:
    """The grade in words for readers at `level` ("patient", "student" or
    "professional"; anything else is read as professional). "" when the
    reference has no type of study; a certainty without one is still said."""
    design = _DESIGNS.get(study_type)
    named_certainty = _CERTAINTY_NAMES.get(certainty, "")
    if level == "patient":
        parts = []
        if design:
            parts.append(f"{design[0][0].upper()}{design[0][1:]}.")
        if certainty in _PATIENT_CERTAINTY:
            parts.append(_PATIENT_CERTAINTY[certainty])
        return " ".join(parts)
    if level == "student":
        parts = [f"{design[1]}."] if design else []
        if named_certainty:
            parts.append(f"Certainty of the evidence (GRADE): {named_certainty}.")
        return " ".join(parts)
    parts = [design[2]] if design else []
    if named_certainty:
        parts.append(f"GRADE certainty: {named_certainty}")
    return " · ".join(parts)


def grade_line(study_type: str, certainty: str) -> str:
    """The grade as one short line for comparisons and the desk: the
    professional wording, or "" when no grade is given."""
    return evidence_wording(study_type, certainty, "professional")
