from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("events", views.event_list, name="list"),
    path("events/<slug:slug>", views.event_detail, name="detail"),
    path("events/<slug:slug>/calendar.ics", views.event_ics, name="ics"),
]
