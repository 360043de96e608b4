"""Family and staff pages outside the page tree: "my space" (the landing page after login)."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from wagtail import hooks

from .access import policy
from .models import ClassPage, Enrolment, Pupil, SchoolPage
from .school_year import current_school_year


@login_required
def my_space(request):
    """Where a parent or a member of staff lands: their children, classes and schools.

    Other apps add their sections (the class blog's feed...) through the Wagtail hook
    ``my_space_sections``: fn(request, context) updates the context and returns a template name.
    """
    user = request.user
    year = current_school_year()
    scope = policy.scope(user)
    pupils = list(
        Pupil.objects.filter(guardianships__guardian__user=user).distinct()
        .annotate(class_page_id=Subquery(
            Enrolment.objects.filter(pupil=OuterRef("pk"), school_year=year).values("class_page_id")[:1]
        ))
        .order_by("first_name")
    )
    context = {"school_year": year}
    context["sections"] = [name for fn in hooks.get_hooks("my_space_sections") if (name := fn(request, context))]
    if "my_classes" not in context:
        context["my_classes"] = list(policy.viewable(user, ClassPage.objects.live()).order_by("path"))
    classes_by_id = {c.pk: c for c in context["my_classes"]}
    context["children"] = [{"pupil": pupil, "class_page": classes_by_id.get(pupil.class_page_id)} for pupil in pupils]
    schools = SchoolPage.objects.live().filter(path__in=scope.member_school_paths | scope.director_school_paths)
    context["schools"] = schools.order_by("title")
    return render(request, "ent_pages/my_space.html", context)
