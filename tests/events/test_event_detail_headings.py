import re

import pytest

from tests.factories import EventFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def test_the_event_page_names_its_tickets_once(client):
    event = EventFactory(title="Lagos Jazz Night")
    TicketTypeFactory(event=event, name="Regular", capacity=100)
    page = client.get(event.get_absolute_url()).text
    assert len(re.findall(r"<h2[^>]*>Tickets</h2>", page)) == 1
    assert 'id="tickets"' in page  # the "Get tickets" anchor still lands on the selector
    assert "Regular" in page
