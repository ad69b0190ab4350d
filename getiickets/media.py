"""User media served by Django (DEBUG only; nginx serves it in production, with the same
headers: deploy/nginx/default.conf.template)."""

from django.conf import settings
from django.views.static import serve

from getiickets.uploads import MEDIA_HEADERS


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    return response
