from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap

from ent_pages.sitemaps import PublicSitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PublicSitemap}}),
    path("recherche/", include("search.urls")),
    path("", include("ent_pages.urls")),
    path("", include("periscolaire.urls")),
    path("vie-de-classe/", include("class_blog.urls")),
    path("agenda/", include("school_calendar.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Wagtail's page serving comes last: it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]
