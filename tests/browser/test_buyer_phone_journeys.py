"""Buyer journeys on a 390 px phone (issue 18), each with screenshots to look at."""

import pytest

from tests.factories import TicketTypeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]

PHONE_390 = {"width": 390, "height": 844}


def test_a_signed_out_reserve_goes_to_the_sign_in_page_not_into_the_ticket_box(
    live_server, page_factory, screenshot
):
    ticket_type = TicketTypeFactory(name="Regular", capacity=50, event__title="Comedy Jam")
    page = page_factory(PHONE_390)
    page.goto(f"{live_server.url}/events/{ticket_type.event.slug}")
    page.select_option(f"#qty-{ticket_type.pk}", "2")
    page.get_by_role("button", name="Reserve tickets").click()
    page.wait_for_url("**/auth/login**")
    assert page.locator("header.site-header").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("#ticket-selector").count() == 0
    screenshot(page, "buyer-phone-reserve-signed-out-to-sign-in")
