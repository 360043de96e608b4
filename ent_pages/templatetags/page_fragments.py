"""``{% shared_fragment name [vary_on ...] %}…{% endshared_fragment %}``: HTML shared by a page's audience.

Like Django's ``{% cache %}``, keyed by what ent_pages.page_cache keys a page's remembered content
by (the page, the viewer's audience from the access policy, the access version, the content
versions of its school and section), plus the language and the ``vary_on`` values: put in
``vary_on`` every value inside the fragment that the policy works out per viewer. File links in the
fragment are signed for each viewer's browser when it is sent (ent_pages.media.links).

Rendered for the viewer alone, never remembered: previews, requests with a query string (a filtered
or later page of a listing), viewers without an audience.
"""

import hashlib
import secrets

from django import template

from ..page_cache import _CSRF_FIELD, _variant, chrome_fragment, chrome_marker, page_content

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


class PerViewerNode(template.Node):
    """``{% per_viewer %}…{% endper_viewer %}`` inside ``{% site_chrome %}``: rendered for each request."""

    index = None

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        marker = context.get(_MARKER)
        if marker is not None:
            if self.index is not None:
                return f"{marker}{self.index}{marker}"
            context[_UNOWNED].append(self)  # in a template the piece includes: this piece is not remembered
        return self.nodelist.render(context)


#: This process's code: templates the chrome includes (icons...), translations and URLs change only with
#: a new process (a deploy restarts gunicorn), so pieces an earlier code rendered are never read again.
_PROCESS_CODE = secrets.token_hex(4)

_MARKER = "_preau_chrome_marker"
_UNOWNED = "_preau_chrome_unowned"


class SiteChromeNode(template.Node):
    """``{% site_chrome name [vary_on ...] %}…{% endsite_chrome %}``: a piece of the site chrome (head
    links, header, footer), remembered as HTML per language and signed-in state under the chrome
    version (ent_pages.page_cache.chrome_fragment); the ``{% per_viewer %}`` parts inside it are
    rendered for each request. Put in ``vary_on`` every other per-viewer value the piece shows."""

    def __init__(self, nodelist, name, vary_on, source_digest):
        self.nodelist, self.name, self.vary_on, self.source_digest = nodelist, name, vary_on, source_digest
        self.holes = list(nodelist.get_nodes_by_type(PerViewerNode))
        for index, hole in enumerate(self.holes):
            hole.index = index

    def render(self, context):
        from django.contrib.staticfiles.storage import staticfiles_storage

        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        piece = ":".join((
            str(self.name.resolve(context)),
            self.source_digest,
            getattr(staticfiles_storage, "manifest_hash", ""),  # a deploy with new static files
            _PROCESS_CODE,
            _variant(value.resolve(context) for value in self.vary_on),
        ))

        def render_parts():
            marker, unowned = chrome_marker(), []
            with context.push({_MARKER: marker, _UNOWNED: unowned}):
                html = str(self.nodelist.render(context))
            if unowned or _CSRF_FIELD in html:
                # A per-viewer part this piece cannot fill at each request (in an included template), or a
                # token outside {% per_viewer %}: this viewer's alone, never remembered.
                return None
            return tuple(html.split(marker))

        parts = chrome_fragment(request, piece, render_parts)
        if parts is None:
            return self.nodelist.render(context)
        out = []
        for i, part in enumerate(parts):
            out.append(self.holes[int(part)].nodelist.render(context) if i % 2 else part)
        return "".join(out)  # a node's output: already rendered (escaped) by the template


@register.tag
def per_viewer(parser, token):
    nodelist = parser.parse(("endper_viewer",))
    parser.delete_first_token()
    return PerViewerNode(nodelist)


@register.tag
def site_chrome(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a piece name")
    before = parser.tokens[:]
    nodelist = parser.parse(("endsite_chrome",))
    consumed = before[len(parser.tokens):]  # the piece's own source, so that a changed template is not served stale
    source = "\x00".join(f"{t.token_type.value}:{t.contents}" for t in consumed)
    parser.delete_first_token()
    return SiteChromeNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(b) for b in bits[2:]],
        hashlib.sha256(source.encode()).hexdigest()[:12],
    )
