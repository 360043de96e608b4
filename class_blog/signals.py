"""Class life reacting to Wagtail and to its own grants: announcing posts after quiet hours, city editors' permissions
on city news, homework attachments recorded as files shown to the class (ent_pages.media.usage), partnerships
changing who reads a class blog."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from ent_pages.roles import city_editors_group, grant_page_permissions
from ent_pages.signals import access_changed

from .models import CityNewsIndexPage, ClassPartnership, ClassPostPage, HomeworkEntry, SchoolNewsPage, SchoolQuietHours
from .quiet_hours import delivery_time, forget_rules, rules_for_school


@receiver(page_published, sender=ClassPostPage)
@receiver(page_published, sender=SchoolNewsPage)
def announce_after_quiet_hours(sender, instance, **kwargs):
    """First publication: families hear of it (feed, digests) now, or at the end of quiet hours."""
    if getattr(instance, "announced_at", True) is not None:
        return
    school_path = instance.path[: 3 * instance.steplen]
    from ent_pages.models import SchoolPage

    school_id = SchoolPage.objects.filter(path=school_path).values_list("pk", flat=True).first()
    announced = delivery_time(rules=rules_for_school(school_id))
    sender.objects.filter(pk=instance.pk).update(announced_at=announced)
    instance.announced_at = announced


@receiver(post_save, sender=CityNewsIndexPage)
def city_editors_edit_city_news(sender, instance, created, raw=False, **kwargs):
    """Whoever creates the city news index, the city editors' group may write the news under it."""
    if created and not raw:
        grant_page_permissions(city_editors_group(), instance)


@receiver(post_save, sender=HomeworkEntry)
def homework_files_shown(sender, instance, raw=False, **kwargs):
    """Homework attachments are shown to the class's families: record them (ent_pages.media.usage)."""
    if not raw:
        from ent_pages.media.usage import record_files

        record_files(instance.class_page, f"homework:{instance.pk}", [instance])


@receiver(post_delete, sender=HomeworkEntry)
def homework_files_withdrawn(sender, instance, **kwargs):
    from ent_pages.media.usage import forget_files

    forget_files(f"homework:{instance.pk}")


# A partnership is a grant (its invited class reads the blog): accepting or revoking it changes scopes.
post_save.connect(access_changed, sender=ClassPartnership, dispatch_uid="preau-access-partnership-save")
post_delete.connect(access_changed, sender=ClassPartnership, dispatch_uid="preau-access-partnership-delete")


@receiver(post_save, sender=SchoolQuietHours)
@receiver(post_delete, sender=SchoolQuietHours)
def quiet_hours_changed(sender, instance, **kwargs):
    """A director's new quiet hours apply to the next send (holidays are re-read within five minutes)."""
    forget_rules(instance.school_id)


@receiver([post_save, post_delete], sender=HomeworkEntry, dispatch_uid="class-blog-homework-my-space")
def homework_on_family_homes(sender, instance, raw=False, **kwargs):
    """Homework written, edited or removed: the families' and teachers' homes list it afresh."""
    from ent_pages.my_space_cache import class_life_changed

    if not raw:
        class_life_changed(class_page=instance.class_page)


def _note_on_family_homes(sender, instance, raw=False, **kwargs):
    """A note sent, edited or removed: the homes of its class or school list it afresh."""
    from ent_pages.my_space_cache import class_life_changed

    if not raw:
        class_life_changed(class_page=instance.class_page, school=instance.school)


def _connect_note_signals():
    from .models import Note

    post_save.connect(_note_on_family_homes, sender=Note, dispatch_uid="class-blog-note-my-space-save")
    post_delete.connect(_note_on_family_homes, sender=Note, dispatch_uid="class-blog-note-my-space-delete")


_connect_note_signals()
