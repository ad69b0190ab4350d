"""The organizer switches an event's waiting room on and sets its rate (their events only)."""

import pytest
from django.urls import reverse

from tests.factories import EventFactory, TicketTypeFactory
from tickets.models import WaitingRoom

pytestmark = [pytest.mark.django_db]


def test_the_organizer_switches_the_waiting_room_and_sets_its_rate(organizer_client, organizer):
    event = EventFactory(organizer=organizer)
    url = reverse("organizer:waiting_room", args=[event.pk])
    response = organizer_client.post(url, {"enabled": "on", "admissions_per_minute": "240"})
    assert response.status_code == 302
    room = WaitingRoom.objects.get(event=event)
    assert room.enabled and room.admissions_per_minute == 240
    other = EventFactory()
    assert (
        organizer_client.post(
            reverse("organizer:waiting_room", args=[other.pk]), {"enabled": "on"}
        ).status_code
        == 404
    )
    page = organizer_client.get(url).content.decode()
    assert 'name="enabled"' in page and "checked" in page and 'value="240"' in page


WARNING = "The waiting room is not running on this site"


def test_without_redis_the_page_says_the_room_cannot_queue_anyone(
    organizer_client, event, settings
):
    settings.REDIS_URL = ""  # the embedded defaults: no Redis, so no queue
    TicketTypeFactory(event=event)
    url = reverse("organizer:waiting_room", args=[event.pk])
    response = organizer_client.post(url, {"enabled": "on"}, follow=True)
    assert response.status_code == 200
    assert "Waiting room saved." in response.content.decode()
    assert WARNING in response.content.decode()
    page = organizer_client.get(event.get_absolute_url()).content.decode()
    assert "Join the queue" not in page  # buyers go straight to the tickets


@pytest.mark.needs_services
def test_with_redis_the_page_has_no_such_warning_and_buyers_queue(organizer_client, event):
    TicketTypeFactory(event=event)
    url = reverse("organizer:waiting_room", args=[event.pk])
    response = organizer_client.post(url, {"enabled": "on"}, follow=True)
    assert WARNING not in response.content.decode()
    organizer_client.logout()
    assert "Join the queue" in organizer_client.get(event.get_absolute_url()).content.decode()
