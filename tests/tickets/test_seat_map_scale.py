import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, Seat, SeatSection, TicketType
from tests.factories import EventFactory, TicketTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_a_5000_seat_map_renders_fast_in_few_queries_and_compact(client):
    event = EventFactory(seating=Event.Seating.RESERVED)
    bands = [
        TicketTypeFactory(event=event, name=name, price_kobo=price, capacity=0)
        for name, price in (("Gold", 5_000_000), ("Silver", 2_500_000))
    ]
    section = SeatSection.objects.create(event=event, name="Bowl")
    Seat.objects.bulk_create(
        Seat(
            event=event,
            section=section,
            ticket_type=bands[0] if r < 10 else bands[1],
            row_label=f"R{r + 1}",
            number=str(n + 1),
            label=f"Bowl-R{r + 1}-{n + 1}",
            x=n * 10,
            y=r * 10,
        )
        for r in range(50)
        for n in range(100)
    )
    TicketType.objects.filter(pk=bands[0].pk).update(capacity=1000)
    TicketType.objects.filter(pk=bands[1].pk).update(capacity=4000)
    url = reverse("tickets:availability", args=[event.slug])
    client.get(url)  # warm up templates
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<circle ") == 5000
    # event, lapsed-hold sweep, ticket types, counts (without Redis), seats, claims
    assert len(queries) <= 8, [q["sql"][:80] for q in queries]
    assert len(body) < 600_000  # about 100 bytes a seat
    assert elapsed < 1.5
