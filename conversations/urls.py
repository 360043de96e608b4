"""Conversations (French URLs), mounted at /messages/."""

from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("nouveau/", views.new_thread, name="new_thread"),
    path("<int:pk>/", views.thread_detail, name="thread"),
    path("<int:pk>/signaler/", views.report, name="report"),
    path("<int:pk>/fermer/", views.close, name="close"),
    path("<int:pk>/suspendre/<int:user_id>/", views.suspend, name="suspend"),
    path("message/<int:pk>/rappeler/", views.recall, name="recall"),
    path("classe/<int:class_id>/familles/", views.class_families, name="class_families"),
    path("classe/<int:class_id>/diffusion/", views.broadcast_new, name="broadcast_new"),
    path("diffusions/<int:pk>/", views.broadcast_detail, name="broadcast"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/lever/", views.lift, name="lift"),
]
