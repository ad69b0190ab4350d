"""No database transaction or row lock is held while Paystack answers, and a double-clicked
Pay still makes exactly one Paystack transaction. Paystack is the stand-in in
tests/standins/paystack.py, which looks at the database from its own connection while it
answers."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from getiickets.external import CalledInsideTransaction
from orders.models import Order
from payments import gateway, services
from payments.models import Refund
from tests.checkout_helpers import order_for, run_together
from tests.standins.paystack import PaystackStandin


@pytest.fixture
def paystack(settings):
    with PaystackStandin() as standin:
        settings.PAYSTACK_BASE_URL = standin.url
        settings.PAYSTACK_SECRET_KEY = standin.secret_key
        settings.CELERY_TASK_ALWAYS_EAGER = True
        gateway.reset()
        yield standin
        gateway.reset()


@pytest.mark.needs_services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("clicks", [1, 3])
def test_pay_pressed_at_once_makes_one_paystack_transaction_and_locks_nothing_meanwhile(
    paystack, clicks
):
    order = order_for()
    results, errors = run_together(*[lambda: services.start_payment(order=order)] * clicks)
    assert not errors
    assert paystack.initialized == [order.reference]
    assert len(set(results)) == 1 and results[0].startswith(paystack.url + "/checkout/")
    order.refresh_from_db()
    assert order.authorization_url == results[0] and order.payment_started_at is not None
    assert paystack.probe.probes == 1
    assert paystack.findings == []


@pytest.mark.needs_services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_verifying_and_refunding_hold_no_transaction_while_paystack_answers(paystack):
    order = order_for()
    services.start_payment(order=order)
    paystack.succeed(order.reference)
    assert services.confirm(reference=order.reference, source="callback")[0] == "applied"
    refund = services.request_refund(order=order, amount_kobo=None, source="staff")
    assert refund.status == Refund.Status.PENDING
    assert paystack.refunds == [(order.reference, order.total_kobo)]
    assert paystack.probe.probes == 3  # initialize, verify, refund
    assert paystack.findings == []


@pytest.mark.django_db
def test_a_refused_start_frees_the_claim_so_the_next_click_tries_again(paystack, settings):
    order = order_for()
    settings.PAYSTACK_SECRET_KEY = "sk_test_wrong"
    with pytest.raises(services.PaymentUnavailable, match="Invalid key"):
        services.start_payment(order=order)
    order.refresh_from_db()
    assert order.payment_started_at is None and order.authorization_url == ""
    settings.PAYSTACK_SECRET_KEY = paystack.secret_key
    assert services.start_payment(order=order).startswith(paystack.url)
    assert paystack.initialized == [order.reference]


@pytest.mark.django_db
def test_after_a_crash_paystack_refusing_the_duplicate_reference_starts_no_second_one(
    paystack, settings
):
    settings.PAYSTACK_TIMEOUT_SECONDS = 2  # how long the buyer waits for a recorded page
    order = order_for()
    # A process claimed the order, reached Paystack, and died before recording the page.
    gateway.initialize(
        reference=order.reference,
        amount_kobo=order.total_kobo,
        email=order.email,
        callback_url="http://testserver/callback",
        metadata={},
    )
    Order.objects.filter(pk=order.pk).update(
        payment_started_at=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(services.PaymentUnavailable, match="already started") as refused:
        services.start_payment(order=order)
    assert order.reference in refused.value.message
    assert paystack.initialized == [order.reference]  # Paystack refused the second one
    assert paystack.requests.count(("initialize", order.reference)) == 2


@pytest.mark.django_db
def test_any_paystack_call_inside_a_transaction_is_refused_before_it_leaves(paystack):
    with pytest.raises(CalledInsideTransaction), transaction.atomic():
        gateway.verify("GT-ANY")
    assert paystack.requests == []


@pytest.mark.needs_services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_verifying_a_bank_account_and_paying_out_hold_no_transaction_while_paystack_answers(
    paystack,
):
    from events.models import Event
    from payments import payouts
    from payments.models import Payout, PayoutAccount

    order = order_for()
    services.start_payment(order=order)
    paystack.succeed(order.reference)
    assert services.confirm(reference=order.reference, source="callback")[0] == "applied"
    organizer = order.event.organizer
    Event.objects.filter(pk=order.event_id).update(
        starts_at=timezone.now() - timedelta(days=11), ends_at=timezone.now() - timedelta(days=10)
    )

    account = payouts.set_payout_account(
        organizer=organizer, user=organizer.user, bank_code="058", account_number="0123456789"
    )
    assert (account.account_name, account.recipient_code) == (
        "ADAEZE NGOZI OKONKWO",
        "RCP_00000001",
    )
    payout = payouts.start_payout(organizer=organizer, source="job")
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING  # until the signed transfer.success arrives
    assert paystack.transfers[payout.reference]["amount"] == payout.amount_kobo
    assert payout.amount_kobo == order.total_kobo - order.fee_kobo
    # A retry after a crash between the claim and the answer asks Paystack first.
    Payout.objects.filter(pk=payout.pk).update(status=Payout.Status.SENDING)
    assert payouts.send_payout(payout_id=payout.pk).status == Payout.Status.PENDING
    assert len(paystack.transfers) == 1
    assert PayoutAccount.objects.get(organizer=organizer).is_verified
    assert paystack.findings == []
