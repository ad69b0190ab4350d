"""Buyer journeys on a 390 px phone (issue 18), each with screenshots to look at."""

import pytest
from playwright.sync_api import expect

from getiickets.datetimes import format_when
from tests.factories import TicketTypeFactory, UserFactory

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


def test_the_catalogue_filters_fold_behind_a_button_on_a_phone(
    live_server, page_factory, screenshot
):
    for n in range(3):
        TicketTypeFactory(event__title=f"Comedy Jam {n}", event__venue__city="Lagos")
    page = page_factory(PHONE_390)
    page.goto(f"{live_server.url}/events")
    assert page.get_by_label("Search").is_visible()
    assert not page.get_by_label("City").is_visible()
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    screenshot(page, "buyer-phone-catalogue-filters-folded")
    page.locator(".filter-more > summary").click()
    page.get_by_label("City").select_option("Lagos")
    page.wait_for_url("**city=Lagos**")
    expect(page.get_by_text("3 events match your filters")).to_be_visible()
    page.get_by_text("Pick dates").click()
    page.get_by_label("From").fill("2027-03-10")
    page.get_by_label("To").fill("2027-03-01")
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_role("alert").filter(has_text="before the “From” date")).to_be_visible()
    assert page.locator("header.site-header").count() == 1
    screenshot(page, "buyer-phone-catalogue-reversed-dates")
    wide = page_factory({"width": 1280, "height": 900})
    wide.goto(f"{live_server.url}/events")
    assert wide.get_by_label("City").is_visible()


def _sign_in(page, live_server, user):
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_dashboard_groups_tickets_by_event_and_folds_the_past(
    live_server, page_factory, screenshot
):
    from tests.fulfilment.test_dashboard_pages import buy

    buyer = UserFactory(full_name="Ada Obi")
    for days in (3, 9):
        buy(buyer, days=days, quantity=2)
    for days in range(-30, -3, 3):
        buy(buyer, days=days, quantity=1)
    page = page_factory(PHONE_390)
    _sign_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/dashboard/tickets")
    assert page.locator("article.event-tickets").count() == 2
    expect(page.get_by_text("Past events (9)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "buyer-phone-dashboard-tickets")
    page.goto(f"{live_server.url}/dashboard/orders")
    assert page.locator(".order-card").count() == 11
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "buyer-phone-dashboard-orders")


def test_the_success_page_turns_into_the_tickets_without_a_reload(
    live_server, page_factory, screenshot
):
    from tests.factories import OrderFactory
    from tickets import fulfilment

    buyer = UserFactory(full_name="Ada Obi", email="ada@example.ng", phone="+2348031234567")
    order = OrderFactory(buyer=buyer, items=2, event__title="Gidi Fest", phone="+2348031234567")
    page = page_factory(PHONE_390)
    _sign_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/checkout/success?reference={order.reference}")
    expect(page.get_by_text("Issuing your tickets")).to_be_visible()
    screenshot(page, "buyer-phone-success-issuing")
    page.evaluate("window.__sameDocument = true")
    fulfilment.start_fulfilment(order.pk)
    expect(page.locator(".pass img")).to_have_count(2, timeout=10_000)
    expect(page.get_by_text("2 tickets issued")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True  # no reload
    for image in page.locator(".pass img").all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0
    expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(page.get_by_text("Emailed to ada@example.ng")).to_be_visible()
    # No SMS provider is configured here: the page must not say one was sent.
    expect(page.get_by_text("No SMS to 0803 123 4567 this time")).to_be_visible()
    assert page.get_by_text("SMS with your link sent").count() == 0
    screenshot(page, "buyer-phone-success-tickets")


def test_sign_up_with_verification_in_another_tab_keeps_the_selection(
    live_server, page_factory, screenshot, mailoutbox
):
    import re

    ticket_type = TicketTypeFactory(name="Regular", capacity=50, event__title="Gidi Fest")
    page = page_factory(PHONE_390)
    page.goto(f"{live_server.url}/events/{ticket_type.event.slug}")
    page.select_option(f"#qty-{ticket_type.pk}", "2")
    page.get_by_role("button", name="Reserve tickets").click()
    page.wait_for_url("**/auth/login**")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("new@example.ng")
    page.locator("input[name=password1]").fill("Jollof-Rice-2026!")
    page.locator("input[name=password2]").fill("Jollof-Rice-2026!")
    screenshot(page, "buyer-phone-signup-form")
    page.get_by_role("button", name=re.compile("Create")).click()
    page.wait_for_url("**/auth/verify-email")
    screenshot(page, "buyer-phone-signup-verify-sent")
    link = re.search(r"https?://\S+/auth/verify-email/\S+", mailoutbox[-1].body)[0]
    tab = page.context.new_page()  # the mail opens in another tab
    tab.goto(live_server.url + "/auth/" + link.split("/auth/", 1)[1])
    tab.get_by_role("button", name=re.compile("Confirm")).click()
    tab.wait_for_url("**/auth/login**")
    tab.get_by_label("Email").fill("new@example.ng")
    tab.locator("input[name=password]").fill("Jollof-Rice-2026!")
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/checkout?hold=**")
    expect(tab.get_by_text("your tickets for Gidi Fest are held")).to_be_visible()
    expect(tab.get_by_label("Full name")).to_be_visible()  # asked here, no step before
    screenshot(tab, "buyer-phone-signup-lands-at-checkout-with-tickets-held")


def test_sold_out_to_the_waitlist_on_a_phone(live_server, page_factory, screenshot):
    from events.models import TicketType

    ticket_type = TicketTypeFactory(name="Regular", capacity=5, event__title="Gidi Fest")
    TicketType.objects.filter(pk=ticket_type.pk).update(sold=5)
    buyer = UserFactory(email="ada@example.ng", phone="+2348031234567")
    page = page_factory(PHONE_390)
    _sign_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/events?q=Gidi")
    card = page.locator("article.event-card").filter(has_text="Gidi Fest")
    expect(card.get_by_text("Sold out").first).to_be_visible()  # the catalogue says so too
    screenshot(page, "buyer-phone-sold-out-catalogue-card")
    card.get_by_role("link").first.click()
    page.wait_for_url(f"**/events/{ticket_type.event.slug}")
    expect(page.get_by_text("Every ticket for this event is taken")).to_be_visible()
    assert page.get_by_role("button", name="Reserve tickets").count() == 0
    page.get_by_label("How many tickets?").select_option("2")
    page.locator(".waitlist-offer").scroll_into_view_if_needed()
    screenshot(page, "buyer-phone-sold-out-event")
    page.get_by_role("button", name="Join the waitlist").click()
    page.wait_for_url("**/waitlist?**")
    assert page.get_by_label("Quantity").input_value() == "2"
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text("ada@example.ng").first).to_be_visible()
    assert ticket_type.event.waitlist.get(buyer=buyer).quantity == 2
    # The event page's clock (12-hour, Lagos time), and no SMS promised without a provider.
    when = format_when(ticket_type.event.starts_at)
    expect(page.get_by_text(when)).to_be_visible()
    expect(page.get_by_text("We'll email you.")).to_be_visible()
    assert page.get_by_text("an SMS to").count() == 0
    screenshot(page, "buyer-phone-waitlist-joined")


def test_seat_picking_with_zoom_and_a_seat_taken_from_another_browser(
    live_server, page_factory, screenshot
):
    """The whole map small, a tap on a section zooms to it at 44 px seats with its row labels,
    the pick is listed with section, row and number, and a seat another buyer takes (in a
    second browser context) turns taken on the open map without a reload."""
    import re

    from events import services as event_services
    from events.models import Event
    from tests.factories import EventFactory

    event = EventFactory(title="Theatre Night", seating=Event.Seating.RESERVED)
    for name in ("Stalls", "Balcony"):
        band = TicketTypeFactory(event=event, name=f"{name} seats", capacity=0)
        event_services.generate_section(
            event=event, name=name, rows=6, seats_per_row=24, ticket_type=band
        )
    me, other = page_factory(PHONE_390), page_factory(PHONE_390)
    _sign_in(me, live_server, UserFactory())
    _sign_in(other, live_server, UserFactory())
    me.goto(f"{live_server.url}/events/{event.slug}")
    me.evaluate("window.__sameDocument = true")
    svg = me.locator("svg[data-seatmap]")
    svg.scroll_into_view_if_needed()
    # The overview: the whole map fits the phone's width, its seats too small to hit.
    map_box = me.locator(".seatmap").bounding_box()
    assert svg.bounding_box()["width"] <= map_box["width"]
    seat = me.locator('circle[aria-label="Stalls · Row B · Seat 20"]')
    assert seat.bounding_box()["width"] < 44
    assert me.evaluate("document.documentElement.scrollWidth") <= 390
    viewport = me.locator("meta[name=viewport]").get_attribute("content")
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport  # pinch-zoom stays
    screenshot(me, "buyer-phone-seats-overview")

    seat.click()  # a tap on the overview opens its section
    expect(me.locator("[data-seat-view-name]")).to_have_text("Stalls")
    expect(me.locator('[data-section-link][aria-current="true"]')).to_contain_text("Stalls")
    assert me.locator('g[data-section]:not([style*="none"])').count() == 1
    for label in (
        "Stalls · Row A · Seat 1",
        "Stalls · Row B · Seat 20",
        "Stalls · Row F · Seat 24",
    ):
        seat_box = me.locator(f'circle[aria-label="{label}"]').bounding_box()
        assert seat_box["width"] >= 44 and seat_box["height"] >= 44, (label, seat_box)
    assert me.locator(".seat-rows span").all_inner_texts() == list("ABCDEF")
    # Keyboard users land in the section shown: Space picks, arrows move within it.
    focused = me.locator('g[data-section]:not([style*="none"]) circle.s[tabindex="0"]')
    expect(focused).to_have_count(1)
    # The section is wider than the phone: the map pans, the row labels stay in view.
    seat.scroll_into_view_if_needed()
    assert me.locator(".seatmap").evaluate("b => b.scrollLeft") > 0
    rows_box = me.locator(".seat-rows").bounding_box()
    assert map_box["x"] <= rows_box["x"] <= map_box["x"] + 2
    seat.click()
    me.locator('circle[aria-label="Stalls · Row B · Seat 21"]').click()
    picks = me.locator(".seat-picks li")
    expect(picks).to_have_count(2)
    expect(picks.first).to_contain_text("Stalls · Row B · Seat 20")
    screenshot(me, "buyer-phone-seats-section-picked")

    # The picker goes to another section and back to the whole map.
    me.get_by_role("link", name=re.compile("^Balcony")).click()
    expect(me.locator("[data-seat-view-name]")).to_have_text("Balcony")
    me.get_by_role("button", name="Whole map").click()
    expect(me.locator("[data-seat-view]")).to_be_hidden()
    assert svg.bounding_box()["width"] <= map_box["width"]
    me.locator('circle[aria-label="Stalls · Row A · Seat 5"]').click()
    expect(me.locator("[data-seat-view-name]")).to_have_text("Stalls")

    # Another buyer takes Row A seat 5 of the Stalls: the open map greys it by itself.
    other.goto(f"{live_server.url}/events/{event.slug}")
    other.get_by_role("link", name=re.compile("^Stalls")).click()
    other.locator('circle[aria-label="Stalls · Row A · Seat 5"]').click()
    with other.expect_navigation(url=re.compile(r"/checkout\?hold=\d+")):
        other.get_by_role("button", name="Reserve seats").click()
    taken = me.locator('circle[aria-label="Stalls · Row A · Seat 5, taken"]')
    expect(taken).to_have_count(1, timeout=10_000)  # the 3 s poll of a 2 s answer, no reload
    assert "x" in taken.get_attribute("class").split()
    # Balcony · Row A · Seat 5 is another seat, and still free.
    assert me.locator('circle[aria-label="Balcony · Row A · Seat 5"]').count() == 1
    expect(me.locator("[data-section-free]").first).to_have_text("143 free")
    assert me.evaluate("window.__sameDocument") is True
    me.locator('circle[aria-label="Stalls · Row A · Seat 5, taken"]').scroll_into_view_if_needed()
    screenshot(me, "buyer-phone-seats-live-update")
    with me.expect_navigation(url=re.compile(r"/checkout\?hold=\d+")):
        me.get_by_role("button", name="Reserve seats").click()
    expect(me.get_by_label("Attendee name — Stalls · Row B · Seat 20")).to_be_visible()
    screenshot(me, "buyer-phone-seats-checkout")


def test_seats_without_javascript_a_section_is_a_list_of_checkboxes(
    live_server, browser, screenshot
):
    """The section picker's links work without JavaScript: the section's seats come as
    checkboxes by row (44 px), and Reserve seats holds the ticked ones."""
    import re

    from events import services as event_services
    from events.models import Event
    from tests.factories import EventFactory

    event = EventFactory(title="Theatre Night", seating=Event.Seating.RESERVED)
    for name in ("Stalls", "Balcony"):
        band = TicketTypeFactory(event=event, name=f"{name} seats", capacity=0)
        event_services.generate_section(
            event=event, name=name, rows=3, seats_per_row=8, ticket_type=band
        )
    context = browser.new_context(viewport=PHONE_390, java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, live_server, UserFactory())
    page.goto(f"{live_server.url}/events/{event.slug}")
    page.get_by_role("link", name=re.compile("^Balcony")).click()
    page.wait_for_url("**?section=*")
    box = page.get_by_role("checkbox", name="Balcony · Row B · Seat 3", exact=True)
    expect(box).to_be_visible()
    label_box = page.locator("label.seat-check").filter(has=box).bounding_box()
    assert label_box["width"] >= 44 and label_box["height"] >= 44
    assert page.locator('input[type=checkbox][name="seat"]').count() == 24  # Balcony only
    box.check()
    page.get_by_role("checkbox", name="Balcony · Row B · Seat 4", exact=True).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#seat-section").scroll_into_view_if_needed()
    screenshot(page, "buyer-phone-seats-no-javascript")
    page.get_by_role("button", name="Reserve seats").click()
    page.wait_for_url("**/checkout?hold=**")
    expect(page.get_by_label("Attendee name — Balcony · Row B · Seat 3")).to_be_visible()
    context.close()
