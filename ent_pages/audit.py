"""Who did what: a school's sensitive actions, in Wagtail's audit log, for its directors (issue 11).

Consent changes, account activations, letters printed, role changes, class partnerships, exports and
second-factor resets are logged with Wagtail's ``log()`` under ``preau.*`` actions (registered through
the ``register_log_actions`` hook in ent_pages.wagtail_hooks), each entry carrying the school it concerns
(``data["school"]``), so that the directors' view (``school_log``) filters in SQL through the policy.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

#: action → (label, message), shown in Wagtail's reports and the directors' log.
ACTIONS = {
    "preau.consent_changed": (_("Change image consent"), _("Image consent changed")),
    "preau.account_activated": (_("Activate an account"), _("Account activated")),
    "preau.letters_printed": (_("Print activation letters"), _("Activation letters printed")),
    "preau.role_changed": (_("Change a role"), _("Role given or changed")),
    "preau.role_removed": (_("Remove a role"), _("Role removed")),
    "preau.partnership_changed": (_("Change a class partnership"), _("Class partnership changed")),
    "preau.export": (_("Export a list"), _("List exported")),
    "preau.second_factor_reset": (_("Reset a second factor"), _("Second factor reset")),
}


def register(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def school_of(page):
    """The school page above (or at) `page`, or None for pages outside schools."""
    from .access import policy
    from .models import SchoolPage

    if page is None:
        return None
    if isinstance(page, SchoolPage):
        return page
    school_path, _section = policy.section_paths(page)
    return SchoolPage.objects.filter(path=school_path).first() if school_path else None


def schools_of_pupils(pupils):
    """The schools where `pupils` (ids, instances or a subquery) are enrolled this school year (one query)."""
    from django.db.models.functions import Substr

    from .access import SCHOOL_PREFIX
    from .models import Enrolment, SchoolPage
    from .school_year import current_school_year

    school_paths = Enrolment.objects.filter(pupil__in=pupils, school_year=current_school_year()).annotate(
        school_path=Substr("class_page__path", 1, SCHOOL_PREFIX)).values("school_path")
    return SchoolPage.objects.filter(path__in=school_paths)


def schools_of_user(user):
    """The schools where `user` holds a staff role, or whose pupils they are a guardian of."""
    from .models import Pupil, SchoolPage

    staff = list(SchoolPage.objects.filter(staff_assignments__user=user).distinct())
    return staff + list(schools_of_pupils(Pupil.objects.filter(guardianships__guardian__user=user)))


def log_action(user, action, *, target, schools=(), title=None, data=None):
    """Log `action` on `target` once per school it concerns (at least once, school-less if none)."""
    school_ids = sorted({school.pk for school in schools if school is not None}) or [None]
    for school_id in school_ids:
        log(target, action, user=user, title=title or str(target)[:255], data={**(data or {}), "school": school_id})


#: The directors' log shows this many latest entries.
LOG_LENGTH = 1000


def school_log(user, limit=LOG_LENGTH):
    """The latest preau.* entries of the schools whose log `user` may read (the policy decides), newest first.

    Actions on pages (letters printed, exports of a class) live in Wagtail's page log, the others in its
    model log: both are read and merged.
    """
    from wagtail.models import ModelLogEntry, PageLogEntry

    from .access import policy

    school_ids = list(policy.audited_schools(user).values_list("pk", flat=True))
    entries = []
    for model in (ModelLogEntry, PageLogEntry):
        entries += list(model.objects.filter(action__startswith="preau.", data__school__in=school_ids)
                        .select_related("user").order_by("-timestamp", "-pk")[:limit])
    return sorted(entries, key=lambda entry: entry.timestamp, reverse=True)[:limit]
