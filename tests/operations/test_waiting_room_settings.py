"""The organizer switches an event's waiting room on and sets its rate (their events only)."""

import pytest
from django.urls import reverse

from tests.factories import EventFactory
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
