"""Twenty scanners read the same ticket at the same moment: exactly one admits it."""

import threading

import pytest
from django.db import connection

from tests.factories import EventFactory, TicketTypeFactory, paid_order_with_tickets
from tickets import checkin
from tickets.models import CheckIn

pytestmark = [
    pytest.mark.needs_services,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

SCANNERS = 20


def test_twenty_concurrent_scans_of_one_ticket_admit_it_once():
    event = EventFactory()
    _, [ticket] = paid_order_with_tickets(ticket_type=TicketTypeFactory(event=event))
    barrier = threading.Barrier(SCANNERS)
    outcomes, errors = [], []

    def scan(n):
        try:
            barrier.wait(timeout=10)
            result = checkin.check_in(event=event, payload=ticket.qr_payload, device=f"Door {n}")
            outcomes.append((result.outcome, n))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(SCANNERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert not errors
    assert len(outcomes) == SCANNERS
    winners = [n for outcome, n in outcomes if outcome == "ok"]
    assert len(winners) == 1
    assert sorted(o for o, _ in outcomes if o != "ok") == ["duplicate"] * (SCANNERS - 1)
    record = CheckIn.objects.get(ticket=ticket)
    assert record.device == f"Door {winners[0]}"
