"""Members-only sections of a school that its directors open to its pupils (``for_pupils``).

A CLAE space or a piece of school news is for the school's families and staff (ent_pages.access). A
director may mark such a section *for pupils*: the school's pupil accounts then see it too — the
section and its subtree, in their own school only, through every channel (pages, search, files).
Only the school's directors see and set the mark: the page form drops the field for anyone else
(``ForPupilsPageForm``), so an animator's or a teacher's save keeps the value a director chose.
The mark takes effect when the page is published (the live row carries it).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


def for_pupils_field():
    return models.BooleanField(
        _("for pupils"), default=False,
        help_text=_("The school's pupils see this section in their space and search (only school directors "
                    "can change this)."),
    )


class ForPupilsPageForm(WagtailAdminPageForm):
    """The page form of a section that may be opened to pupils: ``for_pupils`` only for the school's directors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "for_pupils" not in self.fields:
            return
        from .access import policy

        school = self.parent_page
        if school is None and self.instance.pk:
            school = self.instance.get_parent()
        if school is None or not policy.can_mark_for_pupils(self.for_user, school):
            del self.fields["for_pupils"]
