"""The school moderation task: one task for every school, its approvers found from the page's school."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from ent_pages.access import policy


class SchoolModeratorTask(Task):
    """Approval by the moderators of the page's school (CLAE director or school director).

    One task in one workflow ("Gallery moderation", assigned to every CLAE space) serves all the
    schools: the approvers are not groups chosen in the admin but the people the access policy
    names for the page (``policy.moderators``), so no workflow per school is needed. The approve
    action opens a dialog listing the children without image consent for the gallery's audience.
    """

    class Meta:
        verbose_name = _("School moderator approval")
        verbose_name_plural = _("School moderator approvals")

    def _can_moderate(self, obj, user):
        cache = getattr(user, "_preau_moderation_checks", None)
        if cache is None:
            cache = {}
            if user is not None:
                user._preau_moderation_checks = cache
        if obj.pk not in cache:
            cache[obj.pk] = policy.can_moderate(user, obj)
        return cache[obj.pk]

    def start(self, workflow_state, user=None):
        page = workflow_state.content_object
        if getattr(page, "locked_by", None) and not self._can_moderate(page, page.locked_by):
            # A lock held by the submitter would stop the approver from editing the captions.
            page.locked, page.locked_by, page.locked_at = False, None, None
            page.save(update_fields=["locked", "locked_by", "locked_at"])
        return super().start(workflow_state, user=user)

    def user_can_access_editor(self, obj, user):
        return self._can_moderate(obj, user)

    def locked_for_user(self, obj, user):
        return not self._can_moderate(obj, user)

    def user_can_lock(self, obj, user):
        return self._can_moderate(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if self._can_moderate(obj, user):
            return [
                ("reject", _("Request changes"), True),
                # Always a dialog: the approver sees the consent warning before approving.
                ("approve", _("Approve"), True),
            ]
        return []

    def get_template_for_action(self, action):
        if action == "approve":
            return "periscolaire/workflow/approve_modal.html"
        return ""

    def get_task_states_user_can_moderate(self, user, **kwargs):
        in_progress = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return in_progress
        from wagtail.models import Page

        states = list(in_progress.select_related("workflow_state"))
        pages = Page.objects.in_bulk([int(s.workflow_state.object_id) for s in states])
        allowed = [s.pk for s in states if (p := pages.get(int(s.workflow_state.object_id))) and self._can_moderate(p, user)]
        return in_progress.filter(pk__in=allowed)

    @classmethod
    def get_description(cls):
        return _("The moderators of the page's school approve it: the CLAE director or the school director.")
