"""A charge pays an order only if everything about it is the order's: reference, metadata,
amount, currency and customer. Anything else, and every failed charge, gives no value and is
kept for staff (webhook and callback, against the sandbox over real HTTP)."""

import json

import pytest

from orders.models import Order
from payments import services
from payments.models import Payment, RejectedCharge, SandboxTransaction
from tests.checkout_helpers import order_for, sandbox_choose
from tests.payments.test_webhook import paid_sandbox_tx, post

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_orders(sandbox):
    mine, other = order_for(), order_for()
    for order in (mine, other):
        services.start_payment(order=order)
        order.refresh_from_db()
    return mine, other


def assert_unpaid_and_kept(order, kind, reason):
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert not Payment.objects.filter(status=Payment.Status.SUCCESS).exists()
    rejected = RejectedCharge.objects.get(reference=order.reference)
    assert rejected.kind == kind
    assert reason in rejected.reason


@pytest.mark.parametrize(
    "change, reason",
    [
        (
            lambda mine, other: {"metadata": json.dumps({"order_reference": other.reference})},
            "metadata names order",
        ),
        (lambda mine, other: {"metadata": ""}, "metadata names order none"),
        (
            lambda mine, other: {
                "metadata": json.dumps({"order_reference": mine.reference, "order_id": other.pk})
            },
            "metadata names order id",
        ),
        (lambda mine, other: {"customer": {"email": "someone@else.ng"}}, "customer someone@else"),
        (lambda mine, other: {"amount": mine.total_kobo + 100}, "order total"),
        (lambda mine, other: {"currency": "GHS"}, "currency GHS"),
    ],
    ids=["metadata-other-order", "no-metadata", "other-order-id", "customer", "amount", "currency"],
)
def test_a_charge_that_is_not_the_orders_gives_no_value(sandbox, two_orders, change, reason):
    mine, other = two_orders
    body = paid_sandbox_tx(mine, **change(mine, other))
    assert post(sandbox, body).json()["outcome"] == "mismatch"
    assert_unpaid_and_kept(mine, RejectedCharge.Kind.MISMATCH, reason)
    other.refresh_from_db()
    assert other.status == Order.Status.PENDING
    # Replaying it changes nothing and records nothing more.
    assert post(sandbox, body).json()["outcome"] == "duplicate"
    assert RejectedCharge.objects.count() == 1


def test_the_callback_checks_the_same_way(sandbox, two_orders, client):
    mine, _ = two_orders
    tx = SandboxTransaction.objects.get(reference=mine.reference)
    tx.status, tx.email = "success", "thief@example.ng"
    tx.save()
    client.force_login(mine.buyer)
    page = client.get(f"/checkout/callback?reference={mine.reference}")
    assert page.status_code == 302
    assert_unpaid_and_kept(mine, RejectedCharge.Kind.MISMATCH, "customer thief@example.ng")


def test_a_declined_charge_is_recorded_once_for_staff(sandbox, two_orders, client, admin_client):
    mine, _ = two_orders
    sandbox_choose(mine.authorization_url, "decline")
    client.force_login(mine.buyer)
    for _ in range(2):  # the buyer comes back twice; the job asks again
        client.get(f"/checkout/callback?reference={mine.reference}")
    services.reverify_pending_payments()
    assert_unpaid_and_kept(mine, RejectedCharge.Kind.FAILED, "not paid")
    assert RejectedCharge.objects.get().paystack_status == "failed"
    page = admin_client.get("/admin/payments/rejectedcharge/?kind__exact=failed")
    assert mine.reference in page.content.decode()


def test_a_charge_for_an_unknown_reference_is_kept(sandbox, two_orders):
    mine, _ = two_orders
    body = paid_sandbox_tx(mine, reference="NOT-OURS-1")
    assert post(sandbox, body).json()["outcome"] == "unmatched"
    rejected = RejectedCharge.objects.get()
    assert (rejected.reference, rejected.kind, rejected.order) == ("NOT-OURS-1", "unmatched", None)


def test_a_genuine_charge_still_pays(sandbox, two_orders):
    mine, _ = two_orders
    sandbox_choose(mine.authorization_url, "pay")
    mine.refresh_from_db()
    assert mine.status == Order.Status.PAID
    assert not RejectedCharge.objects.exists()
