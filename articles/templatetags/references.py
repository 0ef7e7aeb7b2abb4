"""A reference list entry as readers and editors see it.

The citation itself is written by the citation style the editorial policy
names (articles/text/csl.py). citeproc-py takes several milliseconds an
entry, so entries are kept in the cache under a name made of everything
they show (csl.entry_key): a list costs one cache round trip, and an entry
is formatted once for every page that shows it (the draft's preview, the
reviewers' and the board's pages, every reader level). The rest of an
entry is written with format_html rather than as template markup: a list
has up to 200 entries.
"""

from django import template
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..text import csl
from ..text.evidence import evidence_wording

register = template.Library()

# Entries never go stale (their key names their content), so they only need
# to outlive the pages that show them.
ENTRY_TTL = 60 * 60 * 24 * 7


@register.simple_tag
def formatted_references(references, style) -> list[tuple]:
    """(reference, its citation in `style`) for each of `references`, in order."""
    style = style if style in csl.STYLE_FILES else csl.DEFAULT_STYLE
    references = list(references)
    keys = [csl.entry_key(ref, style) for ref in references]
    found = cache.get_many(keys)
    made = {}
    for key, ref in zip(keys, references, strict=True):
        if key not in found and key not in made:
            made[key] = str(csl.formatted_reference(ref, style))
    if made:
        cache.set_many(made, ENTRY_TTL)
    entries = found | made
    # Formatted and escaped by csl.formatted_reference before caching.
    return [(ref, mark_safe(entries[key])) for key, ref in zip(keys, references, strict=True)]


@register.simple_tag
def reference_entry(ref, citation: SafeString, number: int, cited, level: str = "") -> SafeString:
    """The `<li>` of reference `number`: its `citation` (from
    formatted_references), a link back to where the text first cites it when
    it does (`cited`: the numbers cited in the body), its evidence grade
    worded for readers at `level` (reference_grade), and the retraction
    watch's marks."""
    parts = [citation]
    if number in cited:
        parts.append(
            format_html(
                ' <a class="backlink" href="#cite-{0}" '
                'aria-label="Back to where reference {0} is first cited">↩</a>',
                number,
            )
        )
    parts.append(reference_grade(ref, level))
    for alert in getattr(ref, "source_marks", ()):
        # Set by the public page from the retraction watch's open alerts
        # (reader.views._mark_cited_studies); not part of the signed entry.
        notice = (
            format_html(
                ' <a href="{}" rel="noopener">Read the notice'
                '<span class="visually-hidden"> about reference {}</span></a>',
                alert.notice_url,
                number,
            )
            if alert.notice_url
            else ""
        )
        parts.append(
            format_html(
                ' <span class="source-alert source-alert-{} d-block"><strong>{}</strong>{}</span>',
                alert.kind,
                alert.reader_sentence,
                notice,
            )
        )
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
