"""Pupil URLs under /eleve/: the child's login, the pupil space, messages with the teacher, and the family's request."""

from django.urls import path

from . import messages, views

app_name = "pupils"

urlpatterns = [
    path("", views.start, name="start"),
    path("ecole/<int:school_id>/", views.school_classes, name="school"),
    path("classe/<int:class_id>/", views.class_names, name="class_names"),
    path("classe/<int:class_id>/<int:account_id>/", views.picture_login, name="pictures"),
    path("carte/<str:token>/", views.card_login, name="card_login"),
    path("fini/", views.finish, name="finish"),
    path("mon-espace/", views.space, name="space"),
    path("messages/", messages.message_list, name="messages"),
    path("messages/ecrire/", messages.write, name="message_write"),
    path("messages/<int:pk>/", messages.thread, name="message_thread"),
    path("famille/<int:pupil_id>/desactiver/", views.ask_disable, name="ask_disable"),
]
