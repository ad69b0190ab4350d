"""Guest checkout on a 390 px phone (issue 18 item 3): event page → Reserve → Continue as
guest → name, email, +234 phone → checkout → pay on the sandbox → the tickets → the emailed
link opens the order on another phone. Screenshots: artifacts/screenshots/guest-phone-*."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.checkout_helpers import sandbox  # noqa: F401
from tests.factories import TicketTypeFactory
from tests.standins.fixtures import twilio  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]

PHONE_390 = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_guest_buys_on_a_phone_and_the_emailed_link_opens_the_order(
    sandbox,  # noqa: F811
    twilio,  # noqa: F811
    page_factory,
    screenshot,
    mailoutbox,
):
    ticket_type = TicketTypeFactory(
        name="Regular", price_kobo=1_500_000, capacity=50, event__title="Gidi Fest"
    )
    page = page_factory(PHONE_390)
    page.goto(f"{sandbox.url}/events/{ticket_type.event.slug}")
    page.select_option(f"#qty-{ticket_type.pk}", "2")
    page.get_by_role("button", name="Reserve tickets").click()

    page.wait_for_url("**/auth/login**")
    guest_button = page.get_by_role("link", name="Continue as guest")
    expect(guest_button).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()  # one tap away
    assert fits(page)
    screenshot(page, "guest-phone-1-sign-in-or-guest")
    guest_button.click()

    page.wait_for_url("**/auth/guest**")
    page.get_by_label("Full name").fill("Chioma Eze")
    page.get_by_label("Email").fill("chioma@example.ng")
    page.get_by_label("Phone number").fill("+44 7911 123456")
    page.get_by_role("button", name="Continue to checkout").click()
    expect(page.get_by_text("Enter a Nigerian (+234) mobile number")).to_be_visible()
    assert fits(page)
    screenshot(page, "guest-phone-2-guest-form-foreign-number")
    page.get_by_label("Phone number").fill("0803 123 4567")
    page.get_by_role("button", name="Continue to checkout").click()

    page.wait_for_url("**/checkout?hold=**")
    expect(page.get_by_text("Thanks, your tickets for Gidi Fest are held.")).to_be_visible()
    expect(page.get_by_test_id("guest-note")).to_be_visible()
    assert page.get_by_label("Email").input_value() == "chioma@example.ng"
    assert page.get_by_label("Email").is_disabled()
    assert page.get_by_label("Phone").input_value() == "0803 123 4567"
    assert page.get_by_test_id("total").inner_text() == "₦31,150.00"
    assert fits(page)
    screenshot(page, "guest-phone-3-checkout")
    page.get_by_role("button", name="Pay securely with Paystack").click()

    page.get_by_text("Sandbox — no real money").wait_for()
    screenshot(page, "guest-phone-4-sandbox")
    page.get_by_role("button", name="Pay ₦31,150.00").click()

    page.get_by_text("You're going to Gidi Fest!").wait_for()
    expect(page.locator(".pass img")).to_have_count(2, timeout=15_000)
    for image in page.locator(".pass img").all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0
    expect(page.get_by_text("Emailed to chioma@example.ng")).to_be_visible()
    expect(page.get_by_text("SMS with your link sent to 0803 123 4567")).to_be_visible()
    expect(page.get_by_test_id("guest-account")).to_be_visible()
    assert fits(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "guest-phone-5-success-with-tickets")
    order = Order.objects.get()
    assert order.status == Order.Status.PAID and order.buyer.is_guest

    # The confirmation email's link, opened on another phone (no session at all).
    confirmation = next(m for m in mailoutbox if "Your tickets for Gidi Fest" in m.subject)
    link = re.search(r"https?://\S+/orders/link/\S+", confirmation.body)[0]
    assert link in twilio.to("+2348031234567")[0]["body"]  # the SMS carries it too
    other = page_factory(PHONE_390)
    other.goto(link)
    expect(other.get_by_role("heading", name=f"Order {order.reference}")).to_be_visible()
    expect(other.get_by_test_id("order-status")).to_have_text("Paid")
    expect(other.locator(".pass img")).to_have_count(2)
    for image in other.locator(".pass img").all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0
    expect(other.get_by_role("link", name="Download PDF")).to_be_visible()
    assert fits(other)
    other.evaluate("window.scrollTo(0, 0)")
    screenshot(other, "guest-phone-6-order-by-emailed-link")
    tampered = other.goto(link[:-3] + "abc")
    assert tampered.status == 404
