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
def class_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        roles.ensure_class_groups(instance)


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


def _bump_access_version(sender, **kwargs):
    """Any change that can grant or revoke access makes remembered file decisions stale."""
    from .access import policy

    policy.bump_access_version()


def _connect_access_version_signals():
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from wagtail.models import GroupCollectionPermission, GroupPagePermission
    from wagtail.signals import post_page_move

    from .models import Enrolment, Guardian, Guardianship, PageCollection, User

    for model in (Enrolment, Guardian, Guardianship, StaffAssignment, TeachingAssignment, PageCollection, User, Group,
                  UserObjectPermission, GroupObjectPermission, GroupCollectionPermission, GroupPagePermission):
        post_save.connect(_bump_access_version, sender=model, dispatch_uid=f"preau-access-{model._meta.label}-save")
        post_delete.connect(_bump_access_version, sender=model, dispatch_uid=f"preau-access-{model._meta.label}-delete")
    m2m_changed.connect(_bump_access_version, sender=User.groups.through, dispatch_uid="preau-access-user-groups")
    post_page_move.connect(_bump_access_version, dispatch_uid="preau-access-page-move")


_connect_access_version_signals()
