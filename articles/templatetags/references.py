from django import template

from articles.text.citations import reference_items as _reference_items

register = template.Library()


@register.simple_tag
def reference_items(references, cited):
    return _reference_items(references, cited)
