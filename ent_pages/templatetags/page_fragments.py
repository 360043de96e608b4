"""``{% shared_fragment name [vary_on ...] %}…{% endshared_fragment %}``: HTML shared by a page's audience.

Like Django's ``{% cache %}``, keyed by what ent_pages.page_cache keys a page's remembered content
by (the page, the viewer's audience from the access policy, the access version, the content
versions of its school and section), plus the language and the ``vary_on`` values: put in
``vary_on`` every value inside the fragment that the policy works out per viewer. File links in the
fragment are signed for each viewer's browser when it is sent (ent_pages.media.links).

Rendered for the viewer alone, never remembered: previews, requests with a query string (a filtered
or later page of a listing), viewers without an audience.
"""

from django import template

from ..page_cache import page_content

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        request, page = context.get("request"), context.get("page")
        if request is None or page is None or getattr(page, "pk", None) is None:
            return self.nodelist.render(context)
        shared = not request.GET and not getattr(request, "is_preview", False)
        return page_content(page, request).fragment(
            self.name.resolve(context),
            [value.resolve(context) for value in self.vary_on],
            lambda: self.nodelist.render(context),
            shared=shared,
        )


@register.tag
def shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]])
