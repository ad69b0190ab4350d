from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("events/<slug:slug>/availability", views.availability, name="availability"),
    path("events/<slug:slug>/queue", views.queue, name="queue"),
    path("events/<slug:slug>/hold", views.hold_or_choose, name="hold"),
    path("events/<slug:slug>/hold-seats", views.hold_seats, name="hold_seats"),
    path("holds/<int:pk>", views.hold_detail, name="hold_detail"),
    path("holds/<int:pk>/release", views.release, name="release"),
]
