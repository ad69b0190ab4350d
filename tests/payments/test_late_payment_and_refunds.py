"""A payment after the hold lapsed, and refunds, through the sandbox over real HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.signals import event_cancelled
from getiickets.templatetags.money import format_naira
from orders.models import Order
from orders.services import expire_unpaid_orders
from payments import services
from payments.models import Payment, Refund, RefundBatch, WebhookEvent
from payments.webhooks import sign
from tests.checkout_helpers import hold_for, order_for, sandbox_choose
from tests.factories import TicketTypeFactory, UserFactory
from tickets.models import Hold, Ticket

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


def lapse(order):
    Hold.objects.filter(pk=order.hold_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_unpaid_orders() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED


def counts(ticket_type):
    ticket_type.refresh_from_db()
    return ticket_type.held, ticket_type.sold


def test_a_late_payment_is_honoured_when_the_tickets_are_still_there(sandbox):
    ticket_type = TicketTypeFactory(capacity=5)
    order = order_for(ticket_type=ticket_type, quantity=2)
    url = services.start_payment(order=order)
    lapse(order)
    assert counts(ticket_type) == (0, 0)

    sandbox_choose(url, "pay")

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.history.filter(to_status="paid", note__icontains="late").exists()
    assert counts(ticket_type) == (0, 2)
    assert Payment.objects.get().status == Payment.Status.SUCCESS


def test_a_late_payment_is_refunded_automatically_when_the_tickets_sold_out(sandbox):
    ticket_type = TicketTypeFactory(capacity=2)
    order = order_for(ticket_type=ticket_type, quantity=2)
    url = services.start_payment(order=order)
    lapse(order)
    hold_for(buyer=UserFactory(), ticket_type=ticket_type, quantity=2)  # someone else took them

    sandbox_choose(url, "pay")

    order.refresh_from_db()
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.LATE_REFUNDED
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.LATE
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.PROCESSED  # the sandbox's refund API answered
    assert refund.amount_kobo == order.total_kobo
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_kobo == order.total_kobo
    assert counts(ticket_type) == (2, 0)  # the other buyer's hold is untouched; nothing sold


def paid_order(sandbox, **kwargs):
    order = order_for(**kwargs)
    sandbox_choose(services.start_payment(order=order), "pay")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def issue_tickets(order):
    """Tickets for the order (the fulfilment area issues them on order_paid where present)."""
    for item in order.items.all():
        if Ticket.objects.filter(order_item=item, status="valid").exists():
            continue
        Ticket.objects.create(
            order=order,
            order_item=item,
            event=order.event,
            ticket_type=item.ticket_type,
            holder=order.buyer,
            secret=f"s-{item.pk}-{order.pk}",
        )


def test_a_partial_refund_moves_the_order_to_partially_refunded(sandbox):
    order = paid_order(sandbox)
    refund = services.request_refund(order=order, amount_kobo=500_000, source="organizer")
    assert refund.status == Refund.Status.PROCESSED
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_kobo == 500_000
    with pytest.raises(services.RefundRefused):
        services.request_refund(order=order, amount_kobo=order.total_kobo, source="organizer")


def test_a_full_refund_voids_the_tickets_and_puts_the_stock_back(sandbox):
    ticket_type = TicketTypeFactory(capacity=10)
    order = paid_order(sandbox, ticket_type=ticket_type, quantity=3)
    issue_tickets(order)
    assert counts(ticket_type) == (0, 3)
    services.request_refund(order=order, amount_kobo=None, source="staff")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_kobo == order.total_kobo
    assert set(order.tickets.values_list("status", flat=True)) == {"void"}
    assert counts(ticket_type) == (0, 0)


def test_a_refund_processed_webhook_confirms_a_pending_refund_once(sandbox):
    import requests

    order = paid_order(sandbox)
    refund = Refund.objects.create(
        order=order,
        amount_kobo=order.total_kobo,
        status=Refund.Status.PENDING,
        paystack_refund_id="3018284",
        source="staff",
    )
    body = (
        '{"event": "refund.processed", "data": {"id": 3018284, "status": "processed", '
        f'"amount": "{order.total_kobo}", "transaction_reference": "{order.reference}"}}}}'
    ).encode()
    url = sandbox.url + "/api/v1/webhooks/paystack"
    for _ in range(2):
        requests.post(url, data=body, headers={"x-paystack-signature": sign(body)}, timeout=10)
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.PROCESSED
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_kobo == order.total_kobo
    assert order.history.filter(to_status="refunded").count() == 1


def test_cancelling_an_event_refunds_every_paid_order_as_a_batch(sandbox):
    ticket_type = TicketTypeFactory(capacity=20)
    orders = [paid_order(sandbox, ticket_type=ticket_type, quantity=1) for _ in range(3)]
    pending = order_for(ticket_type=ticket_type, quantity=1)

    event_cancelled.send(sender=None, event=ticket_type.event)

    batch = RefundBatch.objects.get()
    assert (batch.total, batch.refunded, batch.failed, batch.status) == (3, 3, 0, "done")
    for order in orders:
        order.refresh_from_db()
        assert order.status == Order.Status.REFUNDED
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING


def _refund(client, order, **data):
    """Ask for a refund, check the confirmation page, then confirm it."""
    url = f"/organizer/orders/{order.reference}"
    asked = client.post(url, data)
    if asked.status_code != 200:
        return asked
    assert Refund.objects.filter(order=order).count() == order.refunds.count()
    return client.post(url, {**data, "confirm_kobo": asked.context["amount_kobo"]})


def test_the_organizer_refunds_part_of_an_order_from_its_page(sandbox, client):
    order = paid_order(sandbox)
    organizer = order.event.organizer
    client.force_login(organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    asked = client.post(
        f"/organizer/orders/{order.reference}", {"amount_naira": "5000", "reason": "Late start"}
    )
    assert asked.status_code == 200
    assert "Refund ₦5,000.00?" in asked.content.decode()
    assert not Refund.objects.exists()  # nothing goes before the organizer confirms
    page = _refund(client, order, amount_naira="5000", reason="Late start")
    assert page.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_kobo == 500_000
    assert Refund.objects.get().requested_by == organizer.user
    page = client.post(f"/organizer/orders/{order.reference}", {"amount_naira": "999999"})
    assert page.status_code == 400
    assert "At most ₦15,800.00 can still be refunded." in page.content.decode()
    page = _refund(client, order, amount_naira="")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_kobo == order.total_kobo


def test_a_confirmation_for_an_amount_that_changed_is_asked_again(sandbox, client):
    order = paid_order(sandbox)
    client.force_login(order.event.organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    url = f"/organizer/orders/{order.reference}"
    everything = client.post(url, {"amount_naira": ""}).context["amount_kobo"]
    services.request_refund(order=order, amount_kobo=500_000, source="staff")  # meanwhile
    stale = client.post(url, {"amount_naira": "", "confirm_kobo": everything})
    assert stale.status_code == 409
    assert "The amount changed" in stale.content.decode()
    assert Refund.objects.count() == 1


def test_staff_refund_in_full_from_the_admin(sandbox, admin_client):
    order = paid_order(sandbox)
    asked = admin_client.post(
        "/admin/orders/order/",
        {"action": "refund_in_full", "_selected_action": [order.pk]},
    )
    assert asked.status_code == 200
    assert "Refund these orders in full?" in asked.content.decode()
    assert format_naira(order.total_kobo) in asked.content.decode()
    assert not Refund.objects.exists()  # nothing goes before staff confirm
    admin_client.post(
        "/admin/orders/order/",
        {"action": "refund_in_full", "_selected_action": [order.pk], "confirmed": "yes"},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert Refund.objects.get().source == "staff"


def test_the_organizer_refunds_one_ticket_of_three_and_only_that_one_is_void(sandbox, client):
    ticket_type = TicketTypeFactory(capacity=10, price_kobo=1_000_000)
    order = paid_order(sandbox, ticket_type=ticket_type, quantity=3)
    issue_tickets(order)
    first, second, third = order.items.all()
    client.force_login(order.event.organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    page = client.get(f"/organizer/orders/{order.reference}")
    assert "Tickets to refund" in page.content.decode()
    page = _refund(client, order, items=[second.pk])
    assert page.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_kobo == 1_000_000  # the ticket's price; the fee is not refunded
    statuses = dict(order.tickets.values_list("order_item_id", "status"))
    assert statuses == {first.pk: "valid", second.pk: "void", third.pk: "valid"}
    assert counts(ticket_type) == (0, 2)
    # Refunding the rest voids the others and returns their stock; the refunded one stays.
    services.request_refund(order=order, amount_kobo=None, source="organizer")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert set(order.tickets.values_list("status", flat=True)) == {"void"}
    assert counts(ticket_type) == (0, 0)


def test_a_refund_paystack_cannot_take_is_reported_and_can_be_tried_again(sandbox, settings):
    order = paid_order(sandbox)
    good = settings.PAYSTACK_BASE_URL
    settings.PAYSTACK_BASE_URL = "http://127.0.0.1:9"
    settings.PAYSTACK_TIMEOUT_SECONDS = 2
    with pytest.raises(services.gateway.GatewayError):
        services.request_refund(order=order, amount_kobo=None, source="organizer")
    assert Refund.objects.get().status == Refund.Status.FAILED
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    settings.PAYSTACK_BASE_URL = good
    services.request_refund(order=order, amount_kobo=None, source="organizer")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


def test_running_the_event_refund_batch_again_refunds_nobody_twice(sandbox):
    ticket_type = TicketTypeFactory(capacity=20)
    order = paid_order(sandbox, ticket_type=ticket_type, quantity=1)
    event_cancelled.send(sender=None, event=ticket_type.event)
    batch = RefundBatch.objects.get()
    RefundBatch.objects.filter(pk=batch.pk).update(status="running")  # as if a worker died
    services.run_refund_batch(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.refunded, batch.failed) == (1, 0)
    assert Refund.objects.filter(order=order).count() == 1
