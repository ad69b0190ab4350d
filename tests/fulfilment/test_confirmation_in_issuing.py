"""The issuing task sends the confirmation itself: tickets in a few queries whatever their
number, the email and SMS from the tickets and QR codes it has in hand, and a step the
provider refuses handed to its own task, which sends it once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrderFactory, UserFactory
from tickets import fulfilment, issuing, signing

pytestmark = pytest.mark.django_db


def queries_to_issue(items: int) -> int:
    order = OrderFactory(items=items)
    with CaptureQueriesContext(connection) as issued:
        tickets = issuing.issue_tickets(order_id=order.pk)
    assert len(tickets) == items
    for ticket in tickets:
        assert signing.verify(ticket.qr_payload).ticket_id == ticket.pk
    return len(issued)


def test_issuing_ten_tickets_takes_as_many_queries_as_two():
    # order, items, the event's signing key (made here), one batch, the tickets: was 5 a ticket
    assert queries_to_issue(10) == queries_to_issue(2) <= 12


@pytest.fixture
def order():
    buyer = UserFactory(email="ada@example.ng", phone="+2348031234567")
    return OrderFactory(items=3, buyer=buyer, phone="+2348031234567")


def test_the_email_brevo_refused_while_issuing_goes_later_once_and_the_sms_does_not_wait(
    order, brevo, twilio
):
    brevo.fail_next = 1  # Brevo answers 500 once: to the issuing task's attempt
    fulfilment.start_fulfilment(order.pk)

    assert len(brevo.messages) == 1 and len(brevo.to("ada@example.ng")) == 1
    assert len(twilio.messages) == 1
    logs = {d.channel: d for d in order.delivery_logs.all()}
    assert (logs["email"].state, logs["email"].attempts) == ("sent", 2)
    assert (logs["sms"].state, logs["sms"].attempts) == ("sent", 1)
    assert logs["pdf"].state == "sent"


def test_with_brevo_down_the_sms_and_pdf_still_go_and_the_email_ends_failed(order, brevo, twilio):
    brevo.fail_next = 100  # down for good: the issuing task's try, then its own task's retries
    fulfilment.start_fulfilment(order.pk)

    assert brevo.messages == []
    assert len(twilio.messages) == 1
    logs = {d.channel: d for d in order.delivery_logs.all()}
    assert (logs["email"].state, logs["email"].attempts) == ("failed", 1 + 1 + 8)
    assert (logs["sms"].state, logs["pdf"].state) == ("sent", "sent")
    assert order.tickets.count() == 3
