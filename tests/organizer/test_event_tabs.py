"""An event's tabs offer the seat map only where there are seats to map."""

import pytest
from django.urls import reverse

from tests.factories import EventFactory
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db


def test_the_seats_tab_shows_for_reserved_seating_only(client, organizer):
    sign_in_as_organizer(client, organizer.user)
    general = EventFactory(organizer=organizer, seating="general")
    seated = EventFactory(organizer=organizer, seating="reserved")
    for event, shown in ((general, False), (seated, True)):
        page = client.get(reverse("organizer:event_tickets", args=[event.pk])).content.decode()
        assert (reverse("organizer:event_seats", args=[event.pk]) in page) is shown
