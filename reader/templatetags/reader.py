from django import template

from articles.states import PUBLIC_STAGE_OF_STATE

register = template.Library()


@register.filter
def public_stage_label(state: str) -> str:
    """What readers are told of an article's progress, from its state
    ("Under Review" for an article with changes requested, say)."""
    stage = PUBLIC_STAGE_OF_STATE.get(state)
    return stage.label if stage else ""
