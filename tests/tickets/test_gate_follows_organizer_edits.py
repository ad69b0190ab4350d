"""Organizer edits of stock (capacity, seats blocked and unblocked, in bulk) keep the Redis
gate in step: what the edit frees sells at once, what it removes is never sold."""

import pytest

from events import services as events
from events.models import Event
from tests.factories import EventFactory, TicketTypeFactory, UserFactory
from tickets import inventory
from tickets.inventory import gate

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db]


@pytest.fixture
def seated_event():
    event = EventFactory(seating=Event.Seating.RESERVED)
    band = TicketTypeFactory(event=event, name="Stalls", capacity=0)
    events.generate_section(event=event, name="Stalls", rows=1, seats_per_row=4, ticket_type=band)
    return event, band, list(event.seats.order_by("number"))


def test_an_unblocked_seat_sells_at_once(seated_event):
    event, band, seats = seated_event
    events.set_seats_blocked(event=event, blocked=True, seat_ids=[seats[3].pk])
    band.refresh_from_db()
    assert band.capacity == 3
    # Three buyers take the three bookable seats: the gate's counter is at 0 now.
    for seat in seats[:3]:
        inventory.hold_seats(buyer=UserFactory(), event=event, seat_ids=[seat.pk])
    assert gate.counters([band.pk]) == {band.pk: 0}

    events.set_seats_blocked(event=event, blocked=False, seat_ids=[seats[3].pk])  # bulk edit
    hold = inventory.hold_seats(buyer=UserFactory(), event=event, seat_ids=[seats[3].pk])
    assert hold.status == "active"
    band.refresh_from_db()
    assert (band.capacity, band.held) == (4, 4)
    assert gate.counters([band.pk]) == {band.pk: 0}


def test_blocking_seats_takes_them_out_of_the_gate_too(seated_event):
    event, band, seats = seated_event
    inventory.hold_seats(buyer=UserFactory(), event=event, seat_ids=[seats[0].pk])
    assert gate.counters([band.pk]) == {band.pk: 3}
    events.set_seats_blocked(event=event, blocked=True, seat_ids=[s.pk for s in seats[2:]])
    inventory.hold_seats(buyer=UserFactory(), event=event, seat_ids=[seats[1].pk])
    assert gate.counters([band.pk]) == {band.pk: 0}
    with pytest.raises(inventory.InvalidSelection):
        inventory.hold_seats(buyer=UserFactory(), event=event, seat_ids=[seats[2].pk])


def test_a_raised_or_lowered_capacity_is_what_the_gate_sells():
    regular = TicketTypeFactory(capacity=2)
    event = regular.event
    for _ in range(2):
        inventory.hold_tickets(buyer=UserFactory(), event=event, quantities={regular.pk: 1})
    with pytest.raises(inventory.SoldOut):
        inventory.hold_tickets(buyer=UserFactory(), event=event, quantities={regular.pk: 1})

    events.update_ticket_type(ticket_type=regular, capacity=5)
    inventory.hold_tickets(buyer=UserFactory(), event=event, quantities={regular.pk: 1})
    assert gate.counters([regular.pk]) == {regular.pk: 2}

    events.update_ticket_type(ticket_type=regular, capacity=3)
    with pytest.raises(inventory.SoldOut):
        inventory.hold_tickets(buyer=UserFactory(), event=event, quantities={regular.pk: 1})
    assert gate.counters([regular.pk]) == {regular.pk: 0}
