"""The one moderation workflow of the CLAE spaces, and how an approved page gets published.

Imported by wagtail.models itself (``WAGTAIL_FINISH_WORKFLOW_ACTION``): models are imported inside
the functions.
"""

from django.db import transaction

#: Stored names (shown in the admin's workflow lists), in French like the role groups' names.
WORKFLOW_NAME = "Modération des galeries"
TASK_NAME = "Approbation par l'école (directeur du CLAE ou de l'école)"


@transaction.atomic
def gallery_workflow():
    """The "Gallery moderation" workflow and its single school moderator task (created once)."""
    from wagtail.models import Workflow, WorkflowTask

    from .models import SchoolModeratorTask

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.workflow_tasks.exists():
        task = SchoolModeratorTask.objects.filter(name=TASK_NAME).first() or SchoolModeratorTask.objects.create(name=TASK_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def assign_gallery_workflow(page):
    """Put a CLAE space (and everything below it) under the gallery moderation workflow."""
    from wagtail.models import WorkflowPage

    WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": gallery_workflow()})


def publish_approved(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish the approved revision.

    The approval is the permission: the approver was authorised by the workflow's task (for the
    CLAE spaces, ``policy.can_moderate``), so the publish does not also require Wagtail's
    publish permission, which animators and the CLAE director do not hold on their CLAE space
    (otherwise animators could publish without moderation).
    """
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)
