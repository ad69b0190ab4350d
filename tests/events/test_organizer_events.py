"""Organizer event management: create, edit, ticket types, publish, cancel, ownership."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events import services
from events.models import Event, TicketType
from events.signals import event_cancelled
from tests.events.conftest import event_form_data, image_bytes, ticket_form_data
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db
LAGOS = ZoneInfo("Africa/Lagos")


def test_organizer_creates_a_draft_event_with_a_cover_image(
    organizer_client, organizer, category, venue
):
    cover = SimpleUploadedFile("cover.png", image_bytes("PNG"), content_type="image/png")
    response = organizer_client.post(
        reverse("organizer:event_create"),
        {**event_form_data(category, venue), "cover_image": cover},
    )
    event = Event.objects.get(title="Lagos Jazz Night")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizer:event_edit", args=[event.pk])
    assert event.organizer == organizer
    assert event.status == Event.Status.DRAFT
    assert event.slug == "lagos-jazz-night"
    assert event.cover_image.name.endswith(".png")
    # Times typed in Lagos time are stored as the right instant.
    assert event.starts_at.astimezone(LAGOS).hour == 19


def test_a_new_venue_can_be_added_while_creating(organizer_client, category, venue):
    data = event_form_data(category, venue)
    data.update(
        venue="",
        new_venue_name="Agodi Gardens",
        new_venue_address="Agodi GRA",
        new_venue_city="ibadan",
        new_venue_state="Oyo",
    )
    response = organizer_client.post(reverse("organizer:event_create"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.venue.name, event.venue.city) == ("Agodi Gardens", "Ibadan")


def test_end_before_start_is_refused_with_a_clear_error(organizer_client, category, venue):
    data = event_form_data(category, venue, ends_at="2030-03-14T18:00")
    response = organizer_client.post(reverse("organizer:event_create"), data)
    assert response.status_code == 400
    assert "The event must end after it starts." in response.content.decode()
    assert not Event.objects.exists()


def test_oversized_upload_is_refused(organizer_client, category, venue, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("big.png", image_bytes("PNG", (800, 800)), content_type="image/png")
    assert big.size > 1000
    response = organizer_client.post(
        reverse("organizer:event_create"), {**event_form_data(category, venue), "cover_image": big}
    )
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "name,content,ctype",
    [
        ("evil.png", b"<?php echo 'hi'; ?>", "image/png"),
        ("notes.txt", b"just text", "text/plain"),
    ],
)
def test_non_image_upload_is_refused(organizer_client, category, venue, name, content, ctype):
    upload = SimpleUploadedFile(name, content, content_type=ctype)
    response = organizer_client.post(
        reverse("organizer:event_create"),
        {**event_form_data(category, venue), "cover_image": upload},
    )
    assert response.status_code == 400
    assert "Upload a JPEG, PNG or WebP picture." in response.content.decode()
    assert not Event.objects.exists()


def test_gif_is_refused_even_though_it_is_an_image(organizer_client, category, venue):
    upload = SimpleUploadedFile("a.gif", image_bytes("GIF"), content_type="image/gif")
    response = organizer_client.post(
        reverse("organizer:event_create"),
        {**event_form_data(category, venue), "cover_image": upload},
    )
    assert response.status_code == 400
    assert "GIF images are not supported" in response.content.decode()


def test_another_organizers_event_pages_are_404(organizer_client):
    theirs = EventFactory(organizer=OrganizerFactory())
    tt = TicketTypeFactory(event=theirs)
    urls = [
        reverse("organizer:event_edit", args=[theirs.pk]),
        reverse("organizer:event_seats", args=[theirs.pk]),
        reverse("organizer:ticket_type_edit", args=[theirs.pk, tt.pk]),
    ]
    for url in urls:
        assert organizer_client.get(url).status_code == 404
    for name in ["event_publish", "event_unpublish", "event_cancel"]:
        assert (
            organizer_client.post(reverse(f"organizer:{name}", args=[theirs.pk])).status_code == 404
        )
    response = organizer_client.post(
        reverse("organizer:ticket_type_delete", args=[theirs.pk, tt.pk])
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Event.Status.PUBLISHED
    assert TicketType.objects.filter(pk=tt.pk).exists()


def test_organizer_pages_need_the_organizer_role(client, organizer):
    url = reverse("organizer:events")
    assert client.get(url).status_code == 302  # anonymous → sign in
    client.force_login(organizer.user)  # signed in but still in the buyer role
    assert client.get(url).status_code == 403


def test_organizer_lists_only_their_own_events(organizer_client, organizer):
    EventFactory(organizer=organizer, title="Mine Alone")
    EventFactory(title="Somebody Else's")
    body = organizer_client.get(reverse("organizer:events")).content.decode()
    assert "Mine Alone" in body
    assert "Somebody Else" not in body


def test_negative_price_is_refused(organizer_client, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    response = organizer_client.post(
        reverse("organizer:ticket_type_add", args=[event.pk]), ticket_form_data(price_kobo="-50")
    )
    assert response.status_code == 400
    assert "Price can&#x27;t be negative." in response.content.decode()
    assert not event.ticket_types.exists()


def test_ticket_types_are_added_in_kobo(organizer_client, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    url = reverse("organizer:ticket_type_add", args=[event.pk])
    organizer_client.post(url, ticket_form_data(name="Regular", price_kobo="15000"))
    organizer_client.post(url, ticket_form_data(name="VIP", price_kobo="50000.50", capacity="40"))
    assert list(event.ticket_types.values_list("name", "price_kobo", "capacity")) == [
        ("Regular", 1_500_000, 200),
        ("VIP", 5_000_050, 40),
    ]


def test_sales_window_must_be_ordered(organizer_client, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    response = organizer_client.post(
        reverse("organizer:ticket_type_add", args=[event.pk]),
        ticket_form_data(sales_start="2030-01-02T10:00", sales_end="2030-01-01T10:00"),
    )
    assert response.status_code == 400
    assert "Sales must end after they start." in response.content.decode()


def test_capacity_cannot_drop_below_sold_plus_held(organizer_client, organizer):
    event = EventFactory(organizer=organizer)
    tt = TicketTypeFactory(event=event, capacity=100)
    TicketType.objects.filter(pk=tt.pk).update(sold=30, held=5)
    url = reverse("organizer:ticket_type_edit", args=[event.pk, tt.pk])
    response = organizer_client.post(url, ticket_form_data(capacity="34"))
    assert response.status_code == 400
    assert "lower than the 35 tickets already sold or held" in response.content.decode()
    tt.refresh_from_db()
    assert tt.capacity == 100
    response = organizer_client.post(url, ticket_form_data(capacity="35"))
    assert response.status_code == 302
    tt.refresh_from_db()
    assert tt.capacity == 35


def test_ticket_type_with_sales_cannot_be_removed(organizer_client, organizer):
    event = EventFactory(organizer=organizer)
    sold = TicketTypeFactory(event=event, name="Regular")
    TicketType.objects.filter(pk=sold.pk).update(sold=1)
    unsold = TicketTypeFactory(event=event, name="VIP")
    response = organizer_client.post(
        reverse("organizer:ticket_type_delete", args=[event.pk, sold.pk]), follow=True
    )
    assert "has tickets sold or held" in response.content.decode()
    assert TicketType.objects.filter(pk=sold.pk).exists()
    organizer_client.post(reverse("organizer:ticket_type_delete", args=[event.pk, unsold.pk]))
    assert not TicketType.objects.filter(pk=unsold.pk).exists()


def test_publishing_needs_a_ticket_type(organizer_client, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    response = organizer_client.post(
        reverse("organizer:event_publish", args=[event.pk]), follow=True
    )
    assert "Add at least one ticket type before publishing." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_publishing_needs_a_complete_profile(organizer_client, organizer):
    organizer.business_address = ""
    organizer.save()
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    TicketTypeFactory(event=event)
    response = organizer_client.post(
        reverse("organizer:event_publish", args=[event.pk]), follow=True
    )
    assert "Complete your business details" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_publish_unpublish_and_cancel(
    organizer_client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    TicketTypeFactory(event=event)
    organizer_client.post(reverse("organizer:event_publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    organizer_client.post(reverse("organizer:event_unpublish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT

    received = []

    def listener(sender, event, **kwargs):
        received.append(event.pk)

    event_cancelled.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            organizer_client.post(reverse("organizer:event_cancel", args=[event.pk]))
    finally:
        event_cancelled.disconnect(listener)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert received == [event.pk]


def test_state_changes_need_post(organizer_client, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    assert (
        organizer_client.get(reverse("organizer:event_publish", args=[event.pk])).status_code == 405
    )


def test_edit_event_keeps_slug_and_updates_fields(organizer_client, organizer, category, venue):
    event = EventFactory(organizer=organizer, category=category, venue=venue, title="Old Title")
    slug = event.slug
    data = event_form_data(category, venue, title="New Title")
    response = organizer_client.post(reverse("organizer:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.slug) == ("New Title", slug)


def test_unpublish_refused_when_tickets_sold():
    tt = TicketTypeFactory()
    TicketType.objects.filter(pk=tt.pk).update(sold=2)
    with pytest.raises(services.EventError):
        services.unpublish_event(event=tt.event)


def test_past_event_cannot_be_published(organizer):
    from django.utils import timezone

    start = timezone.now() - timedelta(days=3)
    event = EventFactory(
        organizer=organizer,
        status=Event.Status.DRAFT,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    TicketTypeFactory(event=event)
    with pytest.raises(services.CannotPublish):
        services.publish_event(event=event)


def test_organizer_pages_render(organizer_client, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.DRAFT)
    tt = TicketTypeFactory(event=event)
    pages = {
        reverse("organizer:events"): event.title,
        reverse("organizer:event_create"): "Create draft",
        reverse("organizer:event_edit", args=[event.pk]): "Add a ticket type",
        reverse("organizer:ticket_type_edit", args=[event.pk, tt.pk]): "Save ticket type",
        reverse("organizer:event_seats", args=[event.pk]): "general admission",
    }
    for url, text in pages.items():
        response = organizer_client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_switching_to_general_admission_needs_the_seat_map_gone(
    organizer_client, organizer, category, venue
):
    event = EventFactory(
        organizer=organizer, seating=Event.Seating.RESERVED, category=category, venue=venue
    )
    tt = TicketTypeFactory(event=event, capacity=0)
    services.generate_section(event=event, name="Main", rows=1, seats_per_row=3, ticket_type=tt)
    response = organizer_client.post(
        reverse("organizer:event_edit", args=[event.pk]),
        event_form_data(category, venue, seating="general"),
    )
    assert response.status_code == 400
    assert "Delete the seat map before switching to general admission." in response.content.decode()


def test_capacity_messages_write_numbers_with_thousands_separators(organizer_client, organizer):
    event = EventFactory(organizer=organizer)
    tt = TicketTypeFactory(event=event, capacity=20_000)
    TicketType.objects.filter(pk=tt.pk).update(sold=12_000, held=500)
    url = reverse("organizer:ticket_type_edit", args=[event.pk, tt.pk])
    page = organizer_client.get(url).content.decode()
    assert "At least 12,500 (already sold or held)." in page
    assert "12,000 sold · 500 held" in page
    response = organizer_client.post(url, ticket_form_data(capacity="10000"))
    assert response.status_code == 400
    assert "lower than the 12,500 tickets already sold or held" in response.content.decode()
    response = organizer_client.post(url, ticket_form_data(capacity="2000000"))
    assert response.status_code == 400
    assert "At most 1,000,000." in response.content.decode()
