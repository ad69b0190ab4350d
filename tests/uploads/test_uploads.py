"""Uploads are stored as re-encoded pixels under generated names, and user media is served
so that a browser never runs it (getiickets.uploads)."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from events.models import Event
from getiickets.media import serve_media
from getiickets.uploads import MEDIA_HEADERS
from tests.events.conftest import event_form_data, image_bytes
from tests.factories import EventFactory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signed_in(organizer_client):
    return organizer_client


def _create(client, category, venue, upload):
    return client.post(
        reverse("organizer:event_create"),
        {**event_form_data(category, venue), "cover_image": upload},
    )


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_a_picture_with_a_script_appended_and_an_html_name_is_stored_as_clean_pixels(
    organizer_client, category, venue, fmt, ext
):
    upload = SimpleUploadedFile("cover.html", image_bytes(fmt) + SCRIPT, content_type="text/html")

    response = _create(organizer_client, category, venue, upload)

    assert response.status_code == 302
    stored = Event.objects.get().cover_image
    name = Path(stored.name).name
    assert name.endswith(f".{ext}") and "cover" not in name  # generated, detected format
    data = stored.read()
    assert b"<script>" not in data
    assert Image.open(io.BytesIO(data)).format == fmt


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
        ("cover.png", SCRIPT),
        ("cover.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # a PNG signature, no picture
    ],
)
def test_svg_html_and_broken_images_are_refused_with_a_message(
    organizer_client, category, venue, name, content
):
    response = _create(organizer_client, category, venue, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert "Upload a JPEG, PNG or WebP picture" in response.content.decode()
    assert not Event.objects.exists()


def test_a_file_saved_on_the_model_directly_is_re_encoded_too(organizer):
    """The admin and any other form: the model field does it when the row is saved."""
    event = EventFactory(organizer=organizer)
    event.cover_image = SimpleUploadedFile("x.html", image_bytes("PNG") + SCRIPT)
    event.save()

    event.refresh_from_db()
    assert event.cover_image.name.endswith(".png") and Path(event.cover_image.name).stem != "x"
    assert b"<script>" not in event.cover_image.read()


def test_media_served_by_django_is_never_sniffed_or_scripted(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "old.html").write_bytes(image_bytes("PNG") + SCRIPT)  # stored before the fix

    response = serve_media(RequestFactory().get("/media/old.html"), "old.html")

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_proxy_serves_media_with_the_same_headers():
    template = (ROOT / "deploy/nginx/default.conf.template").read_text()
    media = template.split("location /media/ {", 1)[1].split("\n    }", 1)[0]
    for header, value in MEDIA_HEADERS.items():
        assert f'add_header {header} "{value}" always;' in media
