"""Interactive holiday workbooks (*cahiers de vacances*) and the progress parents keep for each child."""

import json

from django.conf import settings
from django.db import models
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import ExerciseStreamBlock
from ..workbooks import exercise_spec, grade
from .pages import CuratedPage


class WorkbookPageTag(TaggedItemBase):
    content_object = ParentalKey("resources.WorkbookPage", on_delete=models.CASCADE, related_name="tagged_items")


class WorkbookPage(RoutablePageMixin, CuratedPage):
    """A holiday workbook (*cahier de vacances*) made with the national education services: exercises a child
    does in the browser, with immediate feedback and a score. Public, no account needed; a logged-in parent's
    progress is kept per child. Edited by city editors like resources."""

    intro = models.TextField(_("word to the child"), blank=True)
    exercises = StreamField(ExerciseStreamBlock(), verbose_name=_("exercises"))
    tags = ClusterTaggableManager(through=WorkbookPageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + CuratedPage.curated_panels + [FieldPanel("intro"), FieldPanel("exercises")]

    search_fields = CuratedPage.search_fields + [index.SearchField("intro"), index.SearchField("exercises")]

    parent_page_types = ["resources.ResourceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("holiday workbook")
        verbose_name_plural = _("holiday workbooks")

    def exercise_specs(self):
        return [spec for spec in (exercise_spec(block) for block in self.exercises) if spec]

    def get_context(self, request, *args, **kwargs):
        from ent_pages.access import policy

        context = super().get_context(request, *args, **kwargs)
        specs = self.exercise_specs()
        context["specs"] = specs
        context["max_score"] = sum(spec["max"] for spec in specs)
        context["pupils"] = list(policy.pupils_of(request.user).order_by("first_name"))
        context["messages_js"] = {
            "correct": gettext("Well done, that is right!"),
            "wrong": gettext("Not quite. The answer:"),
            "score": gettext("Your score: %(score)s out of %(max)s"),
            "saved": gettext("Progress saved."),
            "moved": gettext("Moved to position %(n)s."),
            "error": gettext("Could not save, try again."),
        }
        return context

    @path("progression/", name="progress")
    def progress(self, request):
        """GET ?pupil=<id>: the answers kept for this child; POST {pupil, answers}: keep them (graded here)."""
        from ent_pages.access import policy

        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not request.user.is_authenticated:
            return JsonResponse({"error": "login required"}, status=401)
        if request.method == "GET":
            pupil_id = request.GET.get("pupil")
        else:
            try:
                payload = json.loads(request.body or b"{}")
            except ValueError:
                return JsonResponse({"error": "invalid JSON"}, status=400)
            pupil_id = payload.get("pupil") if isinstance(payload, dict) else None
        pupil = policy.pupils_of(request.user).filter(pk=pupil_id).first() if str(pupil_id or "").isdigit() else None
        if pupil is None:
            return JsonResponse({"error": "unknown pupil"}, status=404)
        if request.method == "GET":
            progress = WorkbookProgress.objects.filter(workbook=self, pupil=pupil).first()
            if progress is None:
                return JsonResponse({"pupil": pupil.pk, "answers": {}, "score": 0, "max": None})
            return JsonResponse({"pupil": pupil.pk, "answers": progress.answers, "score": progress.score,
                                 "max": progress.max_score, "updated_at": progress.updated_at.isoformat()})
        answers = payload.get("answers")
        if not isinstance(answers, dict) or len(json.dumps(answers)) > 50_000:
            return JsonResponse({"error": "invalid answers"}, status=400)
        result = grade(self.exercise_specs(), answers)
        WorkbookProgress.objects.update_or_create(
            workbook=self, pupil=pupil,
            defaults={"user": request.user, "answers": answers, "score": result["score"], "max_score": result["max"]},
        )
        return JsonResponse({"pupil": pupil.pk, **result})


class WorkbookProgress(models.Model):
    """Where one child stands in one workbook: the answers given so far and the score (kept by a guardian)."""

    workbook = models.ForeignKey(WorkbookPage, on_delete=models.CASCADE, related_name="progress_records")
    pupil = models.ForeignKey("ent_pages.Pupil", on_delete=models.CASCADE, related_name="workbook_progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                             verbose_name=_("saved by"))
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveIntegerField(_("score"), default=0)
    max_score = models.PositiveIntegerField(_("maximum score"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workbook", "pupil"], name="unique_workbook_progress_per_pupil")]
        verbose_name = _("workbook progress")
        verbose_name_plural = _("workbook progress")

    def __str__(self):
        return f"{self.pupil} — {self.workbook} ({self.score}/{self.max_score})"
