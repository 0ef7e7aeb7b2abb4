"""A reference list entry as readers and editors see it.

Written with format_html rather than as template markup: a list has up to
200 entries, and in the template language each entry's dozen optional
parts cost more than the rest of the article page around them.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from ..text.evidence import evidence_wording

register = template.Library()


def _link(url: str, label: str, unsafe_text: str) -> SafeString:
    """` label`, linked to `url`; or ` unsafe_text`, not linked, when the
    address is not safe to follow (the reference's url/pmid/doi says which)."""
    if url:
        return format_html(' <a href="{}" rel="noopener">{}</a>', url, label)
    return format_html(" {}", unsafe_text)


@register.simple_tag
def reference_entry(ref, number: int, cited, level: str = "") -> SafeString:
    """The `<li>` of reference `number`, with a link back to where the text
    first cites it when it does (`cited`: the numbers cited in the body),
    and its evidence grade worded for readers at `level` (reference_grade)."""
    parts = []
    if ref.authors:
        parts.append(format_html("{}. ", ref.authors_text))
    parts.append(format_html("<cite>{}</cite>.", ref.title))
    if ref.journal and ref.year:
        parts.append(format_html(" {}, {}.", ref.journal, ref.year))
    elif ref.journal or ref.year:
        parts.append(format_html(" {}.", ref.journal or ref.year))
    if ref.pmid:
        parts.append(_link(ref.pubmed_url, f"PMID {ref.pmid}", f"PMID {ref.pmid}"))
    if ref.doi:
        parts.append(_link(ref.doi_url, f"doi:{ref.doi}", f"doi:{ref.doi}"))
    if ref.url:
        parts.append(_link(ref.http_url, Truncator(ref.http_url).chars(60), ref.url))
    if number in cited:
        parts.append(
            format_html(
                ' <a class="backlink" href="#cite-{0}" '
                'aria-label="Back to where reference {0} is first cited">↩</a>',
                number,
            )
        )
    parts.append(reference_grade(ref, level))
    return format_html('<li id="ref-{}">{}</li>', number, mark_safe("".join(parts)))


@register.simple_tag
def reference_grade(ref, level: str = "") -> SafeString:
    """The reference's evidence grade on a line of its own. For readers
    (`level` a reading level) in their words, nothing when no grade was
    given; for the desk (no level: authors, reviewers, editors, the board)
    the design and GRADE certainty, or that the type of study is missing."""
    if level:
        words = evidence_wording(ref.study_type, ref.certainty, level)
        if not words:
            return mark_safe("")
        return format_html(
            '<span class="evidence-grade d-block small text-body-secondary">Evidence: {}</span>',
            words,
        )
    words = evidence_wording(ref.study_type, ref.certainty, "professional")
    if not ref.study_type:
        words = "; ".join(w for w in ("Type of study not given", words) if w)
    return format_html(
        '<span class="evidence-grade d-block small text-body-secondary">Evidence grade: {}</span>',
        words,
    )
