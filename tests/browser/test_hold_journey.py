"""A buyer picks seats on the map and quantities in the selector, then sees the countdown."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from events.models import Event, TicketType
from tests.conftest import DESKTOP, PHONE
from tests.factories import (
    EventFactory,
    SeatFactory,
    SeatSectionFactory,
    TicketTypeFactory,
    UserFactory,
)
from tickets.inventory import gate
from tickets.models import Hold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def concert():
    event = EventFactory(title="Burna Live in Lagos", seating=Event.Seating.RESERVED)
    TicketTypeFactory(event=event, name="Standing", price_kobo=1_500_000, capacity=200)
    TicketTypeFactory(event=event, name="VIP table", price_kobo=7_500_000, capacity=4, position=1)
    front = TicketTypeFactory(
        event=event, name="Front rows", price_kobo=4_000_000, capacity=0, position=2
    )
    back = TicketTypeFactory(
        event=event, name="Balcony", price_kobo=2_000_000, capacity=0, position=3
    )
    section = SeatSectionFactory(event=event, name="Main")
    count = {front.pk: 0, back.pk: 0}
    for r, row in enumerate("ABCDEF"):
        for n in range(1, 13):
            band = front if r < 2 else back
            SeatFactory(
                section=section, ticket_type=band, row_label=row, number=str(n), x=n * 30, y=r * 30
            )
            count[band.pk] += 1
    for pk, n in count.items():
        TicketType.objects.filter(pk=pk).update(capacity=n)
    return event


def signed_in_page(page_factory, live_server, viewport):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    page = page_factory(viewport)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, user


def test_pick_seats_and_quantities_then_see_the_countdown(
    live_server, page_factory, screenshot, concert
):
    page, buyer = signed_in_page(page_factory, live_server, DESKTOP)
    page.goto(f"{live_server.url}/events/{concert.slug}/hold")
    assert page.get_by_role("heading", name="Tickets").is_visible()
    assert page.get_by_text("Only 4 left").is_visible()
    screenshot(page, "holds-selector-desktop")

    # Seats: click one, then use the keyboard for the seat to its right.
    first = page.locator('circle[aria-label="Main · Row A · Seat 5"]')
    first.click()
    assert first.get_attribute("aria-checked") == "true"
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Main · Row A · Seat 6"
    page.keyboard.press("Space")
    summary = page.locator("[data-seat-summary]")
    assert "2 seats" in summary.inner_text()
    assert "₦80,000.00" in summary.inner_text()
    screenshot(page, "holds-seats-picked")
    with page.expect_navigation(url=re.compile(r"/checkout\?hold=\d+")):
        page.get_by_role("button", name="Reserve seats").click()
    hold = Hold.objects.get(buyer=buyer, status="active")
    assert sorted(c.seat.label for c in hold.seat_claims.select_related("seat")) == [
        "Main-A5",
        "Main-A6",
    ]

    # The hold's page shows the countdown ticking down.
    page.goto(f"{live_server.url}/holds/{hold.pk}")
    countdown = page.locator(".countdown")
    first_reading = countdown.inner_text()
    assert re.fullmatch(r"(9|10):\d\d", first_reading)
    page.wait_for_timeout(2100)
    assert countdown.inner_text() != first_reading
    assert page.get_by_text("Main · Row A · Seat 5").is_visible()
    screenshot(page, "holds-countdown-seats")

    # Quantities: a new selection replaces the seats.
    page.goto(f"{live_server.url}/events/{concert.slug}/hold")
    taken = page.locator('circle[aria-label="Main · Row A · Seat 5, taken"]')
    assert taken.count() == 1
    page.get_by_label("VIP table").select_option("2")
    with page.expect_navigation(url=re.compile(r"/checkout\?hold=\d+")):
        page.get_by_role("button", name="Reserve tickets").click()
    new_hold = Hold.objects.get(buyer=buyer, status="active")
    assert new_hold.pk != hold.pk and new_hold.quantity == 2
    page.goto(f"{live_server.url}/holds/{new_hold.pk}")
    assert page.get_by_text("VIP table").is_visible()
    assert page.locator(".countdown").is_visible()
    screenshot(page, "holds-countdown-quantities")


def test_a_sold_out_answer_replaces_the_selector_on_a_phone(
    live_server, page_factory, screenshot, concert
):
    vip = concert.ticket_types.get(name="VIP table")
    page, _buyer = signed_in_page(page_factory, live_server, PHONE)
    page.goto(f"{live_server.url}/events/{concert.slug}/hold")
    page.get_by_label("VIP table").select_option("3")
    TicketType.objects.filter(pk=vip.pk).update(sold=3)  # somebody was faster
    gate.forget_counters([vip.pk])  # (through the gate, which now counts from the database)
    page.get_by_role("button", name="Reserve tickets").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "not enough VIP table tickets left" in alert.inner_text()
    # The badge and the quantity list say what is left, in place.
    assert page.locator(f"#avail-{vip.pk}").inner_text() == "Only 1 left"
    assert page.locator(f"#qty-{vip.pk} option").all_inner_texts() == ["0", "1"]
    assert page.url.endswith("/hold")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    screenshot(page, "holds-sold-out-phone")


def test_a_lost_seat_is_greyed_on_the_map_in_place(live_server, page_factory, screenshot, concert):
    from tickets import inventory as services

    page, _buyer = signed_in_page(page_factory, live_server, DESKTOP)
    page.goto(f"{live_server.url}/events/{concert.slug}/hold")
    seat = page.locator('circle[aria-label="Main · Row B · Seat 3"]')
    seat.click()
    assert "1 seat" in page.locator("[data-seat-summary]").inner_text()
    lost = concert.seats.get(row_label="B", number="3")
    services.hold_seats(buyer=UserFactory(), event=concert, seat_ids=[lost.pk])  # faster

    page.get_by_role("button", name="Reserve seats").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "just been taken" in alert.inner_text()
    taken = page.locator('circle[aria-label="Main · Row B · Seat 3, taken"]')
    taken.wait_for()
    assert "x" in taken.get_attribute("class").split()
    assert taken.get_attribute("aria-checked") == "false"
    assert page.locator("[data-seat-summary]").inner_text() == "No seats chosen."
    assert page.locator("circle.s").count() == 72  # the map stayed on the page
    assert page.url.endswith("/hold")
    screenshot(page, "holds-seat-lost-in-place")


def test_late_in_a_sale_the_map_is_redrawn_from_the_seats_still_free(
    live_server, page_factory, screenshot, concert
):
    """Most seats gone (here blocked by the organizer): a lost race answers with the map as
    it is now, the lost seat greyed with the rest."""
    from tickets import inventory as services

    concert.seats.exclude(row_label="F").update(is_blocked=True)  # 60 of 72 seats
    page, _buyer = signed_in_page(page_factory, live_server, DESKTOP)
    page.goto(f"{live_server.url}/events/{concert.slug}/hold")
    assert page.locator("circle.s.x").count() == 60
    page.locator('circle[aria-label="Main · Row F · Seat 4"]').click()
    lost = concert.seats.get(row_label="F", number="4")
    services.hold_seats(buyer=UserFactory(), event=concert, seat_ids=[lost.pk])

    with page.expect_response(re.compile(r"/hold-seats$")) as answer:
        page.get_by_role("button", name="Reserve seats").click()
    assert answer.value.status == 409
    page.get_by_role("alert").wait_for()
    page.locator('circle[aria-label="Main · Row F · Seat 4, taken"]').wait_for()
    assert page.locator("circle.s.x").count() == 61
    assert (
        page.locator('circle[aria-label="Main · Row F · Seat 5"]').get_attribute("aria-disabled")
        is None
    )
    assert page.locator("[data-seat-summary]").inner_text() == "No seats chosen."
    screenshot(page, "holds-seat-lost-late-free-list")


def test_a_lost_seat_is_greyed_in_place_on_a_phone_with_the_pages_csrf_token(
    live_server, page_factory, screenshot, concert
):
    """A real browser's htmx post (its CSRF token checked by Django's whole stack) loses a
    seat: the page says so and greys the seat, nothing is held."""
    from tickets import inventory as services

    page, buyer = signed_in_page(page_factory, live_server, PHONE)
    page.goto(f"{live_server.url}/events/{concert.slug}/hold")
    seat = page.locator('circle[aria-label="Main · Row A · Seat 5"]')
    seat.click()  # on a phone the first tap opens the section, at 44 px seats
    seat.click()
    lost = concert.seats.get(row_label="A", number="5")
    services.hold_seats(buyer=UserFactory(), event=concert, seat_ids=[lost.pk])

    with page.expect_response(re.compile(r"/hold-seats$")) as answer:
        page.get_by_role("button", name="Reserve seats").click()
    assert answer.value.status == 409
    page.get_by_role("alert").wait_for()
    assert "just been taken" in page.get_by_role("alert").inner_text()
    page.locator('circle[aria-label="Main · Row A · Seat 5, taken"]').wait_for()
    assert page.locator("[data-seat-summary]").inner_text() == "No seats chosen."
    expect(page.locator("[data-seat-view-name]")).to_have_text("Main")  # still in the section
    assert not Hold.objects.filter(buyer=buyer).exists()
    screenshot(page, "holds-seat-lost-phone")
