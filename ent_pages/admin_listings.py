"""Admin listings that name pages show only the pages the user may edit (issue 11, item 7).

Wagtail's page bulk actions list, on their confirmation page, every page whose id is in the URL
(those the user may not act on included, by title), and its page types usage report names the last
edited page of each type and counts pages across the whole city, drafts included. Here, through
Wagtail's seams (bulk actions registered again with ``register_bulk_action``, the report's URL taken by
a subclass in ``preau.urls``), both keep to what the access policy says the user may edit.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page

from .access import policy


class EditablePagesOnlyMixin:
    """A page bulk action that neither lists nor touches pages the user may not edit."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        no_access = extra.get("items_with_no_access", [])
        ids = [page.pk for page in [*objects, *no_access]]
        editable = set(policy.editable(self.request.user, Page.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        objects = [page for page in objects if page.pk in editable]
        extra["items_with_no_access"] = [page for page in no_access if page.pk in editable]
        if not objects and not extra["items_with_no_access"]:
            raise Http404  # as for ids that do not exist: nothing said about other people's pages
        return objects, extra


class PolicyPublishBulkAction(EditablePagesOnlyMixin, PublishBulkAction):
    pass


class PolicyUnpublishBulkAction(EditablePagesOnlyMixin, UnpublishBulkAction):
    pass


class PolicyDeleteBulkAction(EditablePagesOnlyMixin, DeleteBulkAction):
    pass


class PolicyMoveBulkAction(EditablePagesOnlyMixin, MoveBulkAction):
    pass


#: Registered after Wagtail's own (ent_pages.wagtail_hooks), which they replace for the same action types.
PAGE_BULK_ACTIONS = [PolicyPublishBulkAction, PolicyUnpublishBulkAction, PolicyDeleteBulkAction, PolicyMoveBulkAction]


class EditablePageTypesUsageReportView(PageTypesUsageReportView):
    """Page types usage, counted over the pages the user may edit; the last edited page among them."""

    def get_queryset(self):
        queryset = ContentType.objects.filter(model__in=self.page_models).exclude(
            id=ContentType.objects.get_for_model(Page).id
        )
        self.queryset = queryset
        queryset = self.filter_queryset(queryset)
        pages = policy.editable(self.request.user, Page.objects.filter(depth__gt=1))
        site_root_path = self.filters.form.cleaned_data.get("site", None)
        if site_root_path:
            pages = pages.filter(path__startswith=site_root_path)
        latest = pages.filter(content_type=OuterRef("pk")).order_by(
            F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk")
        queryset = queryset.annotate(
            count=Count("pages", filter=Q(pages__in=pages.values("pk"))),
            last_edited_page_id=Subquery(latest.values("pk")[:1]),
        )
        return queryset.order_by("-count", "app_label", "model")
