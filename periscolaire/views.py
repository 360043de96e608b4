"""Views of the périscolaire app: bulk photo upload (admin), image consent (families), consent table (directors)."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.images.utils import get_accept_attributes

from ent_pages.access import policy
from ent_pages.media.uploads import accepted_formats_text, max_bytes
from ent_pages.models import ClassPage, Enrolment, Guardianship
from ent_pages.school_year import current_school_year

from . import consent as consent_rules
from .models import ConsentChange, ConsentDecision, ConsentPurpose, GalleryPage
from .uploads import UploadRefused, add_photo


# ------------------------------------------------------------------------------ bulk upload (admin)
@require_http_methods(["GET", "POST"])
def gallery_upload(request, page_id):
    """GET: the bulk upload screen. POST: one photo (field ``photo``) → JSON, per photo."""
    gallery = get_object_or_404(GalleryPage, pk=page_id)
    if not policy.can_edit(request.user, gallery):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "periscolaire/admin/gallery_upload.html", {
            "gallery": gallery,
            "page_title": _("Upload photos"),
            "page_subtitle": gallery.title,
            "header_icon": "image",
            "edit_url": reverse("wagtailadmin_pages:edit", args=(gallery.pk,)),
            "max_bytes": max_bytes(),
            "formats": accepted_formats_text(),
            "accept": get_accept_attributes(),
        })
    lock = gallery.get_lock()
    if lock is not None and lock.for_user(request.user):
        return JsonResponse({"ok": False, "error": _("This gallery is locked (awaiting moderation or being edited by someone else): photos cannot be added now.")}, status=409)
    upload = request.FILES.get("photo")
    name = upload.name if upload else ""
    try:
        image = add_photo(gallery, upload, request.user, request.session)
    except UploadRefused as refused:
        return JsonResponse({"ok": False, "name": name, "error": refused.message}, status=refused.status)
    thumbnail = image.get_rendition("max-165x165")  # pre-generated at upload (ent_pages.media.uploads.RENDITION_SPECS)
    return JsonResponse({"ok": True, "name": name, "id": image.pk, "title": image.title, "thumbnail": thumbnail.url,
                         "notes": [str(note) for note in getattr(image, "upload_notes", [])]}, status=201)


# ------------------------------------------------------------------------- image consent (families)
@login_required
@require_http_methods(["GET", "POST"])
def my_image_consents(request):
    """A guardian gives or refuses image consent for each child, purpose by purpose, this school year."""
    year = current_school_year()
    guardianships = list(
        policy.guardianships_of(request.user)
        .select_related("pupil", "guardian").order_by("pupil__first_name", "pupil_id")
    )
    purposes = list(ConsentPurpose)
    pupils = list({g.pupil_id: g.pupil for g in guardianships}.values())
    decisions = consent_rules.guardian_decisions(pupils, purposes, year)

    if request.method == "POST":
        changed = 0
        for guardianship in guardianships:
            for purpose in purposes:
                value = request.POST.get(f"consent-{guardianship.pk}-{purpose.value}")
                if value not in (ConsentDecision.GIVEN, ConsentDecision.REFUSED):
                    continue
                # Recorded (and logged) unless it repeats the guardian's recorded decision: a consent
                # pre-filled from the registry becomes the guardian's own once they confirm it.
                changed += consent_rules.set_consent(
                    guardianship.guardian, guardianship.pupil, purpose, year, value, changed_by=request.user
                )
        if changed:
            messages.success(request, _("Your choices are saved. They apply at once to the next publications."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("periscolaire:my_image_consents")

    rows = consent_rules.guardian_rows(guardianships, purposes, decisions)
    return render(request, "periscolaire/my_image_consents.html", {"rows": rows, "school_year": year,
                                                                   "Decision": ConsentDecision})


# ------------------------------------------------------------------------ consent table (directors)
def consent_classes(request):
    """The classes whose consent table the user may see (the schools they direct)."""
    classes = ClassPage.objects.filter(school_year=current_school_year()).order_by("path")
    classes = [c for c in classes if policy.can_view_consents(request.user, c)]
    if not classes and not policy.can_view_some_consents(request.user):
        raise PermissionDenied
    return render(request, "periscolaire/admin/consent_classes.html", {
        "classes": classes, "page_title": _("Image consent"), "header_icon": "user",
    })


def consent_table(request, class_id):
    """The image consent of every child of a class, purpose by purpose, with each guardian's decision."""
    class_page = get_object_or_404(ClassPage, pk=class_id)
    if not policy.can_view_consents(request.user, class_page):
        raise PermissionDenied
    year = request.GET.get("annee") or class_page.school_year
    enrolments = list(
        Enrolment.objects.filter(class_page=class_page, school_year=year).select_related("pupil")
        .order_by("pupil__last_name", "pupil__first_name")
    )
    pupils = [e.pupil for e in enrolments]
    purposes = list(ConsentPurpose)
    decisions = consent_rules.guardian_decisions(pupils, purposes, year)
    guardian_names = defaultdict(dict)
    for g in Guardianship.objects.filter(pupil__in=pupils).select_related("guardian"):
        guardian_names[g.pupil_id][g.guardian_id] = f"{g.guardian.first_name} {g.guardian.last_name}"
    rows = []
    for pupil in pupils:
        cells = []
        for purpose in purposes:
            by_guardian = decisions[(pupil.pk, purpose)]
            cells.append({
                "effective": consent_rules.combine(by_guardian.values()),
                "guardians": [(guardian_names[pupil.pk].get(g, "?"), d) for g, d in by_guardian.items()],
            })
        rows.append({"pupil": pupil, "cells": cells})
    changes = ConsentChange.objects.filter(pupil__in=pupils, school_year=year).select_related("pupil", "guardian", "changed_by")[:50]
    return render(request, "periscolaire/admin/consent_table.html", {
        "class_page": class_page, "school_year": year, "purposes": purposes, "rows": rows, "changes": changes,
        "labels": dict(ConsentDecision.choices),
        "page_title": _("Image consent"), "page_subtitle": f"{class_page.title} ({year})", "header_icon": "user",
    })
