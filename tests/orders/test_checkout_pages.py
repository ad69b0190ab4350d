"""Checkout pages as a buyer meets them (no Paystack calls in this module)."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from orders.models import Order, PromoCode
from tests.checkout_helpers import hold_for, order_for
from tests.factories import PromoCodeFactory, TicketTypeFactory, UserFactory
from tickets.models import Hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold():
    return hold_for(
        buyer=UserFactory(full_name="Chidi Okafor", phone="+2348031234567"),
        ticket_type=TicketTypeFactory(price_kobo=1_000_000, capacity=10),
        quantity=2,
    )


@pytest.fixture
def buyer_client(client, hold):
    client.force_login(hold.buyer)
    return client


def test_checkout_shows_the_breakdown_prefilled_details_and_the_countdown(buyer_client, hold):
    page = buyer_client.get("/checkout")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Chidi Okafor"' in html
    assert hold.buyer.email in html
    assert "0803 123 4567" in html  # shown nationally, stored as E.164
    assert "₦20,000.00" in html  # subtotal
    assert "₦800.00" in html  # 3.5 % + ₦100
    assert "₦20,800.00" in html
    assert f'data-expires-at="{hold.expires_at.isoformat()}"' in html
    assert html.count("Attendee name —") == 2


def test_somebody_elses_hold_is_not_found(client, hold):
    client.force_login(UserFactory())
    assert client.get(f"/checkout?hold={hold.pk}").status_code == 404


def test_an_expired_hold_sends_the_buyer_back_to_the_event_with_a_message(buyer_client, hold):
    Hold.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = buyer_client.get(f"/checkout?hold={hold.pk}", follow=False)
    assert page.status_code == 302
    assert hold.event.slug in page["Location"]
    notes = [str(m) for m in get_messages(page.wsgi_request)]
    assert any("Your reservation has expired" in n for n in notes)


def test_promo_applies_and_removes_as_an_htmx_partial(buyer_client, hold):
    PromoCodeFactory(organizer=hold.event.organizer, code="NAIJA10", kind="percent", value=1_000)
    page = buyer_client.post(
        "/checkout/promo",
        {"hold": hold.pk, "code": "naija10", "action": "apply"},
        HTTP_HX_REQUEST="true",
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" not in html
    assert "NAIJA10 applied" in html
    assert "−₦2,000.00" in html
    assert "₦18,730.00" in html  # 18,000 + 630 + 100
    page = buyer_client.post(
        "/checkout/promo", {"hold": hold.pk, "action": "remove"}, HTTP_HX_REQUEST="true"
    )
    assert "₦20,800.00" in page.content.decode()


def test_promo_works_without_javascript_too(buyer_client, hold):
    PromoCodeFactory(organizer=hold.event.organizer, code="EARLYBIRD", kind="fixed", value=200_000)
    page = buyer_client.post(
        "/checkout/promo", {"hold": hold.pk, "code": "EARLYBIRD", "action": "apply"}, follow=True
    )
    html = page.content.decode()
    assert "Promo code applied." in html
    assert "−₦2,000.00" in html


@pytest.mark.parametrize(
    "setup,reason",
    [
        (lambda p, e, b: None, "We don't know that promo code."),
        (lambda p, e, b: setattr(p, "is_active", False), "no longer active"),
        (
            lambda p, e, b: setattr(p, "valid_until", timezone.now() - timedelta(hours=1)),
            "has expired",
        ),
        (
            lambda p, e, b: setattr(p, "valid_from", timezone.now() + timedelta(hours=1)),
            "not valid yet",
        ),
        (lambda p, e, b: (setattr(p, "max_uses", 3), setattr(p, "uses", 3)), "used up"),
        (lambda p, e, b: p.save() or p.events.add(TicketTypeFactory().event), "not valid for this"),
    ],
)
def test_a_refused_code_says_exactly_why(buyer_client, hold, setup, reason):
    promo = PromoCodeFactory(organizer=hold.event.organizer, code="SAVE")
    setup(promo, hold.event, hold.buyer)
    promo.save()
    code = "NOPE" if reason.startswith("We don't") else "SAVE"
    page = buyer_client.post(
        "/checkout/promo", {"hold": hold.pk, "code": code}, HTTP_HX_REQUEST="true"
    )
    assert reason in unescape(page.content.decode())
    assert "₦20,800.00" in page.content.decode()


def test_a_code_already_used_by_this_buyer_is_refused(buyer_client, hold):
    promo = PromoCodeFactory(organizer=hold.event.organizer, code="ONCE", max_uses_per_buyer=1)
    other = TicketTypeFactory(event=hold.event, name="VIP")
    first = hold_for(
        buyer=hold.buyer, ticket_type=TicketTypeFactory(event__organizer=hold.event.organizer)
    )
    order_for(hold=first, promo_code="ONCE")
    assert other
    page = buyer_client.post(
        "/checkout/promo", {"hold": hold.pk, "code": "once"}, HTTP_HX_REQUEST="true"
    )
    assert "You have already used that promo code." in unescape(page.content.decode())
    assert PromoCode.objects.get(pk=promo.pk).uses == 1


def test_a_free_order_skips_payment(buyer_client, hold):
    PromoCodeFactory(organizer=hold.event.organizer, code="FREE", kind="percent", value=10_000)
    buyer_client.post("/checkout/promo", {"hold": hold.pk, "code": "FREE"})
    page = buyer_client.post(
        f"/checkout?hold={hold.pk}",
        {"full_name": "Chidi Okafor", "email": "chidi@example.ng", "phone": "08031234567"},
    )
    order = Order.objects.get()
    assert page.status_code == 302
    assert page["Location"] == f"/checkout/success?reference={order.reference}"
    assert order.status == Order.Status.PAID
    assert order.total_kobo == 0 and order.fee_kobo == 0
    hold.refresh_from_db()
    assert hold.status == Hold.Status.SOLD
    page = buyer_client.get(page["Location"])
    assert "You're going to" in unescape(page.content.decode())


def test_a_bad_phone_number_is_explained(buyer_client, hold):
    page = buyer_client.post(
        f"/checkout?hold={hold.pk}", {"full_name": "A", "email": "a@example.ng", "phone": "12"}
    )
    assert page.status_code == 400
    assert "valid phone number" in page.content.decode()
    assert not Order.objects.exists()


def test_orders_are_seen_by_their_buyer_only(client, hold):
    order = order_for(hold=hold)
    assert order.reference.startswith("GT-") and len(order.reference) == 13
    client.force_login(hold.buyer)
    assert client.get(f"/orders/{order.reference}").status_code == 200
    client.force_login(UserFactory())
    assert client.get(f"/orders/{order.reference}").status_code == 404
    assert client.get(f"/checkout/success?reference={order.reference}").status_code == 404
    client.logout()
    assert client.get(f"/orders/{order.reference}").status_code == 302


def test_the_buyer_cancels_an_unpaid_order_and_the_tickets_go_back(client, hold):
    order = order_for(hold=hold)
    client.force_login(hold.buyer)
    page = client.get(f"/checkout?hold={hold.pk}")
    assert "Cancel this order" in page.content.decode()
    client.post(f"/orders/{order.reference}/cancel")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    hold.refresh_from_db()
    assert hold.status == Hold.Status.RELEASED
    client.force_login(UserFactory())
    assert client.post(f"/orders/{order.reference}/cancel").status_code == 404


def test_guessing_promo_codes_is_slowed_down(buyer_client, hold):
    for i in range(20):
        buyer_client.post(
            "/checkout/promo", {"hold": hold.pk, "code": f"G{i}"}, HTTP_HX_REQUEST="1"
        )
    page = buyer_client.post("/checkout/promo", {"hold": hold.pk, "code": "X"}, HTTP_HX_REQUEST="1")
    assert "Too many promo codes tried" in page.content.decode()
