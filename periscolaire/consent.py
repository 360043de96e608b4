"""Image consent rules: each guardian's position, the child's effective consent, the warnings.

A guardian's position for a child, a purpose and a school year is their recorded decision, else
the registry's photo authorisation (for the school's own uses: class/CLAE group and school), else
"not given". A child consents for a purpose only when every guardian does: one refusal wins, and
a child without any known guardian does not consent.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from ent_pages.access import policy
from ent_pages.models import ClassPage, Enrolment, Guardianship

from .models import ConsentChange, ConsentDecision, ConsentPurpose, ImageConsent

GIVEN, REFUSED, NOT_GIVEN = ConsentDecision.GIVEN, ConsentDecision.REFUSED, ConsentDecision.NOT_GIVEN

#: The purposes the registry's photo authorisation covers (the school's own uses, not the city's public pages).
REGISTRY_PURPOSES = {ConsentPurpose.GROUP, ConsentPurpose.SCHOOL}


def registry_photo_authorisation(pupil) -> bool | None:
    """The photo authorisation imported from the school registry (ONDE), or None where it says nothing.

    Read from ``Pupil.photo_consent_from_registry`` (added by the registry import); while that
    field is absent the answer is None, i.e. "not given".
    """
    return getattr(pupil, "photo_consent_from_registry", None)


def initial_decision(pupil, purpose) -> str:
    """A guardian's position before they decide: from the registry, else not given."""
    if purpose not in REGISTRY_PURPOSES:
        return NOT_GIVEN
    authorised = registry_photo_authorisation(pupil)
    if authorised is None:
        return NOT_GIVEN
    return GIVEN if authorised else REFUSED


def combine(decisions) -> str:
    """Joint consent of a child's guardians: one refusal wins, all must consent."""
    decisions = list(decisions)
    if REFUSED in decisions:
        return REFUSED
    if decisions and all(d == GIVEN for d in decisions):
        return GIVEN
    return NOT_GIVEN


def guardian_decisions(pupils, purposes, school_year):
    """{(pupil_id, purpose): {guardian_id: decision}} for the given pupils (three queries)."""
    pupils = list(pupils)
    guardians = defaultdict(list)
    for pupil_id, guardian_id in Guardianship.objects.filter(pupil__in=pupils).values_list("pupil_id", "guardian_id"):
        guardians[pupil_id].append(guardian_id)
    recorded = {
        (c.pupil_id, c.guardian_id, c.purpose): c.decision
        for c in ImageConsent.objects.filter(pupil__in=pupils, purpose__in=purposes, school_year=school_year)
    }
    result = {}
    for pupil in pupils:
        for purpose in purposes:
            default = initial_decision(pupil, purpose)
            result[(pupil.pk, purpose)] = {
                g: recorded.get((pupil.pk, g, purpose), default) for g in guardians.get(pupil.pk, [])
            }
    return result


def guardian_rows(guardianships, purposes, decisions):
    """For a guardian's own page (and the JSON API): per guardianship, each purpose with their decision
    (``mine``) and the child's effective consent. `decisions` from ``guardian_decisions``; no query."""
    effective = {key: combine(by_guardian.values()) for key, by_guardian in decisions.items()}
    rows = []
    for guardianship in guardianships:
        items = []
        for purpose in purposes:
            mine = decisions[(guardianship.pupil_id, purpose)].get(guardianship.guardian_id, NOT_GIVEN)
            items.append({
                "purpose": purpose, "name": f"consent-{guardianship.pk}-{purpose.value}", "mine": mine,
                "effective": effective[(guardianship.pupil_id, purpose)],
            })
        rows.append({"guardianship": guardianship, "pupil": guardianship.pupil, "items": items})
    return rows


def effective_consents(pupils, purposes, school_year):
    """{(pupil_id, purpose): given | refused | not_given}."""
    return {key: combine(by_guardian.values()) for key, by_guardian in guardian_decisions(pupils, purposes, school_year).items()}


def has_consent(pupil, purpose, school_year) -> bool:
    return effective_consents([pupil], [purpose], school_year)[(pupil.pk, purpose)] == GIVEN


@transaction.atomic
def set_consent(guardian, pupil, purpose, school_year, decision, changed_by=None) -> bool:
    """Record a guardian's decision and log the change; returns False when nothing changed.

    Takes effect at once: warnings are computed from the current decisions at each publication.
    """
    if decision not in (GIVEN, REFUSED):
        raise ValueError(f"Unknown decision {decision!r}")
    if not policy.is_guardian_of(guardian, pupil):
        raise PermissionError("This guardian is not responsible for this child.")
    current = ImageConsent.objects.select_for_update().filter(
        pupil=pupil, guardian=guardian, purpose=purpose, school_year=school_year
    ).first()
    old = current.decision if current else initial_decision(pupil, purpose)
    if current and current.decision == decision:
        return False
    if current:
        current.decision = decision
        current.save(update_fields=["decision", "decided_at"])
    else:
        ImageConsent.objects.create(pupil=pupil, guardian=guardian, purpose=purpose, school_year=school_year, decision=decision)
    ConsentChange.objects.create(
        pupil=pupil, guardian=guardian, purpose=purpose, school_year=school_year,
        old_decision=old, new_decision=decision, changed_by=changed_by,
    )
    from ent_pages.audit import log_action, schools_of_pupils

    log_action(changed_by, "preau.consent_changed", target=pupil, schools=schools_of_pupils([pupil.pk]),
               data={"purpose": str(purpose), "old": old, "new": decision, "school_year": school_year})
    return True


def consent_warnings(gallery):
    """[(class title, [first names])] of the children without consent for the gallery's audience.

    Shown to the animator or teacher before publishing and to the approver before approving.
    """
    section = gallery.get_section()
    year = gallery.school_year
    purpose = gallery.consent_purpose
    enrolments = Enrolment.objects.filter(school_year=year).select_related("pupil", "class_page")
    if isinstance(section, ClassPage):
        enrolments = enrolments.filter(class_page=section)
    else:
        enrolments = enrolments.filter(class_page__in=ClassPage.objects.child_of(section.get_parent()))
    enrolments = list(enrolments.order_by("class_page__title", "pupil__first_name", "pupil__last_name"))
    consents = effective_consents([e.pupil for e in enrolments], [purpose], year)
    without = [e for e in enrolments if consents[(e.pupil.pk, purpose)] != GIVEN]
    first_name_counts = defaultdict(int)
    for e in without:
        first_name_counts[e.pupil.first_name] += 1
    groups = defaultdict(list)
    for e in without:
        name = e.pupil.first_name
        if first_name_counts[name] > 1:  # two Emmas: "Emma L." and "Emma M."
            name = f"{name} {e.pupil.last_name[:1]}."
        groups[e.class_page.title].append(name)
    return list(groups.items())
