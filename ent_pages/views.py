"""Family and staff pages outside the page tree: "my space" (the landing page after login)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .access import policy
from .models import ClassPage, Guardianship, SchoolPage
from .school_year import current_school_year


@login_required
def my_space(request):
    """Where a parent or a member of staff lands: their children, classes and schools."""
    user = request.user
    year = current_school_year()
    children = (
        Guardianship.objects.filter(guardian__user=user)
        .select_related("pupil")
        .order_by("pupil__first_name")
    )
    child_rows = []
    for guardianship in children:
        enrolment = guardianship.pupil.enrolments.filter(school_year=year).select_related("class_page").first()
        child_rows.append({"pupil": guardianship.pupil, "class_page": enrolment.class_page if enrolment else None})
    classes = policy.viewable(user, ClassPage.objects.live()).order_by("path")
    scope = policy.scope(user)
    schools = SchoolPage.objects.live().filter(path__in=scope.member_school_paths | scope.director_school_paths)
    return render(
        request,
        "ent_pages/my_space.html",
        {"children": child_rows, "classes": classes, "schools": schools.order_by("title"), "school_year": year},
    )
