"""Concurrency with real threads against the real database and the sandbox over HTTP."""

import pytest
import requests

from orders.models import Order, PromoCode
from orders.services import PromoRefused, place_order
from payments import services
from payments.models import Payment, SandboxTransaction
from payments.sandbox.views import charge_success_body
from payments.webhooks import sign
from tests.checkout_helpers import (
    csrf_from,
    details_for,
    hold_for,
    http_session_for,
    order_for,
    run_together,
)
from tests.factories import PromoCodeFactory, TicketTypeFactory, UserFactory

pytestmark = [pytest.mark.needs_services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_callback_and_webhook_racing_apply_one_payment(sandbox):
    order = order_for()
    services.start_payment(order=order)
    tx = SandboxTransaction.objects.get(reference=order.reference)
    tx.status = "success"
    tx.save()
    body = charge_success_body(tx)
    url = sandbox.url + "/api/v1/webhooks/paystack"

    def webhook():
        return requests.post(
            url, data=body, headers={"x-paystack-signature": sign(body)}, timeout=20
        ).json()["outcome"]

    def callback():
        return services.confirm(reference=order.reference, source="callback")[0]

    results, errors = run_together(webhook, callback, webhook, callback, webhook, callback)
    assert not errors
    assert sorted(results).count("applied") == 1
    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.history.filter(to_status="paid").count() == 1
    assert order.event.ticket_types.get().sold == 2


def test_a_double_clicked_pay_makes_one_order_and_one_paystack_transaction(sandbox):
    hold = hold_for()
    buyer = hold.buyer
    session = http_session_for(buyer, sandbox)
    page = session.get(f"{sandbox.url}/checkout?hold={hold.pk}", timeout=10)
    assert page.status_code == 200
    form = {
        "csrfmiddlewaretoken": csrf_from(page.text),
        "full_name": buyer.full_name,
        "email": buyer.email,
        "phone": "0803 123 4567",
    }

    def click():
        response = session.post(
            f"{sandbox.url}/checkout?hold={hold.pk}", data=form, allow_redirects=False, timeout=20
        )
        return response.status_code, response.headers.get("Location")

    results, errors = run_together(click, click, click)
    assert not errors
    assert {status for status, _ in results} == {302}
    assert len({location for _, location in results}) == 1  # the same Paystack page
    assert Order.objects.count() == 1
    assert SandboxTransaction.objects.count() == 1
    order = Order.objects.get()
    assert order.phone == "+2348031234567"
    assert results[0][1] == order.authorization_url


def test_fifty_buyers_racing_for_the_last_ten_uses_of_a_promo_code_get_exactly_ten():
    ticket_type = TicketTypeFactory(capacity=200)
    promo = PromoCodeFactory(organizer=ticket_type.event.organizer, max_uses=25)
    PromoCode.objects.filter(pk=promo.pk).update(uses=15)  # ten left
    holds = [hold_for(buyer=UserFactory(), ticket_type=ticket_type, quantity=1) for _ in range(50)]

    def buy(hold):
        def go():
            try:
                place_order(
                    buyer=hold.buyer,
                    hold=hold,
                    details=details_for(hold.buyer),
                    promo_code=promo.code.lower(),
                )
                return "ok"
            except PromoRefused as refused:
                return refused.message

        return go

    results, errors = run_together(*[buy(h) for h in holds])
    assert not errors
    assert results.count("ok") == 10
    assert set(results) - {"ok"} == {"That promo code has been used up."}
    promo.refresh_from_db()
    assert promo.uses == 25
    assert Order.objects.filter(promo_code=promo).count() == 10


def test_a_late_second_click_on_pay_goes_to_the_same_paystack_page(sandbox):
    hold = hold_for()
    session = http_session_for(hold.buyer, sandbox)
    page = session.get(f"{sandbox.url}/checkout?hold={hold.pk}", timeout=10)
    form = {
        "csrfmiddlewaretoken": csrf_from(page.text),
        "full_name": "Ada",
        "email": "ada@example.ng",
        "phone": "08031234567",
    }
    first, second = (
        session.post(f"{sandbox.url}/checkout?hold={hold.pk}", data=form, allow_redirects=False)
        for _ in range(2)
    )
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert SandboxTransaction.objects.count() == 1
