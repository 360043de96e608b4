"""Admin views for directors and teachers: activation letters and who has activated, per class or school.

Reached from the page listing and the page header of a class or a school (ent_pages.wagtail_hooks).
Allowed to whoever may edit that page (the class's teachers, the school's directors), as the access
policy says.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from . import letters
from .access import policy
from .audit import log_action, school_of
from .exports import csv_response
from .models import ClassPage, SchoolPage


def _page(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ClassPage | SchoolPage):
        raise Http404
    if not policy.can_edit(request.user, page):
        raise PermissionDenied
    return page


@require_http_methods(["GET", "POST"])
def activation_letters(request, page_id):
    """GET: say how many codes will be renewed; POST: renew them and download the PDF."""
    page = _page(request, page_id)
    if request.method == "POST":
        pdf, count = letters.generate(page)
        log_action(request.user, "preau.letters_printed", target=page, schools=[school_of(page)], data={"letters": count})
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"lettres-activation-{slugify(page.get_parent().title)}-{page.slug}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    recipients = letters.recipients_for(page)
    return TemplateResponse(request, "ent_pages/admin/activation_letters.html", {
        "page": page, "recipients": recipients, "header_title": _("Activation letters"),
    })


def activation_report(request, page_id):
    """Who has activated their account, per guardian; ?format=csv for a spreadsheet."""
    page = _page(request, page_id)
    rows = letters.activation_status(page)
    if request.GET.get("format") == "csv":
        response, writer = csv_response(f"activations-{page.slug}.csv")
        log_action(request.user, "preau.export", target=page, schools=[school_of(page)], data={"export": "activations"})
        writer.writerow([_("Last name"), _("First name"), _("Children"), _("Account activated")])
        for row in rows:
            children = ", ".join(f"{first} ({title})" for first, title in row.children)
            writer.writerow([row.last_name, row.first_name, children, _("yes") if row.activated else _("no")])
        return response
    return TemplateResponse(request, "ent_pages/admin/activation_report.html", {
        "page": page, "rows": rows, "activated": sum(r.activated for r in rows), "header_title": _("Account activations"),
    })


def school_log(request):
    """Who did what in the schools the user directs: consents, activations, letters, roles, partnerships, exports."""
    from django.core.paginator import Paginator

    from .audit import school_log as entries_for

    if not policy.can_view_some_school_log(request.user):
        raise PermissionDenied
    entries = entries_for(request.user)
    schools = dict(policy.audited_schools(request.user).values_list("pk", "title"))
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    for entry in page:
        entry.school_title = schools.get(entry.data.get("school"), "")
    return TemplateResponse(request, "ent_pages/admin/school_log.html", {
        "page_obj": page, "header_title": _("Who did what"),
    })
