"""Browser journeys: an organizer builds and publishes an event; visitors find and open it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import ORGANIZER, SESSION_KEY
from tests.conftest import DESKTOP, PHONE
from tests.events.conftest import image_bytes
from tests.factories import (
    CategoryFactory,
    EventFactory,
    OrganizerFactory,
    TicketTypeFactory,
    VenueFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(page_factory, live_server, user, viewport=DESKTOP, role=ORGANIZER):
    """A browser page carrying a real session for `user` (made with Django's test client)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = role
    session.save()
    page = page_factory(viewport)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    return page


def no_sideways_scroll(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_organizer_creates_builds_seats_and_publishes_then_a_visitor_finds_it(
    live_server, page_factory, screenshot, tmp_path
):
    organizer = OrganizerFactory(name="Eko Live")
    CategoryFactory(name="Theatre", slug="theatre")
    VenueFactory(name="Terra Kulture Arena", city="Port Harcourt", state="Rivers")
    EventFactory(title="Unrelated Lagos Show")  # another city, so the filter has work to do
    cover = tmp_path / "cover.png"
    cover.write_bytes(image_bytes("PNG", (1200, 675)))

    page = signed_in_page(page_factory, live_server, organizer.user)
    page.goto(live_server.url + "/organizer/events/create")
    page.get_by_label("Title").fill("Wakaa Musical Preview Night")
    page.get_by_label("Description").fill("A Lagos musical.\nSing along <b>loudly</b>.")
    page.get_by_label("Category").select_option(label="Theatre")
    page.get_by_label("Starts (Lagos time)").fill("2030-05-01T19:00")
    page.get_by_label("Ends (Lagos time)").fill("2030-05-01T22:00")
    page.get_by_label("Venue", exact=True).select_option(label="Terra Kulture Arena, Port Harcourt")
    page.get_by_label("Seating").select_option(value="reserved")
    page.get_by_label("Cover image").set_input_files(str(cover))
    screenshot(page, "organizer-event-create-desktop")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r"/organizer/events/\d+$"))
    assert page.get_by_text("was created as a draft").is_visible()

    for name, price in [("Regular", "5000"), ("VIP", "20000")]:
        form = page.locator("form", has=page.get_by_role("button", name="Add ticket type"))
        if not form.is_visible():
            page.get_by_text("Add a ticket type").click()
        form.get_by_label("Name").fill(name)
        form.get_by_label("Price (₦)").fill(price)
        form.get_by_role("button", name="Add ticket type").click()
        assert page.get_by_text(f"Ticket type “{name}” added.").is_visible()
    screenshot(page, "organizer-event-edit-desktop")

    page.get_by_role("link", name=re.compile(r"Seat map")).click()
    add = page.locator("#seatmap-builder form", has_text="Add a section")
    add.get_by_label("Name").fill("Stalls")
    add.get_by_label("Rows").fill("3")
    add.get_by_label("Seats per row").fill("6")
    add.get_by_label("Price band").select_option(label="Regular")
    page.get_by_role("button", name="Generate seats").click()
    page.get_by_text("Section “Stalls” added").wait_for()
    assert page.locator("use[data-id]").count() == 18

    # Click the row letter "A" to select the row, then make it VIP.
    page.locator("svg .row-label", has_text="A").first.click()
    assert page.get_by_text("6 selected").is_visible()
    selection = page.locator("#seatmap-builder form", has_text="Selected seats")
    selection.get_by_label("Action").select_option(value="band")
    selection.get_by_label("Price band").select_option(label="VIP")
    selection.get_by_role("button", name="Apply").click()
    page.get_by_text("6 seats changed").wait_for()
    # Block one seat by clicking it.
    page.locator("use[data-id]").last.click()
    selection = page.locator("#seatmap-builder form", has_text="Selected seats")
    selection.get_by_label("Action").select_option(value="block")
    selection.get_by_role("button", name="Apply").click()
    page.get_by_text("1 seat changed").wait_for()
    assert page.locator("use.blk").count() == 1
    screenshot(page, "organizer-seatmap-desktop")

    from events.models import Event

    event = Event.objects.get(title="Wakaa Musical Preview Night")
    capacities = dict(event.ticket_types.values_list("name", "capacity"))
    assert capacities == {"Regular": 11, "VIP": 6}
    assert event.cover_image

    page.get_by_role("link", name=re.compile("Wakaa Musical")).first.click()
    page.get_by_role("button", name="Publish").click()
    assert page.get_by_text("is live on getiickets").is_visible()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    # A phone visitor finds it by search...
    visitor = page_factory(PHONE)
    visitor.goto(live_server.url + "/events")
    visitor.get_by_label("Search").fill("wakaa")
    visitor.get_by_role("button", name="Show events").click()
    expect(visitor.get_by_text("Unrelated Lagos Show")).to_have_count(0)
    expect(visitor.get_by_role("heading", name="Wakaa Musical Preview Night")).to_be_visible()
    assert "q=wakaa" in visitor.url  # the filtered list has its own address
    # ...and by city.
    visitor.goto(live_server.url + "/events")
    visitor.locator(".filter-more > summary").click()  # on a phone the filters fold away
    visitor.get_by_label("City").select_option(label="Port Harcourt")  # htmx updates the list
    expect(visitor.get_by_text("Unrelated Lagos Show")).to_have_count(0)
    expect(visitor.get_by_role("heading", name="Wakaa Musical Preview Night")).to_be_visible()
    screenshot(visitor, "visitor-city-filter-phone")
    no_sideways_scroll(visitor, PHONE)
    visitor.get_by_role("heading", name="Wakaa Musical Preview Night").click()
    # expect() waits for the page the click opened; is_visible() would look only once.
    expect(
        visitor.get_by_role("heading", level=1, name="Wakaa Musical Preview Night")
    ).to_be_visible()
    expect(visitor.get_by_text("Sing along <b>loudly</b>.")).to_be_visible()  # escaped, as typed
    expect(visitor.get_by_text("₦20,000.00").first).to_be_visible()
    screenshot(visitor, "visitor-event-detail-phone")
    no_sideways_scroll(visitor, PHONE)


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_visitor_browses_searches_and_opens_an_event(
    live_server, page_factory, screenshot, viewport, name
):
    abuja = VenueFactory(name="International Conference Centre", city="Abuja", state="FCT")
    comedy = CategoryFactory(name="Comedy", slug="comedy")
    music = CategoryFactory(name="Concerts", slug="concerts")
    soon = timezone.now() + timedelta(days=3)
    jazz = EventFactory(
        title="Abuja Jazz Evening",
        venue=abuja,
        category=music,
        starts_at=soon,
        ends_at=soon + timedelta(hours=4),
        is_featured=True,
    )
    TicketTypeFactory(event=jazz, name="Regular", price_kobo=750_000, capacity=100)
    vip = TicketTypeFactory(event=jazz, name="VIP", price_kobo=2_500_000, capacity=10)
    from events.models import TicketType

    TicketType.objects.filter(pk=vip.pk).update(sold=7)
    for i in range(5):
        e = EventFactory(title=f"Lagos Comedy Night {i + 1}", category=comedy)
        TicketTypeFactory(event=e, price_kobo=500_000 * (i + 1))
    gone = EventFactory(title="Sold Out Derby", category=comedy)
    tt = TicketTypeFactory(event=gone, capacity=5)
    TicketType.objects.filter(pk=tt.pk).update(sold=5)

    page = page_factory(viewport)
    assert page.goto(live_server.url + "/events").status == 200
    assert page.get_by_role("heading", level=1, name="Upcoming events").is_visible()
    assert page.locator(".event-grid article").count() == 7
    screenshot(page, f"events-list-{name}")
    no_sideways_scroll(page, viewport)

    page.get_by_label("Search").fill("jazz")
    page.get_by_role("button", name="Show events").click()
    expect(page.locator(".event-grid article")).to_have_count(1)
    page.get_by_role("heading", name="Abuja Jazz Evening").click()
    assert page.get_by_role("heading", level=1, name="Abuja Jazz Evening").is_visible()
    assert page.get_by_text("Only 3 left").is_visible()
    assert page.get_by_role("link", name="Add to calendar").is_visible()
    screenshot(page, f"event-detail-{name}")
    no_sideways_scroll(page, viewport)


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_organizer_seat_map_and_event_pages_fit_the_screen(
    live_server, page_factory, screenshot, viewport, name
):
    from events import services
    from events.models import Event

    organizer = OrganizerFactory()
    event = EventFactory(organizer=organizer, title="Seated Gala", seating=Event.Seating.RESERVED)
    bands = [
        TicketTypeFactory(event=event, name=band, capacity=0, price_kobo=price)
        for band, price in [("Orchestra", 3_500_000), ("Balcony", 2_000_000), ("Box", 8_000_000)]
    ]
    for (section, rows, per_row), band in zip(
        [("Orchestra", 8, 16), ("Balcony", 6, 18), ("Boxes", 2, 8)], bands, strict=True
    ):
        services.generate_section(
            event=event, name=section, rows=rows, seats_per_row=per_row, ticket_type=band
        )
    page = signed_in_page(page_factory, live_server, organizer.user, viewport)
    for path, shot in [
        (f"/organizer/events/{event.pk}/seats", "organizer-seatmap-3-sections"),
        (f"/organizer/events/{event.pk}", "organizer-event-edit"),
        ("/organizer/events", "organizer-event-list"),
        ("/organizer/events/create", "organizer-event-create"),
    ]:
        assert page.goto(live_server.url + path).status == 200
        screenshot(page, f"{shot}-{name}")
        no_sideways_scroll(page, viewport)
