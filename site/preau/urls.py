from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap

from api.account import devices as account_devices
from ent_pages import serving
from ent_pages.admin_listings import EditablePageTypesUsageReportView
from ent_pages.second_factor import views as second_factor_views
from ent_pages.sitemaps import PublicSitemap

urlpatterns = [
    # Wagtail's page types usage report, counted over the pages the user may edit (ent_pages.admin_listings).
    path("admin/reports/page-types-usage/", EditablePageTypesUsageReportView.as_view()),
    path("admin/reports/page-types-usage/results/", EditablePageTypesUsageReportView.as_view(results_only=True)),
    # Wagtail's admin login asks for a password only: staff log in with their second factor at /connexion/.
    path("admin/login/", second_factor_views.admin_login),
    path("admin/", include(wagtailadmin_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PublicSitemap}}),
    path("recherche/", include("search.urls")),
    path("api/v1/", include("api.urls")),
    path("mon-compte/appareils/", account_devices, name="account_devices"),
    path("", include("ent_pages.urls")),
    path("", include("periscolaire.urls")),
    path("vie-de-classe/", include("class_blog.urls")),
    path("messages/", include("conversations.urls")),
    path("eleve/", include("pupils.urls")),
    path("agenda/", include("school_calendar.urls")),
    path("notifications/", include("push.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Wagtail's page serving comes last: it catches every other path.
# Pages are served by Wagtail's view, with the Site and the route found in fewer queries (ent_pages.serving).
urlpatterns += [
    re_path(r"^((?:[\w\-]+/)*)$", serving.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
