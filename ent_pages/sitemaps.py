"""The sitemap lists public pages only, as decided by the access policy."""

from wagtail.contrib.sitemaps import Sitemap

from .access import policy


class PublicSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        pages = root.get_descendants(inclusive=True).live().order_by("path").defer_streamfields()
        return policy.public(pages).specific()
