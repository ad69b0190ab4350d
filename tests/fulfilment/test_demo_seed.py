import pytest

from getiickets import demo
from tests.factories import TicketTypeFactory
from tickets.demo import DEMO_REFERENCE, seed_fulfilled_order

pytestmark = pytest.mark.django_db


def test_the_demo_buyer_gets_tickets_once(mailoutbox, django_capture_on_commit_callbacks):
    demo.seed_users()
    ticket_type = TicketTypeFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        seed_fulfilled_order()
    with django_capture_on_commit_callbacks(execute=True):
        seed_fulfilled_order()
    from orders.models import Order

    order = Order.objects.get(reference=DEMO_REFERENCE)
    assert order.tickets.count() == 2
    ticket_type.refresh_from_db()
    assert ticket_type.sold == 2
    assert len(mailoutbox) == 1
