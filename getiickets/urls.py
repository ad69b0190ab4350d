from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from getiickets.health import health
from getiickets.media import serve_media

handler400 = "getiickets.views.bad_request"

admin.site.site_header = "getiickets staff"
admin.site.site_title = "getiickets staff"
admin.site.index_title = "Operations"

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    # Before the JSON API: its catch-all 404 would swallow /api/v1/webhooks/paystack.
    path("", include("payments.urls")),
    path("api/v1/", include("getiickets.api_urls")),
    path("auth/", include("accounts.auth_urls")),
    path("", include("accounts.urls")),
    path("", include("events.urls")),
    path("", include("tickets.urls")),
    path("", include("orders.urls")),
    path("", include("orders.waitlist_urls")),
    path("", include("tickets.dashboard_urls")),
    path("organizer/", include("organizer.urls")),
    path("", include("getiickets.page_urls")),
]

if settings.DEBUG:
    # User media with the headers the proxy adds in production (getiickets.uploads).
    urlpatterns += static(settings.MEDIA_URL, view=serve_media)
