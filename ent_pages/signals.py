"""Keep role groups in step with the page tree and assignments (see ent_pages.roles)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import roles
from .models import CityHomePage, ClassPage, SchoolPage, StaffAssignment, TeachingAssignment


@receiver(post_save, sender=CityHomePage)
def city_home_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        roles.ensure_city_collection(instance)


@receiver(post_save, sender=SchoolPage)
def school_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        roles.ensure_school_groups(instance)


@receiver(post_save, sender=ClassPage)
def class_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw:
        roles.ensure_class_groups(instance)
        # How long an archived class stays open to its families (set by the rollover, editable in the admin).
        if update_fields is None or "family_visible_until" in update_fields:
            access_changed(sender)


@receiver(post_delete, sender=SchoolPage)
def school_deleted(sender, instance, **kwargs):
    from django.contrib.auth.models import Group

    Group.objects.filter(pk__in=[instance.directors_group_id, instance.clae_group_id]).delete()


@receiver(post_delete, sender=ClassPage)
def class_deleted(sender, instance, **kwargs):
    if instance.teachers_group_id:
        from django.contrib.auth.models import Group

        Group.objects.filter(pk=instance.teachers_group_id).delete()


@receiver([post_save, post_delete], sender=StaffAssignment)
@receiver([post_save, post_delete], sender=TeachingAssignment)
def assignment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        roles.sync_user_groups(instance.user)


# ------------------------------------------------------------------ access version (issue 11, revocation)
# Every change able to grant or revoke access bumps the access version, under which scopes and file
# decisions are remembered (ent_pages.access): the next request, on any worker sharing the cache, is
# decided afresh. Bumped at once (the test client, the same request) and again when the transaction
# commits, so that a request that recomputed a scope from the not-yet-committed state in between
# cannot keep it. Bulk writes (imports, rollover) send no signals: they bump once at commit.

#: User fields that change what the user may reach; a save of any other field (a login's
#: ``last_login``, a password upgrade) must not empty everyone's remembered scopes.
USER_ACCESS_FIELDS = frozenset({"is_active", "is_superuser", "is_staff"})


def page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    """A page moved to another parent takes its files' collections along (before the version bump)."""
    if parent_page_before is not None and parent_page_after is not None and parent_page_before.pk != parent_page_after.pk:
        roles.follow_page_move(instance)
    access_changed(sender)


def access_changed(sender, **kwargs):
    """Any change that can grant or revoke access makes remembered scopes and file decisions stale."""
    from django.db import transaction

    from .access import policy

    policy.bump_access_version()
    transaction.on_commit(policy.bump_access_version)


def _user_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and not USER_ACCESS_FIELDS.intersection(update_fields)):
        return
    access_changed(sender)


def _connect_access_version_signals():
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page
    from wagtail.signals import page_unpublished, post_page_move

    from .models import Enrolment, Guardian, Guardianship, PageCollection, User

    for model in (Enrolment, Guardian, Guardianship, StaffAssignment, TeachingAssignment, PageCollection, Group,
                  UserObjectPermission, GroupObjectPermission, GroupCollectionPermission, GroupPagePermission):
        post_save.connect(access_changed, sender=model, dispatch_uid=f"preau-access-{model._meta.label}-save")
        post_delete.connect(access_changed, sender=model, dispatch_uid=f"preau-access-{model._meta.label}-delete")
    post_save.connect(_user_saved, sender=User, dispatch_uid="preau-access-user-save")
    post_delete.connect(access_changed, sender=User, dispatch_uid="preau-access-user-delete")
    m2m_changed.connect(access_changed, sender=User.groups.through, dispatch_uid="preau-access-user-groups")
    post_page_move.connect(page_moved, dispatch_uid="preau-access-page-move")
    # A page's files follow it being live: unpublishing or deleting it revokes them (publishing only
    # grants, and a "no" is never remembered).
    page_unpublished.connect(access_changed, dispatch_uid="preau-access-page-unpublished")
    post_delete.connect(access_changed, sender=Page, dispatch_uid="preau-access-page-delete")


_connect_access_version_signals()


def _connect_site_cache_signals():
    """Page serving remembers the Sites (ent_pages.serving): a Site or a site root saved or deleted forgets them."""
    from django.db.models.signals import post_delete, post_save

    from .serving import forget_sites

    post_save.connect(forget_sites, dispatch_uid="preau-forget-sites-save")
    post_delete.connect(forget_sites, dispatch_uid="preau-forget-sites-delete")


_connect_site_cache_signals()


def _connect_page_content_signals():
    """Class and school pages remember what they show (ent_pages.page_cache) until a page below them changes."""
    from django.db.models.signals import post_delete
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .page_cache import content_changed

    def changed(sender, instance, **kwargs):
        if isinstance(instance, Page):
            content_changed(instance)

    def moved(sender, instance, parent_page_before=None, **kwargs):
        content_changed(instance)
        if parent_page_before is not None:
            content_changed(parent_page_before)  # the place it left (its parent's school and section)

    page_published.connect(changed, dispatch_uid="preau-page-content-published", weak=False)
    page_unpublished.connect(changed, dispatch_uid="preau-page-content-unpublished", weak=False)
    post_page_move.connect(moved, dispatch_uid="preau-page-content-moved", weak=False)
    post_delete.connect(changed, dispatch_uid="preau-page-content-deleted", weak=False)


_connect_page_content_signals()


def _connect_my_space_signals():
    """Directors' homes list the pages awaiting their approval (ent_pages.my_space_cache)."""
    from django.db.models.signals import post_delete
    from wagtail.models import Page, WorkflowState

    from .my_space_cache import staff_changed

    def moderation_changed(sender, instance, raw=False, **kwargs):
        from django.contrib.contenttypes.models import ContentType

        if raw or instance.base_content_type_id != ContentType.objects.get_for_model(Page).pk:
            return
        path = Page.objects.filter(pk=int(instance.object_id)).values_list("path", flat=True).first()
        staff_changed(path or "")

    post_save.connect(moderation_changed, sender=WorkflowState, dispatch_uid="preau-my-space-workflow-save", weak=False)
    post_delete.connect(moderation_changed, sender=WorkflowState, dispatch_uid="preau-my-space-workflow-delete",
                        weak=False)


_connect_my_space_signals()


def _connect_site_chrome_signals():
    """The site chrome (base.html's head, header and footer, ent_pages.page_cache) links the legal pages
    and the resource index, right below the city home: publishing, unpublishing, moving or deleting
    such a page (or the city home, or a Site) shows in the chrome at the next request."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .page_cache import chrome_changed

    def page_changed(sender, instance, **kwargs):
        if isinstance(instance, Page) and (instance.depth or 0) <= CHROME_PAGE_DEPTH:
            chrome_changed()

    def page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
        if any(p is not None and p.depth < CHROME_PAGE_DEPTH for p in (parent_page_before, parent_page_after)):
            chrome_changed()
        else:
            page_changed(sender, instance)

    def site_changed(sender, **kwargs):
        chrome_changed()

    page_published.connect(page_changed, dispatch_uid="preau-chrome-published", weak=False)
    page_unpublished.connect(page_changed, dispatch_uid="preau-chrome-unpublished", weak=False)
    post_page_move.connect(page_moved, dispatch_uid="preau-chrome-moved", weak=False)
    post_delete.connect(page_changed, dispatch_uid="preau-chrome-deleted", weak=False)
    post_save.connect(site_changed, sender=Site, dispatch_uid="preau-chrome-site-saved", weak=False)
    post_delete.connect(site_changed, sender=Site, dispatch_uid="preau-chrome-site-deleted", weak=False)


#: Root (1), city home (2), the pages right below it (3: legal pages, resource index, schools).
CHROME_PAGE_DEPTH = 3

_connect_site_chrome_signals()
