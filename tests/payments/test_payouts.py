"""Organizer payouts through the sandbox over real HTTP on PostgreSQL: the ledger adds up,
payouts happen once, failed and reversed transfers come back, the database refuses a payout
bigger than the balance, and only a freshly signed-in owner sets the bank account."""

import csv
import io
import json
from datetime import timedelta

import pytest
import requests
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import TeamMember, TeamRole
from events.models import Event
from orders.models import Order
from payments import payouts, services
from payments.models import LedgerEntry, Payout, PayoutAccount, Refund, SandboxTransfer
from payments.webhooks import sign
from tests.checkout_helpers import order_for, sandbox_choose
from tests.factories import (
    PASSWORD,
    EventFactory,
    PromoCodeFactory,
    TicketTypeFactory,
    UserFactory,
)
from tests.payments.test_races import run_together

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]

GOOD, FAILS, REVERSES = "0123456789", "0123450001", "0123450002"


def paid(order):
    sandbox_choose(services.start_payment(order=order), "pay")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def end_event(event, hours_ago=100):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=hours_ago + 5),
        ends_at=timezone.now() - timedelta(hours=hours_ago),
    )


def verified(organizer, number=GOOD):
    return payouts.set_payout_account(
        organizer=organizer, user=organizer.user, bank_code="058", account_number=number
    )


def ledger_sum(organizer, **filters):
    rows = LedgerEntry.objects.filter(organizer=organizer, **filters)
    return rows.aggregate(s=Sum("amount_kobo"))["s"] or 0


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def sold(sandbox, event):
    """Three paid orders of an event that ended long enough ago to be payable."""
    ticket_type = TicketTypeFactory(event=event, price_kobo=1_000_000, capacity=50)
    orders = [paid(order_for(ticket_type=ticket_type, quantity=q)) for q in (1, 2, 3)]
    end_event(event)
    return orders


def test_the_ledger_adds_up_for_a_busy_event(sandbox, event, mailoutbox):
    regular = TicketTypeFactory(event=event, price_kobo=1_000_000, capacity=100)
    vip = TicketTypeFactory(event=event, price_kobo=2_500_000, capacity=100)
    promo = PromoCodeFactory(organizer=event.organizer, kind="percent", value=2_000)
    orders = [paid(order_for(ticket_type=regular, quantity=q)) for q in (1, 2, 3, 1)]
    orders += [paid(order_for(ticket_type=vip, quantity=2, promo_code=promo.code))]
    orders += [paid(order_for(ticket_type=vip, quantity=1))]
    # One ticket refunded, one whole order refunded, one order disputed and lost.
    services.request_refund(
        order=orders[1], amount_kobo=None, source="organizer", item_ids=[orders[1].items.first().pk]
    )
    services.request_refund(order=orders[4], amount_kobo=None, source="staff")
    dispute = {
        "event": "charge.dispute.create",
        "data": {
            "id": 358950,
            "refund_amount": orders[5].total_kobo,
            "currency": "NGN",
            "status": "awaiting-merchant-feedback",
            "transaction": {"reference": orders[5].reference, "amount": orders[5].total_kobo},
        },
    }
    body = json.dumps(dispute).encode()
    for _ in range(2):  # Paystack retries: written once
        requests.post(
            sandbox.url + "/api/v1/webhooks/paystack",
            data=body,
            headers={"x-paystack-signature": sign(body)},
            timeout=10,
        )
    for order in orders:
        order.refresh_from_db()
    organizer = event.organizer

    figures = payouts.figures_for(organizer)
    gross = sum(o.total_kobo for o in orders)
    fees = sum(o.fee_kobo for o in orders)
    refunded = sum(o.refunded_kobo for o in orders)
    fee_returned = orders[4].fee_kobo  # the whole-order refund returned its service fee
    assert figures.gross_kobo == gross
    assert figures.platform_fee_kobo == fees - fee_returned
    assert figures.refunds_kobo == refunded
    assert figures.chargebacks_kobo == orders[5].total_kobo
    net = gross - (fees - fee_returned) - refunded - orders[5].total_kobo
    assert figures.net_kobo == net == ledger_sum(organizer)
    assert figures.paystack_fees_kobo > 0
    assert (figures.available_kobo, figures.pending_kobo) == (0, net)  # after the event

    end_event(event)
    verified(organizer)
    payout = payouts.start_payout(organizer=organizer, source="job")
    payout.refresh_from_db()
    assert payout.amount_kobo == net
    assert payout.status == Payout.Status.PAID  # the sandbox's signed transfer.success
    figures = payouts.figures_for(organizer)
    assert (figures.paid_out_kobo, figures.available_kobo, ledger_sum(organizer)) == (net, 0, 0)
    assert any(m.subject == f"Payout of ₦{net / 100:,.2f} sent" for m in mailoutbox)


def test_racing_job_staff_click_and_organizer_pay_out_once(sold, event):
    organizer = event.organizer
    verified(organizer)
    expected = payouts.available_kobo(organizer)

    def start(source):
        def go():
            return payouts.start_payout(organizer=organizer, source=source)

        return go

    results, errors = run_together(
        payouts.run_due_payouts, start("staff"), start("staff"), start("organizer")
    )
    assert not errors
    assert Payout.objects.count() == 1
    assert SandboxTransfer.objects.count() == 1
    payout = Payout.objects.get()
    assert payout.amount_kobo == expected
    assert payout.status == Payout.Status.PAID
    assert payouts.available_kobo(organizer) == 0


def test_a_webhook_replayed_or_a_send_repeated_changes_nothing(sold, event, sandbox):
    organizer = event.organizer
    verified(organizer)
    payout = payouts.start_payout(organizer=organizer, source="job")
    transfer = SandboxTransfer.objects.get()
    from payments.sandbox.views import transfer_event_body

    body = transfer_event_body(transfer, "transfer.success")
    answer = requests.post(
        sandbox.url + "/api/v1/webhooks/paystack",
        data=body,
        headers={"x-paystack-signature": sign(body)},
        timeout=10,
    )
    assert answer.json()["outcome"] == "duplicate"
    assert payouts.send_payout(payout_id=payout.pk).status == Payout.Status.PAID
    assert SandboxTransfer.objects.count() == 1
    # A forged transfer.failed is refused before it can put money back.
    failed = transfer_event_body(transfer, "transfer.failed")
    forged = requests.post(
        sandbox.url + "/api/v1/webhooks/paystack",
        data=failed,
        headers={"x-paystack-signature": "0" * 128},
        timeout=10,
    )
    assert forged.status_code == 401
    assert ledger_sum(organizer) == 0


@pytest.mark.parametrize("number, status", [(FAILS, "failed"), (REVERSES, "reversed")])
def test_a_failed_or_reversed_transfer_restores_the_balance(
    sold, event, number, status, mailoutbox
):
    organizer = event.organizer
    verified(organizer, number)
    before = payouts.available_kobo(organizer)
    payout = payouts.start_payout(organizer=organizer, source="job")
    payout.refresh_from_db()
    assert payout.status == status
    assert payouts.available_kobo(organizer) == before
    assert ledger_sum(organizer, kind="payout_returned") == before
    assert any("did not go through" in m.subject for m in mailoutbox)
    # Fixed account: the next run pays it out.
    verified(organizer, GOOD)
    again = payouts.start_payout(organizer=organizer, source="job")
    again.refresh_from_db()
    assert (again.amount_kobo, again.status) == (before, Payout.Status.PAID)


def test_the_database_refuses_a_payout_bigger_than_the_balance(sold, event):
    organizer = event.organizer
    verified(organizer)
    available = payouts.available_kobo(organizer)
    payout = Payout.objects.create(
        organizer=organizer,
        amount_kobo=available + 1,
        reference="PO-BYPASS",
        recipient_code="RCP_x",
        source="staff",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            organizer=organizer,
            kind="payout",
            amount_kobo=-(available + 1),
            payout=payout,
        )
    # The ledger is append-only too.
    entry = LedgerEntry.objects.filter(organizer=organizer).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_kobo=1)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payments_ledgerentry WHERE id = %s", [entry.pk])


def test_two_raw_payout_rows_inserted_at_once_cannot_both_pass(sold, event):
    organizer = event.organizer
    available = payouts.available_kobo(organizer)

    def insert(ref):
        def go():
            try:
                with transaction.atomic():
                    payout = Payout.objects.create(
                        organizer=organizer,
                        amount_kobo=available,
                        reference=ref,
                        recipient_code="RCP_x",
                        source="staff",
                    )
                    LedgerEntry.objects.create(
                        organizer=organizer,
                        kind="payout",
                        amount_kobo=-available,
                        payout=payout,
                    )
                return "ok"
            except IntegrityError:
                return "refused"

        return go

    results, errors = run_together(insert("PO-A"), insert("PO-B"))
    assert not errors
    assert sorted(results) == ["ok", "refused"]
    assert ledger_sum(organizer) == 0


def test_revenue_waits_for_the_event_to_end_unless_staff_release_it(sandbox, event, settings):
    settings.PAYOUT_DELAY_HOURS = 72
    ticket_type = TicketTypeFactory(event=event, price_kobo=1_000_000, capacity=5)
    order = paid(order_for(ticket_type=ticket_type, quantity=1))
    organizer = event.organizer
    verified(organizer)
    assert payouts.start_payout(organizer=organizer, source="job") is None
    figures = payouts.figures_for(organizer)
    assert figures.pending_kobo == order.total_kobo - order.fee_kobo
    assert figures.events[0][1].next_payout_at == event.ends_at + timedelta(hours=72)
    end_event(event, hours_ago=10)  # ended, but not 72 hours ago
    assert payouts.start_payout(organizer=organizer, source="job") is None
    PayoutAccount.objects.filter(organizer=organizer).update(release_early=True)
    assert payouts.start_payout(organizer=organizer, source="staff").amount_kobo == (
        order.total_kobo - order.fee_kobo
    )


def test_staff_hold_an_organizer_and_see_every_balance(sold, event, admin_client):
    organizer = event.organizer
    verified(organizer)
    account = PayoutAccount.objects.get(organizer=organizer)
    admin_client.post(
        "/admin/payments/payoutaccount/",
        {"action": "hold_payouts", "_selected_action": [account.pk]},
    )
    assert payouts.run_due_payouts() == 0
    with pytest.raises(payouts.PayoutRefused):
        payouts.start_payout(organizer=organizer, source="staff")
    page = admin_client.get("/admin/payments/payoutaccount/")
    assert f"{payouts.available_kobo(organizer) / 100:,.2f}" in page.content.decode()
    assert not Payout.objects.exists()


def organizer_client(client, organizer):
    client.force_login(organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    return client


def test_the_owner_verifies_a_bank_account_after_signing_in_again(
    sandbox, event, client, mailoutbox
):
    organizer = event.organizer
    co_owner = UserFactory()
    TeamMember.objects.create(organizer=organizer, user=co_owner, role=TeamRole.OWNER)
    organizer_client(client, organizer)
    url = reverse("payments:payout_account")
    form = {"bank_code": "058", "account_number": GOOD, "action": "resolve"}
    page = client.post(url, form)
    assert page.status_code == 302 and "reauthenticate" in page["Location"]  # fresh sign-in
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    page = client.post(url, form)
    assert page.status_code == 200
    name = page.context["resolved_name"]
    assert name and name in page.content.decode()
    assert not PayoutAccount.objects.filter(organizer=organizer).exclude(recipient_code="")

    # A number changed after the look-up is not saved under the name the owner saw.
    other = client.post(
        url, {**form, "account_number": "0123456780", "action": "confirm", "resolved_name": name}
    )
    assert other.status_code == 400
    assert not PayoutAccount.objects.filter(organizer=organizer).exclude(recipient_code="")
    page = client.post(url, {**form, "action": "confirm", "resolved_name": name})
    assert page.status_code == 302
    account = PayoutAccount.objects.get(organizer=organizer)
    assert (account.account_name, account.bank_name) == (name, "Guaranty Trust Bank")
    assert account.recipient_code.startswith("RCP_")
    assert sorted(m.to[0] for m in mailoutbox if "Payout account changed" in m.subject) == (
        sorted([organizer.user.email, co_owner.email])
    )

    bad = client.post(url, {"bank_code": "058", "account_number": "12ab", "action": "resolve"})
    assert bad.status_code == 400
    unknown = client.post(url, {"bank_code": "058", "account_number": "0001112223"})
    assert unknown.status_code == 400
    assert "could not verify" in unknown.content.decode()


def test_the_statement_downloads_with_a_running_balance(sold, event, client):
    organizer = event.organizer
    organizer_client(client, organizer)
    today = timezone.localdate()
    response = client.get(
        reverse("payments:statement"), {"start": today - timedelta(days=1), "end": today}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "date (Lagos)"
    assert len(rows) == 1 + 2 * len(sold)
    assert float(rows[-1][-1]) * 100 == pytest.approx(ledger_sum(organizer))
    bad = client.get(reverse("payments:statement"), {"start": today, "end": "2001-13-01"})
    assert bad.status_code == 400


def test_the_money_page_shows_the_figures(sold, event, client):
    organizer = event.organizer
    organizer_client(client, organizer)
    page = client.get(reverse("payments:money"))
    html = page.content.decode()
    assert page.status_code == 200
    gross = sum(o.total_kobo for o in sold)
    assert f"₦{gross / 100:,.2f}" in html
    assert "Add a bank account" in html
    assert Refund.objects.count() == 0


def test_a_late_payment_refunded_at_once_never_touches_the_organizers_money(sandbox, event):
    from tests.checkout_helpers import hold_for
    from tests.payments.test_late_payment_and_refunds import lapse

    ticket_type = TicketTypeFactory(event=event, capacity=1)
    order = order_for(ticket_type=ticket_type, quantity=1)
    url = services.start_payment(order=order)
    lapse(order)
    hold_for(buyer=UserFactory(), ticket_type=ticket_type, quantity=1)  # the ticket went
    sandbox_choose(url, "pay")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert not LedgerEntry.objects.filter(organizer=event.organizer).exists()
