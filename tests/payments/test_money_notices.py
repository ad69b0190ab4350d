"""Buyers hear about every refund and about a cancelled event: the amount and when to expect
it, by email (Brevo stand-in) and SMS (Twilio stand-in), once each, from Celery tasks."""

import pytest

from events.signals import event_cancelled
from orders.models import Order
from payments import services
from payments.models import Refund
from tests.checkout_helpers import order_for, sandbox_choose
from tests.factories import PromoCodeFactory, TicketTypeFactory, UserFactory
from tickets.notices import expected_by

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


def paid(order):
    sandbox_choose(services.start_payment(order=order), "pay")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def phone_buyer():
    return UserFactory(phone="+2348031234567")


def test_every_refund_is_emailed_and_texted_with_its_amount_and_date(sandbox, brevo, twilio):
    ticket_type = TicketTypeFactory(price_kobo=2_500_000, capacity=10)
    promo = PromoCodeFactory(organizer=ticket_type.event.organizer, kind="percent", value=2_000)
    order = paid(
        order_for(buyer=phone_buyer(), ticket_type=ticket_type, quantity=2, promo_code=promo.code)
    )
    first = order.items.first()
    services.request_refund(order=order, amount_kobo=None, source="organizer", item_ids=[first.pk])
    services.request_refund(order=order, amount_kobo=None, source="organizer")

    refunds = list(Refund.objects.order_by("pk"))
    mails = [m for m in brevo.to(order.email) if m["subject"].startswith("Refund of")]
    assert [m["subject"] for m in mails] == [
        f"Refund of ₦20,000.00 for {order.event.title}",
        f"Refund of {refunds[1].amount_kobo / 100:,.2f}".replace("of ", "of ₦")
        + f" for {order.event.title}",
    ]
    when = expected_by(refunds[0].processed_at).strftime("%A %-d %B %Y")
    assert f"expect it by {when}" in mails[0]["textContent"]
    texts = [m["body"] for m in twilio.messages if "refunded" in m["body"]]
    assert len(texts) == 2
    assert "₦20,000.00 refunded" in texts[0]

    # Paystack's webhook for the same refund later changes nothing and sends nothing.
    services.confirm_refund(refund=refunds[0], source="webhook")
    assert len([m for m in brevo.to(order.email) if m["subject"].startswith("Refund of")]) == 2


def test_a_cancelled_event_tells_every_buyer_what_comes_back_and_when(sandbox, brevo, twilio):
    ticket_type = TicketTypeFactory(price_kobo=1_000_000, capacity=10)
    paying = paid(order_for(buyer=phone_buyer(), ticket_type=ticket_type, quantity=1))
    free_code = PromoCodeFactory(
        organizer=ticket_type.event.organizer, kind="percent", value=10_000
    )
    free = order_for(ticket_type=ticket_type, quantity=1, promo_code=free_code.code)
    from orders.services import complete_free_order

    complete_free_order(order=free)

    event_cancelled.send(sender=None, event=ticket_type.event)

    [notice] = [m for m in brevo.to(paying.email) if m["subject"].startswith("Cancelled")]
    assert "You get ₦10,450.00 back in full" in notice["textContent"]
    assert "expect it by" in notice["textContent"]
    assert any(m["subject"].startswith("Refund of ₦10,450.00") for m in brevo.to(paying.email))
    [free_notice] = [m for m in brevo.to(free.email) if m["subject"].startswith("Cancelled")]
    assert "nothing to pay back" in free_notice["textContent"]
    assert any("is cancelled" in m["body"] and "₦10,450.00" in m["body"] for m in twilio.messages)

    event_cancelled.send(sender=None, event=ticket_type.event)  # a repeat sends nothing new
    assert len([m for m in brevo.to(paying.email) if m["subject"].startswith("Cancelled")]) == 1
