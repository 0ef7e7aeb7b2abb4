"""schema.org MedicalWebPage JSON-LD for the public article page."""

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Characters that could end the <script> element or start markup inside it.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

AUDIENCE_TYPES = {"patient": "Patient", "student": "Student", "professional": "Clinician"}


def _signer(signoff) -> dict:
    # Name and credentials as they were when the member signed.
    person = {"@type": "Person", "name": signoff.signer_name}
    if signoff.signer_credentials:
        person["honorificSuffix"] = signoff.signer_credentials
    if signoff.signer.specialty:
        person["jobTitle"] = signoff.signer.specialty
    return person


def _citation(ref) -> dict:
    work = {"@type": "ScholarlyArticle", "name": ref.title}
    if ref.authors:
        work["author"] = ref.authors_text
    if ref.journal:
        work["isPartOf"] = {"@type": "Periodical", "name": ref.journal}
    if ref.year:
        work["datePublished"] = str(ref.year)
    links = [url for url in (ref.doi_url, ref.pubmed_url, ref.http_url) if url]
    if links:
        work["url"] = links[0]
        work["sameAs"] = links[1:] or links[0]
    return work


def medical_web_page(
    *, article, revision, url, audience, signoffs, references, first_published, retracted=False
):
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": revision.title,
        "url": url,
        "inLanguage": "en",
        "medicalAudience": {
            "@type": "MedicalAudience",
            "audienceType": AUDIENCE_TYPES.get(audience, "Clinician"),
        },
        "dateModified": revision.submitted_at.isoformat() if revision.submitted_at else None,
        "citation": [_citation(ref) for ref in references],
    }
    if first_published:
        data["datePublished"] = first_published.isoformat()
    if retracted:
        # No review claim for withdrawn text; the status says why it is kept.
        data["creativeWorkStatus"] = "Retracted"
    # Only text whose approval verified (signatures that still match it).
    elif signoffs and revision.pk == article.published_revision_id and article.approved_at:
        data["lastReviewed"] = article.approved_at.date().isoformat()
        data["reviewedBy"] = [_signer(signoff) for signoff in signoffs]
    return {key: value for key, value in data.items() if value is not None}


def as_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
