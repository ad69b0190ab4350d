"""Capacity edits racing buyers' holds: the lock makes the organizer's check exact."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.db.models import F

from events import services
from events.models import TicketType
from tests.factories import TicketTypeFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]


def test_lowering_capacity_while_buyers_hold_never_oversells_or_crashes():
    tt = TicketTypeFactory(capacity=200)
    errors, refusals = [], []

    def buyers():
        try:
            for _ in range(120):
                TicketType.objects.filter(pk=tt.pk, held__lte=F("capacity") - F("sold") - 1).update(
                    held=F("held") + 1
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def organizer():
        try:
            for capacity in range(200, 60, -2):
                try:
                    services.update_ticket_type(ticket_type=tt, capacity=capacity)
                except services.CapacityTooLow:
                    refusals.append(capacity)
        except Exception as exc:  # an IntegrityError here would mean an unlocked check
            errors.append(exc)
        finally:
            connection.close()

    close_old_connections()
    threads = [threading.Thread(target=buyers), threading.Thread(target=organizer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tt.refresh_from_db()
    assert tt.held + tt.sold <= tt.capacity
    assert tt.capacity >= tt.held
    # Every refusal was for a capacity below what was held at that moment.
    assert all(c < 200 for c in refusals)
