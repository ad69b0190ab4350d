"""The buyer comes back from Paystack: verify through the adapter, then show the outcome."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, PromoCode
from orders.services import expire_unpaid_orders
from payments import gateway, services
from payments.models import Payment, SandboxTransaction
from payments.services import reverify_pending_payments
from tests.checkout_helpers import order_for
from tests.factories import PromoCodeFactory, TicketTypeFactory
from tickets.models import Hold

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def started(sandbox, client):
    order = order_for()
    services.start_payment(order=order)
    client.force_login(order.buyer)
    return order, client


def set_tx(order, status):
    SandboxTransaction.objects.filter(reference=order.reference).update(
        status=status, paid_at=timezone.now() if status == "success" else None
    )


def test_a_successful_payment_lands_on_the_success_page(started):
    order, client = started
    set_tx(order, "success")  # the webhook has not arrived (yet)
    page = client.get(f"/checkout/callback?reference={order.reference}&trxref={order.reference}")
    assert page.status_code == 302
    assert page["Location"] == f"/checkout/success?reference={order.reference}"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.get().source == "callback"


def test_a_payment_still_in_progress_shows_the_confirming_page(started):
    order, client = started
    page = client.get(f"/checkout/callback?reference={order.reference}", follow=True)
    html = page.content.decode()
    assert "Your payment is being confirmed" in html
    assert 'http-equiv="refresh"' in html
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_a_declined_payment_goes_back_to_checkout_with_the_hold_intact(started):
    order, client = started
    set_tx(order, "failed")
    page = client.get(f"/checkout/callback?reference={order.reference}")
    assert page["Location"] == f"/checkout?hold={order.hold_id}"
    page = client.get(page["Location"])
    assert "Pay ₦20,800.00 with Paystack" in page.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.hold.status == Hold.Status.ACTIVE


def test_the_periodic_job_confirms_a_bank_transfer_that_finished_later(started):
    order, _ = started
    assert reverify_pending_payments() == 0
    set_tx(order, "success")
    assert reverify_pending_payments() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.get().source == "job"


def test_an_unreachable_paystack_is_a_clear_error_not_a_crash(sandbox, settings, client):
    settings.PAYSTACK_BASE_URL = "http://127.0.0.1:9/nothing-here"
    settings.PAYSTACK_TIMEOUT_SECONDS = 2
    order = order_for()
    with pytest.raises(services.PaymentUnavailable):
        services.start_payment(order=order)
    with pytest.raises(gateway.GatewayError):
        gateway.verify(order.reference)


def test_expired_unpaid_orders_give_their_promo_use_back_once(sandbox):
    ticket_type = TicketTypeFactory(capacity=5)
    promo = PromoCodeFactory(organizer=ticket_type.event.organizer, code="TEN", max_uses=1)
    order = order_for(ticket_type=ticket_type, promo_code="TEN")
    assert PromoCode.objects.get(pk=promo.pk).uses == 1
    Hold.objects.filter(pk=order.hold_id).update(expires_at=timezone.now() - timedelta(seconds=5))
    assert expire_unpaid_orders() == 1
    assert expire_unpaid_orders() == 0  # idempotent
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert PromoCode.objects.get(pk=promo.pk).uses == 0
    ticket_type.refresh_from_db()
    assert ticket_type.held == 0
    assert order.history.filter(to_status="expired").count() == 1
