"""Refunds return what was paid for what is refunded, never more (PostgreSQL, the sandbox over
HTTP, real threads for the races)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from orders import pricing
from orders.models import Order
from payments import services
from payments.models import Refund
from tests.checkout_helpers import order_for, sandbox_choose
from tests.factories import EventFactory, PromoCodeFactory, TicketTypeFactory, UserFactory
from tests.payments.test_races import run_together
from tickets import inventory as tickets

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


def pay(order):
    sandbox_choose(services.start_payment(order=order), "pay")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def organizer_client(client, order):
    client.force_login(order.event.organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    return client


def test_a_ticket_bought_with_a_20_percent_code_refunds_its_discounted_price(sandbox, client):
    ticket_type = TicketTypeFactory(price_kobo=2_500_000, capacity=10)  # ₦25,000
    promo = PromoCodeFactory(organizer=ticket_type.event.organizer, kind="percent", value=2_000)
    order = pay(order_for(ticket_type=ticket_type, quantity=2, promo_code=promo.code))
    assert order.discount_kobo == 1_000_000
    first, second = order.items.all()
    assert (first.paid_kobo, second.paid_kobo) == (2_000_000, 2_000_000)

    organizer_client(client, order)
    page = client.get(f"/organizer/orders/{order.reference}")
    assert "paid ₦20,000.00" in page.content.decode()
    url = f"/organizer/orders/{order.reference}"
    asked = client.post(url, {"items": [first.pk]})
    assert asked.context["amount_kobo"] == 2_000_000  # what the organizer is asked to confirm
    assert "₦20,000.00" in asked.content.decode()
    assert client.post(url, {"items": [first.pk], "confirm_kobo": 2_000_000}).status_code == 302
    refund = Refund.objects.get()
    assert refund.amount_kobo == 2_000_000  # ₦20,000 as paid, not ₦25,000
    order.refresh_from_db()
    assert order.refunded_kobo == 2_000_000
    assert order.status == Order.Status.PARTIALLY_REFUNDED


def test_a_code_for_one_ticket_type_discounts_only_those_admissions(sandbox):
    event = EventFactory()
    vip = TicketTypeFactory(event=event, name="VIP", price_kobo=3_000_000, capacity=10)
    regular = TicketTypeFactory(event=event, name="Regular", price_kobo=1_000_000, capacity=10)
    promo = PromoCodeFactory(organizer=event.organizer, kind="fixed", value=1_000_000)
    promo.ticket_types.set([vip])
    buyer = UserFactory()
    hold = tickets.hold_tickets(buyer=buyer, event=event, quantities={vip.pk: 2, regular.pk: 1})
    order = pay(order_for(hold=hold, promo_code=promo.code))
    paid = {item.pk: (item.ticket_type.name, item.paid_kobo) for item in order.items.all()}
    assert sorted(paid.values()) == [
        ("Regular", 1_000_000),
        ("VIP", 2_500_000),
        ("VIP", 2_500_000),
    ]
    regular_item = order.items.get(ticket_type=regular)
    refund = services.request_refund(
        order=order, amount_kobo=None, source="organizer", item_ids=[regular_item.pk]
    )
    assert refund.amount_kobo == 1_000_000


def test_admission_amounts_add_up_to_what_was_paid_for_tickets_to_the_kobo():
    lines = [pricing.Line(ticket_type_id=1, name="A", unit_price_kobo=100_000, quantity=3)]
    event = type("E", (), {"fee_mode": "buyer"})()
    promo = PromoCodeFactory.build(kind="fixed", value=100_000)  # ₦1,000 off ₦3,000
    quote = pricing.price(lines, promo, event)
    assert quote.item_amounts_kobo == (66_666, 66_667, 66_667)
    assert sum(quote.item_amounts_kobo) == quote.subtotal_kobo - quote.discount_kobo


def test_a_refund_for_tickets_cannot_exceed_what_they_were_paid(sandbox, client):
    ticket_type = TicketTypeFactory(price_kobo=2_500_000, capacity=10)
    promo = PromoCodeFactory(organizer=ticket_type.event.organizer, kind="percent", value=2_000)
    order = pay(order_for(ticket_type=ticket_type, quantity=2, promo_code=promo.code))
    first = order.items.first()
    organizer_client(client, order)
    page = client.post(
        f"/organizer/orders/{order.reference}", {"items": [first.pk], "amount_naira": "25000"}
    )
    assert page.status_code == 400
    assert "Those tickets were paid ₦20,000.00" in page.content.decode()
    assert not Refund.objects.exists()


def test_the_whole_order_refunds_the_service_fee_too_and_nothing_more(sandbox):
    order = pay(order_for(quantity=2))
    assert order.fee_kobo > 0
    services.request_refund(order=order, amount_kobo=None, source="staff")
    order.refresh_from_db()
    assert order.refunded_kobo == order.total_kobo == order.refunds_reserved_kobo
    with pytest.raises(services.RefundRefused):
        services.request_refund(order=order, amount_kobo=1, source="staff")


def test_two_racing_refunds_of_the_whole_order_refund_it_once(sandbox):
    order = pay(order_for(quantity=2))

    def refund_all():
        try:
            return services.request_refund(
                order=order, amount_kobo=order.total_kobo, source="staff"
            ).amount_kobo
        except services.RefundRefused as refused:
            return refused.message

    results, errors = run_together(refund_all, refund_all)
    assert not errors
    assert sorted(results, key=str).count(order.total_kobo) == 1
    assert Refund.objects.count() == 1
    order.refresh_from_db()
    assert order.refunded_kobo == order.total_kobo


def test_racing_ticket_and_money_refunds_never_pass_the_payment(sandbox):
    order = pay(order_for(quantity=3))
    items = list(order.items.all())

    def refund_item(item):
        def go():
            try:
                return services.request_refund(
                    order=order, amount_kobo=None, source="organizer", item_ids=[item.pk]
                ).amount_kobo
            except services.RefundRefused:
                return 0

        return go

    def refund_money():
        try:
            return services.request_refund(
                order=order, amount_kobo=order.total_kobo - 1, source="staff"
            ).amount_kobo
        except services.RefundRefused:
            return 0

    results, errors = run_together(*(refund_item(i) for i in items), refund_money)
    assert not errors
    order.refresh_from_db()
    assert sum(results) <= order.total_kobo
    assert order.refunded_kobo == sum(results) == order.refunds_reserved_kobo


def test_the_database_refuses_refunds_beyond_the_payment_even_past_the_service(sandbox):
    order = pay(order_for(quantity=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(refunds_reserved_kobo=F("total_kobo") + 1)
    with pytest.raises(services.RefundRefused), transaction.atomic():
        services._create_refund(order=order, amount_kobo=order.total_kobo + 1, source="staff")


def test_a_failed_refund_frees_its_amount(sandbox, settings):
    order = pay(order_for(quantity=1))
    good = settings.PAYSTACK_BASE_URL
    settings.PAYSTACK_BASE_URL = "http://127.0.0.1:9"
    settings.PAYSTACK_TIMEOUT_SECONDS = 2
    with pytest.raises(services.gateway.GatewayError):
        services.request_refund(order=order, amount_kobo=None, source="staff")
    order.refresh_from_db()
    assert order.refunds_reserved_kobo == 0
    settings.PAYSTACK_BASE_URL = good
    assert services.request_refund(order=order, amount_kobo=None, source="staff").amount_kobo == (
        order.total_kobo
    )


def test_a_refund_paystack_did_not_answer_keeps_its_amount_so_it_never_goes_out_twice(
    sandbox, settings
):
    import socket

    from payments import gateway

    order = pay(order_for(quantity=1))
    silent = socket.socket()  # takes the connection, never answers: the refund may be made
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    settings.PAYSTACK_BASE_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
    settings.PAYSTACK_TIMEOUT_SECONDS = 0.5
    gateway.reset()
    with pytest.raises(services.RefundUnconfirmed):
        services.request_refund(order=order, amount_kobo=None, source="organizer")
    silent.close()
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.SENDING  # for staff to check with Paystack
    with pytest.raises(services.RefundRefused):  # the amount is still reserved
        services.request_refund(order=order, amount_kobo=None, source="organizer")
    services.send_refund(refund_id=refund.pk)  # a retry of the job sends nothing
    assert Refund.objects.count() == 1
    assert Refund.objects.get().status == Refund.Status.SENDING


def test_a_refund_goes_out_only_for_the_amount_the_organizer_confirmed(sandbox):
    order = pay(order_for(ticket_type=TicketTypeFactory(price_kobo=1_000_000, capacity=5)))
    ask = dict(order=order, amount_kobo=None, source="organizer", confirm=True)
    with pytest.raises(services.RefundToConfirm) as first:
        services.request_refund(**ask)
    assert (first.value.amount_kobo, first.value.changed) == (order.total_kobo, False)
    with pytest.raises(services.RefundToConfirm) as stale:
        services.request_refund(**ask, confirmed_kobo=order.total_kobo - 1)
    assert stale.value.changed is True
    assert not Refund.objects.exists()  # asking changes nothing

    refund = services.request_refund(**ask, confirmed_kobo=str(order.total_kobo))
    assert refund.amount_kobo == order.total_kobo
