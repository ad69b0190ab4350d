"""The Paystack webhook, against the sandbox over real HTTP: a charge gives value once, and
only when it is genuine and matches the order."""

import json

import pytest
import requests

from orders.models import Order
from payments import services
from payments.models import Payment, SandboxTransaction, WebhookEvent
from payments.sandbox.views import charge_success_body
from payments.webhooks import sign
from tests.checkout_helpers import order_for, sandbox_choose

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


def webhook_url(live_server):
    return live_server.url + "/api/v1/webhooks/paystack"


def post(live_server, body: bytes, signature=None, **headers):
    return requests.post(
        webhook_url(live_server),
        data=body,
        headers={
            "Content-Type": "application/json",
            "x-paystack-signature": sign(body) if signature is None else signature,
            **headers,
        },
        timeout=10,
    )


@pytest.fixture
def started_order(sandbox):
    """A pending order whose Paystack transaction was initialised on the sandbox."""
    order = order_for()
    services.start_payment(order=order)
    order.refresh_from_db()
    return order


def paid_sandbox_tx(order, **changes):
    tx = SandboxTransaction.objects.get(reference=order.reference)
    tx.status = "success"
    tx.save()
    return charge_success_body(tx, **changes)


def test_pay_on_the_sandbox_sends_a_signed_webhook_and_the_order_is_paid(started_order):
    response = sandbox_choose(started_order.authorization_url, "pay")
    assert response.status_code == 302
    assert "/checkout/callback?reference=" + started_order.reference in response.headers["Location"]
    started_order.refresh_from_db()
    assert started_order.status == Order.Status.PAID
    payment = Payment.objects.get()
    assert payment.amount_kobo == started_order.total_kobo
    assert payment.status == Payment.Status.SUCCESS
    assert payment.source == "webhook"
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.APPLIED


def test_a_forged_signature_is_refused_and_nothing_changes(sandbox, started_order):
    body = paid_sandbox_tx(started_order)
    response = post(sandbox, body, signature=sign(body, secret="sk_live_somebody_else"))
    assert response.status_code == 401
    response = post(sandbox, body, signature="")
    assert response.status_code == 401
    started_order.refresh_from_db()
    assert started_order.status == Order.Status.PENDING
    assert not Payment.objects.exists()
    assert not WebhookEvent.objects.exists()


def test_a_replayed_webhook_gives_value_once(sandbox, started_order):
    body = paid_sandbox_tx(started_order)
    answers = [post(sandbox, body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["outcome"] for a in answers] == ["applied", "duplicate", "duplicate"]
    assert Payment.objects.count() == 1
    started_order.refresh_from_db()
    assert started_order.status == Order.Status.PAID
    assert started_order.history.filter(to_status="paid").count() == 1
    assert WebhookEvent.objects.count() == 3  # every verified event is kept for audit


def test_less_money_than_the_order_is_flagged_and_the_order_stays_unpaid(sandbox, started_order):
    body = paid_sandbox_tx(started_order, amount=started_order.total_kobo - 100)
    assert post(sandbox, body).json()["outcome"] == "mismatch"
    started_order.refresh_from_db()
    assert started_order.status == Order.Status.PENDING
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.MISMATCH
    assert "order total" in payment.note
    assert started_order.hold.status == "active"


def test_a_currency_other_than_naira_is_flagged_and_the_order_stays_unpaid(
    sandbox, started_order, admin_client
):
    body = paid_sandbox_tx(started_order, currency="USD")
    assert post(sandbox, body).json()["outcome"] == "mismatch"
    started_order.refresh_from_db()
    assert started_order.status == Order.Status.PENDING
    assert Payment.objects.get().status == Payment.Status.MISMATCH
    # Staff find it with the admin's mismatch filter.
    page = admin_client.get("/admin/orders/order/?mismatch=yes")
    assert started_order.reference in page.content.decode()
    page = admin_client.get("/admin/payments/payment/?status__exact=mismatch")
    assert started_order.reference in page.content.decode()


def test_an_unknown_reference_is_acknowledged_recorded_and_changes_nothing(sandbox, started_order):
    body = json.dumps(
        {
            "event": "charge.success",
            "data": {
                "reference": "NOT-OURS-123",
                "status": "success",
                "amount": 500_000,
                "currency": "NGN",
                "metadata": 0,
            },
        }
    ).encode()
    response = post(sandbox, body)
    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.UNMATCHED
    assert not Payment.objects.exists()
    started_order.refresh_from_db()
    assert started_order.status == Order.Status.PENDING


def test_malformed_json_is_refused_and_nothing_is_stored(sandbox, started_order):
    body = b'{"event": "charge.success", "data": '
    assert post(sandbox, body).status_code == 400
    assert post(sandbox, b"[1, 2]").status_code == 400
    assert not WebhookEvent.objects.exists()
    assert not Payment.objects.exists()


def test_an_oversized_body_is_refused_before_it_is_read(sandbox, started_order, settings):
    body = b'{"event": "charge.success", "pad": "' + b"x" * (70 * 1024) + b'"}'
    response = post(sandbox, body)
    assert response.status_code == 413
    # Chunked, with no Content-Length: still refused once the limit is crossed.
    response = requests.post(
        webhook_url(sandbox),
        data=iter([body[:40_000], body[40_000:]]),
        headers={"x-paystack-signature": sign(body)},
        timeout=10,
    )
    assert response.status_code in (411, 413)
    assert not WebhookEvent.objects.exists()
    started_order.refresh_from_db()
    assert started_order.status == Order.Status.PENDING


def test_metadata_as_a_json_string_naming_the_order_is_fine(sandbox, started_order):
    metadata = json.dumps({"order_reference": started_order.reference})
    body = paid_sandbox_tx(started_order, metadata=metadata)
    assert post(sandbox, body).json()["outcome"] == "applied"


def test_staff_are_emailed_about_a_mismatch(sandbox, started_order, settings, mailoutbox):
    settings.ADMINS = [("Ops", "ops@getiickets.ng")]
    body = paid_sandbox_tx(started_order, amount=100)
    post(sandbox, body)
    assert any(started_order.reference in m.subject for m in mailoutbox)
