import threading

import pytest
from django.db import connection

from orders.signals import order_paid
from tests.factories import OrderFactory
from tickets import issuing, signing
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_paid_order_gets_one_ticket_per_admission_with_a_signed_qr():
    order = OrderFactory(items=3)
    tickets = issuing.issue_tickets(order_id=order.pk)

    assert len(tickets) == 3
    assert {t.order_item_id for t in tickets} == set(order.items.values_list("pk", flat=True))
    for ticket in tickets:
        assert ticket.holder == order.buyer
        assert len(ticket.secret) >= 32  # 24 random bytes, base64url: 192 bits
        claim = signing.verify(ticket.qr_payload)
        assert claim == signing.QrClaim(
            ticket_id=ticket.pk, event_id=order.event_id, secret=ticket.secret
        )
    assert len({t.secret for t in tickets}) == 3
    assert [t.attendee_name for t in tickets] == ["Guest 1", "Guest 2", "Guest 3"]


def test_issuing_again_changes_nothing():
    order = OrderFactory(items=2)
    first = issuing.issue_tickets(order_id=order.pk)
    again = issuing.issue_tickets(order_id=order.pk)
    assert [t.pk for t in again] == [t.pk for t in first]
    assert Ticket.objects.filter(order=order).count() == 2


def test_an_unpaid_order_gets_no_tickets():
    order = OrderFactory(items=1, status="pending")
    with pytest.raises(issuing.OrderNotPaid):
        issuing.issue_tickets(order_id=order.pk)
    assert not Ticket.objects.exists()


def test_the_order_paid_signal_runs_the_whole_chain(mailoutbox, django_capture_on_commit_callbacks):
    order = OrderFactory(items=2)
    with django_capture_on_commit_callbacks(execute=True):
        order_paid.send(sender=None, order_id=order.pk)
    assert order.tickets.count() == 2
    assert order.delivery_logs.get(channel="pdf").state == "sent"
    assert len(mailoutbox) == 1


@pytest.mark.needs_services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_racing_workers_issue_each_ticket_once():
    order = OrderFactory(items=4)
    barrier = threading.Barrier(6)
    errors = []

    def work():
        try:
            barrier.wait()
            issuing.issue_tickets(order_id=order.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Ticket.objects.filter(order=order).count() == 4
