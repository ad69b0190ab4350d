"""A buyer never pays a total they did not see: a promo code lost to other buyers, or a price
that moved, is shown and confirmed before Paystack (the sandbox on the live server)."""

from html import unescape

import pytest
from django.db.models import F

from events.models import TicketType
from orders.models import Order, PromoCode
from tests.checkout_helpers import hold_for
from tests.factories import PromoCodeFactory, TicketTypeFactory, UserFactory

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]

DETAILS = {"full_name": "Chidi Okafor", "email": "chidi@example.ng", "phone": "08031234567"}


@pytest.fixture
def hold():
    return hold_for(
        buyer=UserFactory(full_name="Chidi Okafor", phone="+2348031234567"),
        ticket_type=TicketTypeFactory(price_kobo=1_000_000, capacity=10),
        quantity=2,
    )


def test_a_buyer_who_lost_the_last_use_of_a_code_confirms_the_new_total(sandbox, client, hold):
    promo = PromoCodeFactory(
        organizer=hold.event.organizer, code="LAST", kind="percent", value=1_000, max_uses=1
    )
    client.force_login(hold.buyer)
    client.post("/checkout/promo", {"hold": hold.pk, "code": "LAST"})
    page = client.get(f"/checkout?hold={hold.pk}")
    assert "₦18,730.00" in page.content.decode()  # the discounted total the buyer sees

    PromoCode.objects.filter(pk=promo.pk).update(uses=F("max_uses"))  # someone else won it

    page = client.post(f"/checkout?hold={hold.pk}", {**DETAILS, "expected_total_kobo": 1_873_000})
    html = unescape(page.content.decode())
    assert page.status_code == 409
    assert "That promo code has been used up. Your total is now ₦20,800.00." in html
    assert 'name="expected_total_kobo" value="2080000"' in html
    assert not Order.objects.exists()  # nobody was sent to Paystack

    page = client.post(f"/checkout?hold={hold.pk}", {**DETAILS, "expected_total_kobo": 2_080_000})
    assert page.status_code == 302
    assert "/sandbox/paystack/checkout/" in page["Location"]
    order = Order.objects.get()
    assert (order.total_kobo, order.promo_code_id) == (2_080_000, None)


def test_a_price_that_moved_since_the_buyer_looked_is_confirmed_first(sandbox, client, hold):
    client.force_login(hold.buyer)
    TicketType.objects.filter(pk=hold.lines.get().ticket_type_id).update(price_kobo=1_200_000)
    page = client.post(f"/checkout?hold={hold.pk}", {**DETAILS, "expected_total_kobo": 2_080_000})
    assert page.status_code == 409
    assert "your total is now ₦24,940.00" in unescape(page.content.decode())
    assert not Order.objects.exists()


def test_a_malformed_expected_total_is_a_clear_400(sandbox, client, hold):
    client.force_login(hold.buyer)
    page = client.post(f"/checkout?hold={hold.pk}", {**DETAILS, "expected_total_kobo": "1e99"})
    assert page.status_code == 400
    assert not Order.objects.exists()
