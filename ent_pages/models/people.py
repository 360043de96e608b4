"""People and roles: pupils, their guardians, enrolments, and staff assignments.

Only what is needed is kept about a child: names and the registry's identifier.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..school_year import current_school_year, validate_school_year


class Pupil(models.Model):
    """A child enrolled in one of the city's schools."""

    external_id = models.CharField(_("registry id"), max_length=64, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    #: The photo authorisation column of the registry export (ONDE): seeds the child's image consent
    #: (périscolaire). None when the registry does not say.
    photo_consent_from_registry = models.BooleanField(_("photo authorisation (registry)"), null=True, blank=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Enrolment(models.Model):
    """A pupil in a class for a school year; one class per pupil and year."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("pupil"))
    class_page = models.ForeignKey(
        "ent_pages.ClassPage", on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("class")
    )
    school_year = models.CharField(_("school year"), max_length=9, default=current_school_year, validators=[validate_school_year])

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["pupil", "school_year"], name="one_class_per_pupil_and_year")]

    def __str__(self):
        return f"{self.pupil} → {self.class_page} ({self.school_year})"


class Relationship(models.TextChoices):
    MOTHER = "mere", _("mother")
    FATHER = "pere", _("father")
    GUARDIAN = "tuteur", _("legal guardian")
    OTHER = "autre", _("other")


class Guardian(models.Model):
    """A parent or legal guardian as the school registry knows them.

    The account (`user`) is linked at activation; one account can hold several registry records
    (a parent with children in two schools ends with one account).
    """

    external_id = models.CharField(_("registry id"), max_length=64, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="guardian_records", verbose_name=_("account"),
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Guardianship(models.Model):
    """A guardian's responsibility for a pupil, with the relationship."""

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("guardian"))
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("pupil"))
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices, default=Relationship.OTHER)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [models.UniqueConstraint(fields=["guardian", "pupil"], name="one_guardianship_per_pair")]

    def __str__(self):
        return f"{self.guardian} ({self.get_relationship_display()}) → {self.pupil}"


class Role(models.TextChoices):
    DIRECTOR = "director", _("director")
    TEACHER = "teacher", _("teacher")
    CLAE_DIRECTOR = "clae_director", _("CLAE director")
    CLAE_ANIMATOR = "clae_animator", _("CLAE animator")
    CITY_EDITOR = "city_editor", _("city editor")


SCHOOL_ROLES = [Role.DIRECTOR, Role.TEACHER, Role.CLAE_DIRECTOR, Role.CLAE_ANIMATOR]


class StaffAssignment(models.Model):
    """A member of staff's role in a school, or a city editor (no school)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_assignments", verbose_name=_("user"))
    school = models.ForeignKey(
        "ent_pages.SchoolPage", null=True, blank=True, on_delete=models.CASCADE,
        related_name="staff_assignments", verbose_name=_("school"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="one_assignment_per_role"),
            models.CheckConstraint(
                condition=(Q(role="city_editor", school__isnull=True) | (~Q(role="city_editor") & Q(school__isnull=False))),
                name="school_iff_school_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}" + (f" — {self.school}" if self.school_id else "")


class TeachingAssignment(models.Model):
    """A teacher in charge of a class (a class may have several, a teacher several classes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teaching_assignments", verbose_name=_("teacher"))
    class_page = models.ForeignKey(
        "ent_pages.ClassPage", on_delete=models.CASCADE, related_name="teaching_assignments", verbose_name=_("class")
    )

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        constraints = [models.UniqueConstraint(fields=["user", "class_page"], name="one_teaching_per_pair")]

    def __str__(self):
        return f"{self.user} → {self.class_page}"
