"""Buying tickets end to end in chromium, on the offline Paystack sandbox."""

import pytest
from django.test import Client

from orders.models import Order
from tests.checkout_helpers import hold_for, sandbox  # noqa: F401
from tests.conftest import DESKTOP, PHONE
from tests.factories import PromoCodeFactory, TicketTypeFactory, UserFactory
from tickets.models import Hold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(page_factory, viewport, user, base_url):
    client = Client()
    client.force_login(user)
    page = page_factory(viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def reserve():
    buyer = UserFactory(full_name="Chidi Okafor", phone="+2348031234567")
    ticket_type = TicketTypeFactory(
        name="Regular", price_kobo=1_500_000, capacity=50, event__title="Detty December Live"
    )
    PromoCodeFactory(organizer=ticket_type.event.organizer, code="NAIJA10", value=1_000)
    # The event page's ticket selector belongs to another area; reserve through the service.
    hold = hold_for(buyer=buyer, ticket_type=ticket_type, quantity=2)
    return buyer, hold


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_buyer_pays_with_a_promo_code_on_the_sandbox(
    sandbox,  # noqa: F811
    page_factory,
    screenshot,
    viewport,
    name,
):
    buyer, hold = reserve()
    page = signed_in_page(page_factory, viewport, buyer, sandbox.url)
    page.goto(sandbox.url + "/checkout")
    assert page.get_by_role("heading", name="Checkout").is_visible()
    assert page.get_by_label("Full name").input_value() == "Chidi Okafor"
    assert page.locator("[data-countdown-left]").inner_text().count(":") == 1  # live countdown
    assert page.get_by_test_id("total").inner_text() == "₦31,150.00"  # 30,000 + 1,050 + 100

    page.get_by_label("Promo code").fill("naija10")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("NAIJA10 applied").wait_for()
    assert page.get_by_test_id("discount").inner_text() == "−₦3,000.00"
    assert page.get_by_test_id("total").inner_text() == "₦28,045.00"  # 27,000 + 945 + 100
    page.get_by_label("Attendee name — Regular 2").fill("Ngozi Okafor")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    screenshot(page, f"checkout-{name}")

    page.get_by_role("button", name="Pay securely with Paystack").click()
    page.get_by_text("Sandbox — no real money").wait_for()
    assert page.get_by_test_id("sandbox-amount").inner_text() == "₦28,045.00"
    screenshot(page, f"checkout-sandbox-{name}")
    page.get_by_role("button", name="Pay ₦28,045.00").click()

    page.get_by_text("You're going to Detty December Live!").wait_for()
    screenshot(page, f"checkout-success-{name}")
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert order.total_kobo == 2_804_500
    assert order.promo_code.code == "NAIJA10"
    assert list(order.items.values_list("attendee_name", flat=True)) == ["", "Ngozi Okafor"]
    assert page.get_by_test_id("order-reference").inner_text() == order.reference


def test_buyer_declines_on_the_sandbox_and_keeps_the_hold(sandbox, page_factory, screenshot):  # noqa: F811
    buyer, hold = reserve()
    page = signed_in_page(page_factory, PHONE, buyer, sandbox.url)
    page.goto(sandbox.url + "/checkout")
    page.get_by_role("button", name="Pay securely with Paystack").click()
    page.get_by_role("button", name="Decline").click()

    page.get_by_text("The payment did not go through").wait_for()
    assert page.get_by_role("button", name="Pay ₦31,150.00 with Paystack").is_visible()
    assert page.locator("[data-countdown-left]").is_visible()
    screenshot(page, "checkout-declined-phone")
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING
    hold.refresh_from_db()
    assert hold.status == Hold.Status.ACTIVE

    # Trying again reuses the same Paystack transaction, and paying then works.
    page.get_by_role("button", name="Pay ₦31,150.00 with Paystack").click()
    page.get_by_role("button", name="Pay ₦31,150.00").click()
    page.get_by_text("You're going to").wait_for()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
