from django.urls import include, path

# Each area of the organizer dashboards keeps its own URL module.
app_name = "organizer"
urlpatterns = [
    path("", include("organizer.urls_events")),
    path("", include("organizer.urls_promo_codes")),
    path("", include("organizer.urls_operations")),
]
