from django import template

from articles.states import PUBLIC_STAGE_OF_STATE
from reader import snippets

register = template.Library()


@register.filter
def public_stage_label(state: str) -> str:
    """What readers are told of an article's progress, from its state
    ("Under Review" for an article with changes requested, say)."""
    stage = PUBLIC_STAGE_OF_STATE.get(state)
    return stage.label if stage else ""


@register.filter
def snippet(markdown_text: str) -> str:
    """A list entry's extract of a summary: plain words, cut at a sentence
    or a word (reader/snippets.py)."""
    return snippets.shorten(snippets.clean(markdown_text))
