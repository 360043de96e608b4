"""Class life URLs (French), mounted at /vie-de-classe/."""

from django.urls import path

from . import views

app_name = "class_blog"

urlpatterns = [
    path("devoirs/", views.homework_todo, name="homework_todo"),
    path("devoirs/saisie/", views.homework_quick_entry, name="homework_quick_entry"),
    path("devoirs/<int:pk>/supprimer/", views.homework_delete, name="homework_delete"),
    path("classe/<int:class_id>/devoirs/", views.class_homework, name="class_homework"),
    path("classe/<int:class_id>/gestion/", views.class_manage, name="class_manage"),
    path("classe/<int:class_id>/correspondants/inviter/", views.partnership_invite, name="partnership_invite"),
    path("correspondants/<int:pk>/<str:action>/", views.partnership_answer, name="partnership_answer"),
    path("mots/", views.note_list, name="note_list"),
    path("mots/nouveau/", views.note_create, name="note_create"),
    path("mots/<int:pk>/", views.note_detail, name="note_detail"),
    path("mots/<int:pk>/lu/", views.note_acknowledge, name="note_acknowledge"),
    path("mots/<int:pk>/accuses.csv", views.note_export, name="note_export"),
    path("mots/<int:pk>/relance/", views.note_remind, name="note_remind"),
    path("mots/<int:pk>/reponse/", views.note_answer, name="note_answer"),
    path("mots/<int:pk>/reponses.csv", views.note_answers_export, name="note_answers_export"),
    path("commentaires/billet/<int:post_id>/", views.comment_add, name="comment_add"),
    path("commentaires/<int:pk>/approuver/", views.comment_approve, name="comment_approve"),
    path("commentaires/<int:pk>/supprimer/", views.comment_delete, name="comment_delete"),
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    path("ecole/<int:school_id>/heures-calmes/", views.school_quiet_hours, name="school_quiet_hours"),
]
