from django.urls import path

from getiickets import views

urlpatterns = [
    path("", views.home, name="home"),
]
