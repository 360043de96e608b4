"""Who edits municipal resources: city editors draft, senior editors approve (a Wagtail workflow).

Set up idempotently whenever the resource index is saved (resources.signals) and by the demo:
- "Rédacteurs de la ville" (ent_pages.roles.city_editors_group): add/change/lock on the index, no publish;
- "Rédacteurs en chef": the same plus publish, and the approval task of the workflow;
- both groups manage the themes and canteen price snippets;
- the workflow "Ressources municipales" (one group approval task) is assigned to the index.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from ent_pages import roles

SENIOR_EDITORS_GROUP = "Rédacteurs en chef"
WORKFLOW_NAME = "Ressources municipales"
APPROVAL_TASK_NAME = "Validation par la rédaction en chef"
EDITOR_CODENAMES = ["add_page", "change_page", "lock_page", "unlock_page"]
SENIOR_CODENAMES = EDITOR_CODENAMES + ["publish_page"]
SNIPPET_MODELS = ["theme", "canteenpricetable"]


def senior_editors_group():
    group, created = Group.objects.get_or_create(name=SENIOR_EDITORS_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


def _snippet_permissions():
    return Permission.objects.filter(
        content_type__app_label="resources",
        content_type__model__in=SNIPPET_MODELS,
        codename__regex=r"^(add|change|delete|view)_",
    )


@transaction.atomic
def ensure_resource_editing(index_page):
    editors, seniors = roles.city_editors_group(), senior_editors_group()
    roles.grant_page_permissions(editors, index_page, EDITOR_CODENAMES)
    roles.grant_page_permissions(seniors, index_page, SENIOR_CODENAMES)
    snippet_permissions = list(_snippet_permissions())
    editors.permissions.add(*snippet_permissions)
    seniors.permissions.add(*snippet_permissions)

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=APPROVAL_TASK_NAME)
    task.groups.add(seniors)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index_page.page_ptr, defaults={"workflow": workflow})
    return workflow
