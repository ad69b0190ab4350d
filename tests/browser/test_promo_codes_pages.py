"""An organizer creates a promo code and sees it listed (phone and desktop)."""

import pytest
from django.test import Client

from orders.models import PromoCode
from tests.checkout_helpers import sandbox  # noqa: F401
from tests.conftest import DESKTOP, PHONE
from tests.factories import EventFactory, OrganizerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def organizer_page(page_factory, viewport, organizer, base_url):
    client = Client()
    client.force_login(organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    page = page_factory(viewport)
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": base_url}])
    return page


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_organizer_creates_and_deactivates_a_promo_code(
    live_server, page_factory, screenshot, viewport, name
):
    organizer = OrganizerFactory()
    EventFactory(organizer=organizer, title="Lagos Tech Fest")
    page = organizer_page(page_factory, viewport, organizer, live_server.url)
    page.goto(live_server.url + "/organizer/promo-codes")
    assert page.get_by_text("No promo codes yet").is_visible()
    page.get_by_role("link", name="New promo code").click()
    page.get_by_label("Code").fill("earlybird")
    page.get_by_label("Type of discount").select_option("fixed")
    page.get_by_label("Discount", exact=True).fill("2000")
    page.get_by_label("Max uses", exact=True).fill("100")
    page.get_by_label("Lagos Tech Fest").check()
    screenshot(page, f"promo-code-form-{name}")
    page.get_by_role("button", name="Save promo code").click()
    page.get_by_text("Promo code EARLYBIRD created.").wait_for()
    assert page.get_by_role("cell", name="₦2,000.00 off").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    screenshot(page, f"promo-codes-{name}")
    page.get_by_role("button", name="Deactivate").click()
    page.get_by_text("deactivated").wait_for()
    assert not PromoCode.objects.get().is_active


def test_organizer_refunds_one_ticket_from_the_order_page(
    sandbox,  # noqa: F811
    page_factory,
    screenshot,
):
    from orders.models import Order
    from payments import services
    from tests.checkout_helpers import order_for, sandbox_choose
    from tests.factories import TicketTypeFactory

    ticket_type = TicketTypeFactory(name="VIP", price_kobo=2_500_000)
    order = order_for(ticket_type=ticket_type, quantity=2)
    sandbox_choose(services.start_payment(order=order), "pay")
    page = organizer_page(page_factory, PHONE, ticket_type.event.organizer, sandbox.url)
    page.goto(f"{sandbox.url}/organizer/orders/{order.reference}")
    page.get_by_label("VIP").first.check()
    screenshot(page, "organizer-order-refund-phone")
    page.get_by_role("button", name="Review refund…").click()
    page.get_by_role("heading", name="Refund ₦25,000.00?").wait_for()  # the amount, before it goes
    screenshot(page, "organizer-order-refund-confirm-phone")
    assert order.refunds.count() == 0
    page.get_by_role("button", name="Yes, refund ₦25,000.00").click()
    page.get_by_text("Refund confirmed by Paystack.").wait_for()
    screenshot(page, "organizer-order-refunded-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_kobo == 2_500_000
