"""Django-template pages drawn in the one site layout, which is a Jinja2
template (see config/jinja2.py), and Jinja2 partials shared with them."""

from django import template
from django.template import engines
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe

register = template.Library()


class SiteLayoutNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        # Each block renders through Django's inheritance, so a page's
        # {% block content %} (and {{ block.super }}) work as usual.
        blocks = {
            node.name: mark_safe(node.render(context))
            for node in self.nodelist
            if isinstance(node, BlockNode)
        }
        layout = engines["jinja2"].get_template("base.html")
        return layout.render(blocks, request=getattr(context, "request", None))


@register.tag
def site_layout(parser, token):
    """`{% site_layout %}{% block title %}…{% end_site_layout %}`: the blocks
    named title, head and content, placed in the site layout."""
    nodelist = parser.parse(("end_site_layout",))
    parser.delete_first_token()
    return SiteLayoutNode(nodelist)


@register.simple_tag(takes_context=True)
def jinja_include(context, name: str, **values):
    """A Jinja2 partial in a Django-template page, so a part both kinds of
    page show (the review tracker, the reference list) is written once."""
    partial = engines["jinja2"].get_template(name)
    return mark_safe(partial.render(values, request=getattr(context, "request", None)))
