from django.urls import path

from orders import waitlist_views

app_name = "waitlist"
urlpatterns = [
    path("waitlist", waitlist_views.join, name="join"),
    path("waitlist/<int:entry_id>/leave", waitlist_views.leave, name="leave"),
]
