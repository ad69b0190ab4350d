import pytest

from events.models import TicketType
from tests.factories import SeatFactory, SeatSectionFactory, TicketTypeFactory, UserFactory
from tickets import inventory as services
from tickets.models import Hold, SeatClaim

pytestmark = pytest.mark.django_db(transaction=True)


def counts(ticket_type):
    ticket_type.refresh_from_db()
    return ticket_type.held, ticket_type.sold


def test_a_hold_takes_stock_and_a_release_gives_it_back_exactly_once():
    ticket_type = TicketTypeFactory(capacity=5)
    hold = services.hold_tickets(
        buyer=UserFactory(), event=ticket_type.event, quantities={ticket_type.pk: 3}
    )
    assert counts(ticket_type) == (3, 0)
    assert services.release_hold(hold=hold) is True
    assert services.release_hold(hold=hold) is False
    assert counts(ticket_type) == (0, 0)


def test_asking_for_more_than_is_left_is_sold_out_and_changes_nothing():
    ticket_type = TicketTypeFactory(capacity=2)
    with pytest.raises(services.SoldOut):
        services.hold_tickets(
            buyer=UserFactory(), event=ticket_type.event, quantities={ticket_type.pk: 3}
        )
    assert counts(ticket_type) == (0, 0)
    assert not Hold.objects.exists()


def test_a_new_selection_replaces_the_buyers_previous_hold():
    ticket_type = TicketTypeFactory(capacity=5)
    buyer = UserFactory()
    first = services.hold_tickets(
        buyer=buyer, event=ticket_type.event, quantities={ticket_type.pk: 2}
    )
    services.hold_tickets(buyer=buyer, event=ticket_type.event, quantities={ticket_type.pk: 1})
    first.refresh_from_db()
    assert first.status == Hold.Status.REPLACED
    assert counts(ticket_type) == (1, 0)


def test_selling_a_hold_moves_held_to_sold_once():
    ticket_type = TicketTypeFactory(capacity=5)
    hold = services.hold_tickets(
        buyer=UserFactory(), event=ticket_type.event, quantities={ticket_type.pk: 2}
    )
    assert services.sell_hold(hold=hold) is True
    assert services.sell_hold(hold=hold) is False
    assert services.release_hold(hold=hold) is False
    assert counts(ticket_type) == (0, 2)


def test_two_buyers_cannot_hold_the_same_seat():
    section = SeatSectionFactory()
    seat = SeatFactory(section=section)
    TicketType.objects.filter(pk=seat.ticket_type_id).update(capacity=1)
    services.hold_seats(buyer=UserFactory(), event=section.event, seat_ids=[seat.pk])
    with pytest.raises(services.SeatTaken):
        services.hold_seats(buyer=UserFactory(), event=section.event, seat_ids=[seat.pk])
    assert SeatClaim.objects.filter(seat=seat, state="held").count() == 1


def test_a_late_payment_is_sold_again_only_if_stock_is_left():
    ticket_type = TicketTypeFactory(capacity=1)
    event = ticket_type.event
    late = services.hold_tickets(buyer=UserFactory(), event=event, quantities={ticket_type.pk: 1})
    services.release_hold(hold=late, status=Hold.Status.EXPIRED)
    assert services.sell_lapsed_hold(hold=late) is True
    assert counts(ticket_type) == (0, 1)

    ticket_type.capacity = 2
    ticket_type.save()
    second = services.hold_tickets(buyer=UserFactory(), event=event, quantities={ticket_type.pk: 1})
    services.release_hold(hold=second, status=Hold.Status.EXPIRED)
    third = services.hold_tickets(buyer=UserFactory(), event=event, quantities={ticket_type.pk: 1})
    assert services.sell_lapsed_hold(hold=second) is False
    assert counts(ticket_type) == (1, 1)
    assert services.sell_hold(hold=third) is True
