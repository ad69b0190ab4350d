"""A signed-out visitor on a phone: the cached home page and catalogue (event cards cached
per event) show the events, and a form on the cached page still posts (CSRF intact)."""

import pytest

from tests.factories import EventFactory, TicketTypeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]
PHONE_390 = {"width": 390, "height": 844}


def test_cached_public_pages_show_the_events_and_their_forms_work(
    live_server, page_factory, screenshot
):
    event = EventFactory(title="Etag Jazz Night", is_featured=True)
    TicketTypeFactory(event=event)
    page = page_factory(PHONE_390)
    for _ in range(2):  # built, then from the cache
        assert page.goto(live_server.url + "/events").status == 200
        assert page.get_by_text("Etag Jazz Night").first.is_visible()
    screenshot(page, "catalogue-cached-phone")

    for _ in range(2):
        assert page.goto(live_server.url + "/").status == 200
    assert page.get_by_text("Etag Jazz Night").first.is_visible()
    page.fill("#newsletter-box input[type=email]", "ada@example.ng")
    page.locator("#newsletter-box button[type=submit]").click()
    page.wait_for_selector(".newsletter-done")
    screenshot(page, "home-cached-newsletter-phone")
