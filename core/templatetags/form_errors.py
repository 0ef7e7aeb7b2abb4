"""The error summary every page shows when a form on it was sent with mistakes.

base.html asks `{% form_problems as form_problems %}` once, before the page
title: the tag looks through the template context for bound forms and
formsets that failed validation, so no view has to pass anything for its
form to get the summary (links to each field, focus on load, "Error:" in the
title). Forms kept in a list or dict in the context (a page with several
action forms) are found too.
"""

from django import template

from core.form_problems import FormProblem, problems_in

register = template.Library()


@register.simple_tag(takes_context=True)
def form_problems(context) -> list[FormProblem]:
    """Every problem of every failed form on the page, in the order shown."""
    return problems_in(context.flatten())
