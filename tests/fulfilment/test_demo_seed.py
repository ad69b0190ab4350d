import pytest

from getiickets import demo
from tests.factories import TicketTypeFactory
from tickets import fulfilment
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
    assert mailoutbox == []  # demo data: nobody is emailed
    assert fulfilment.tickets_ready(order)  # the PDF is stored: the dashboard shows them


def test_the_seed_prints_a_short_summary_and_sends_no_mail(
    mailoutbox, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    out = capsys.readouterr().out
    assert len(out) < 1_000, out
    assert "Demo data:" in out and "tickets issued" in out
    assert mailoutbox == []
