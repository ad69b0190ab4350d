"""Event covers get resized variants (phone, card, hero; WebP and JPEG) from a Celery task,
and pages serve them with srcset."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events import services
from events.models import Event
from tests.factories import CategoryFactory, OrganizerFactory, TicketTypeFactory, VenueFactory

pytestmark = pytest.mark.django_db


def cover_upload(size=(1600, 900)):
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, "JPEG", quality=95)
    return SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg")


def make_event(django_capture_on_commit_callbacks):
    from django.utils import timezone

    starts = timezone.now() + timezone.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.create_event(
            organizer=OrganizerFactory(),
            title="Lagos Photo Festival",
            description="Photos.",
            category=CategoryFactory(),
            starts_at=starts,
            ends_at=starts + timezone.timedelta(hours=3),
            venue=VenueFactory(),
            cover_image=cover_upload(),
        )
    event.refresh_from_db()
    return event


def test_a_new_cover_gets_webp_and_jpeg_variants_in_three_widths(
    django_capture_on_commit_callbacks,
):
    event = make_event(django_capture_on_commit_callbacks)
    variants = event.cover_variants
    assert variants["source"] == event.cover_image.name
    original = default_storage.size(event.cover_image.name)
    for ext, fmt in (("webp", "WEBP"), ("jpeg", "JPEG")):
        assert sorted(variants[ext], key=int) == ["480", "640", "1280"]
        for width, name in variants[ext].items():
            with default_storage.open(name) as f:
                image = Image.open(f)
                assert image.format == fmt
                assert image.size == (int(width), int(width) * 9 // 16)
            if width == "480":
                assert default_storage.size(name) < original / 3


def test_pages_serve_the_variants_with_srcset(client, django_capture_on_commit_callbacks):
    event = make_event(django_capture_on_commit_callbacks)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    TicketTypeFactory(event=event)
    html = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    webp = event.cover_variants["webp"]
    assert f'<source type="image/webp" srcset="{default_storage.url(webp["480"])} 480w' in html
    assert f"{default_storage.url(event.cover_variants['jpeg']['1280'])} 1280w" in html
    listing = client.get("/events").content.decode()
    assert default_storage.url(webp["640"]) in listing


def test_a_replaced_cover_drops_the_old_variants_until_its_own_are_ready(
    django_capture_on_commit_callbacks,
):
    event = make_event(django_capture_on_commit_callbacks)
    old = event.cover_variants
    services.update_event(event=event, venue=event.venue, cover_image=cover_upload((1200, 675)))
    event.refresh_from_db()
    assert event.cover_variants == {}
    from events.templatetags.covers import cover_picture

    html = cover_picture(event, "card")
    assert "srcset" not in html and event.cover_image.url in html
    assert old["webp"]["640"] not in html
