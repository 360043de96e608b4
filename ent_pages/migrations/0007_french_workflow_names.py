"""Wagtail's default workflow and task are named in English ("Moderators approval"): teachers read
"Soumettre à Moderators approval" on every page. Name them in French."""

from django.db import migrations

RENAMES = {"Moderators approval": "Validation par les modérateurs"}


def rename(apps, schema_editor, renames=RENAMES):
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    for old, new in renames.items():
        Task.objects.filter(name=old).update(name=new)
        Workflow.objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("ent_pages", "0006_city_look"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
