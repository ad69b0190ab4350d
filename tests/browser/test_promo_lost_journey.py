"""A buyer on a phone who loses the last use of a promo code is told the new total and pays
it only after pressing Pay again (chromium, the sandbox on the live server)."""

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client

from orders.models import Order, PromoCode
from tests import checkout_helpers
from tests.checkout_helpers import hold_for
from tests.conftest import PHONE
from tests.factories import PromoCodeFactory, TicketTypeFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]

sandbox = checkout_helpers.sandbox  # the fixture: the sandbox on the live server


def test_the_buyer_confirms_the_full_price_after_losing_the_code(sandbox, page_factory, screenshot):
    buyer = UserFactory(full_name="Chidi Okafor", phone="+2348031234567")
    ticket_type = TicketTypeFactory(price_kobo=1_000_000, capacity=10)
    hold = hold_for(buyer=buyer, ticket_type=ticket_type, quantity=2)
    promo = PromoCodeFactory(
        organizer=ticket_type.event.organizer, code="LAST", kind="percent", value=1_000, max_uses=1
    )
    client = Client()
    client.force_login(buyer)
    page = page_factory({"width": 390, "height": PHONE["height"]})
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.session.session_key,
                "url": sandbox.url,
            }
        ]
    )
    page.goto(f"{sandbox.url}/checkout?hold={hold.pk}")
    page.get_by_label("Promo code").fill("LAST")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("LAST applied").wait_for()
    assert page.get_by_test_id("total").inner_text() == "₦18,730.00"

    PromoCode.objects.filter(pk=promo.pk).update(uses=F("max_uses"))  # another buyer won it
    page.get_by_role("button", name="Pay securely with Paystack").click()
    page.get_by_text("That promo code has been used up.").wait_for()
    assert page.get_by_test_id("total").inner_text() == "₦20,800.00"
    assert not Order.objects.exists()
    screenshot(page, "promo-lost-phone-confirm-new-total")

    page.get_by_role("button", name="Pay securely with Paystack").click()
    page.wait_for_url("**/sandbox/paystack/checkout/**")
    assert Order.objects.get().total_kobo == 2_080_000
