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
