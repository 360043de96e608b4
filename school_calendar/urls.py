from django.urls import path

from . import views

app_name = "school_calendar"

urlpatterns = [
    path("", views.my_calendar, name="my_calendar"),
    path("evenement/nouveau/", views.event_create, name="event_create"),
    path("evenement/<int:event_id>/supprimer/", views.event_delete, name="event_delete"),
    path("abonnement/", views.subscription, name="subscription"),
    path("ics/<str:token>/", views.ics_feed, name="ics_feed"),
]
