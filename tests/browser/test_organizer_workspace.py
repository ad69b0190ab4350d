"""The organizer's workspace in a browser: every tool reached by clicking from the
dashboard; a door-staff member invited, signed up and limited to check-in; a keyboard-wedge
scanner admitting without a click; the check-in page reloaded offline still admitting from
its cached guest list and syncing when the network is back."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import TeamMember
from tests.browser.test_organizer_operations import signed_in_page
from tests.conftest import DESKTOP, PHONE
from tests.factories import (
    EventFactory,
    OrganizerFactory,
    PromoCodeFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)
from tickets.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Ofada-Stew-Lagos-2026"


@pytest.fixture
def show():
    organizer = OrganizerFactory(name="Eko Sounds", user__full_name="Funke Adeyemi")
    event = EventFactory(
        organizer=organizer,
        title="Eko Jazz Festival at the Muri Okunola Park, Victoria Island",
        seating="reserved",
    )
    EventFactory(organizer=organizer, title="Comedy Draft", status="draft")
    regular = TicketTypeFactory(event=event, name="Regular", capacity=14_399)
    tickets = []
    for name in ("Amaka Nwosu", "Tunde Bakare", "Zainab Musa"):
        buyer = UserFactory(full_name=name)
        tickets += paid_order_with_tickets(ticket_type=regular, buyer=buyer)[1]
    PromoCodeFactory(organizer=organizer, code="EKO10")
    return organizer, event, tickets


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_an_organizer_reaches_every_tool_by_clicking_from_the_dashboard(
    live_server, page_factory, screenshot, show
):
    organizer, event, _ = show
    page = signed_in_page(page_factory, live_server, organizer.user, DESKTOP)
    page.goto(live_server.url + "/organizer/dashboard")
    nav = page.get_by_role("navigation", name="Organizer")
    screenshot(page, "workspace-dashboard-desktop")
    assert "14,399" in page.content()

    for label, heading in [
        ("Events", "Events"),
        ("Create event", "Create an event"),
        ("Promo codes", "Promo codes"),
        ("Check-in", "Check-in"),
        ("Business details", "Business details"),
        ("Team", "Team"),
        ("Dashboard", "Dashboard"),
    ]:
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )

    # Every event has a page of its own with its tools as tabs.
    page.get_by_role("row").filter(has_text="Eko Jazz Festival").get_by_role(
        "link", name=re.compile("^Edit")
    ).click()
    tabs = page.get_by_role("navigation", name=re.compile("Eko Jazz Festival"))
    for label, heading in [
        ("Tickets", "Tickets"),
        ("Seats", "Seat map"),
        ("Orders", "Orders"),
        ("Analytics", "Analytics"),
        ("Waitlist", "Waitlist"),
        ("Check-in", "Check-in"),
        ("Refunds", re.compile("Refunds")),
        ("Edit", re.compile("Eko Jazz Festival")),
    ]:
        tabs.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(tabs.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
    screenshot(page, "workspace-event-edit-desktop")

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/organizer/dashboard")
    fits(page, PHONE["width"])
    card = page.get_by_role("row").filter(has_text="Eko Jazz Festival")
    expect(card.get_by_role("link", name=re.compile("^Edit"))).to_be_visible()
    title_box = card.get_by_role("rowheader").bounding_box()
    date_box = card.get_by_text(re.compile(r"\d{1,2} \w{3} \d{4}")).bounding_box()
    assert title_box["y"] + title_box["height"] <= date_box["y"] + 1  # no overlap
    screenshot(page, "workspace-dashboard-phone")
    page.goto(live_server.url + f"/organizer/events/{event.pk}/analytics")
    fits(page, PHONE["width"])
    screenshot(page, "workspace-analytics-phone")


def test_invited_door_staff_sign_up_and_can_only_check_in(
    live_server, page_factory, screenshot, show, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organizer, event, tickets = show
    owner = signed_in_page(page_factory, live_server, organizer.user, DESKTOP)
    owner.goto(live_server.url + "/organizer/dashboard")
    owner.get_by_role("navigation", name="Organizer").get_by_role("link", name="Team").click()
    owner.get_by_label("Email address").fill("gate.a@example.ng")
    owner.get_by_label("Door staff", exact=True).check()
    owner.get_by_label(event.title).check()
    owner.get_by_role("button", name="Send invitation").click()
    expect(owner.get_by_text("Invitation sent to gate.a@example.ng.")).to_be_visible()
    screenshot(owner, "workspace-team-invited")
    base = live_server.url
    path = re.search(r"/organizer/team/join/\S+", mail.outbox[-1].body).group(0)
    link = base + path  # the email names SITE_URL
    page = page_factory(PHONE)
    page.goto(link)
    screenshot(page, "workspace-join-signed-out-phone")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("gate.a@example.ng")
    page.get_by_label("Password", exact=True).fill(SECRET)
    page.get_by_label("Password (again)").fill(SECRET)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(base + "/auth/verify-email")
    verify = re.search(r"http://\S+/auth/verify-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(verify)
    page.get_by_role("button", name="Confirm my email").click()
    page.wait_for_url(re.compile(r".*/auth/login.*"))

    page.goto(link)
    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Email address").fill("gate.a@example.ng")
    page.get_by_label("Password", exact=True).fill(SECRET)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Join the team").click()
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()
    assert TeamMember.objects.get(user__email="gate.a@example.ng").role == "door_staff"
    nav = page.get_by_role("navigation", name="Organizer")
    assert nav.get_by_role("link").all_inner_texts() == ["Check-in", "API tokens"]
    screenshot(page, "workspace-door-staff-home-phone")

    page.get_by_role("link", name=re.compile("Open check-in")).click()
    page.locator("#checkin[data-ready=true]").wait_for()
    expect(page.get_by_role("heading", name="Find an attendee")).to_have_count(0)
    tabs = page.get_by_role("navigation", name=re.compile("Eko Jazz Festival"))
    assert tabs.get_by_role("link").all_inner_texts() == ["Check-in"]
    fits(page, PHONE["width"])
    screenshot(page, "workspace-door-staff-check-in-phone")

    for path in ("/organizer/dashboard", f"/organizer/events/{event.pk}/orders", "/organizer/team"):
        response = page.goto(base + path)
        assert response.url.endswith("/organizer/check-in") or response.status == 403, path


def _open_check_in(page, live_server, event):
    page.goto(live_server.url + f"/organizer/events/{event.pk}/check-in")
    page.locator(
        "#checkin[data-ready=true][data-manifest-ready=true][data-offline-ready=true]"
    ).wait_for()


def test_a_keyboard_wedge_scan_admits_without_a_click(live_server, page_factory, screenshot, show):
    organizer, event, tickets = show
    page = signed_in_page(page_factory, live_server, organizer.user, DESKTOP)
    _open_check_in(page, live_server, event)
    result = page.locator("#scan-result")

    # The scanner types into the focused code box and presses Enter.
    expect(page.locator("#code-input")).to_be_focused()
    page.keyboard.type(tickets[0].qr_payload, delay=2)
    page.keyboard.press("Enter")
    result.get_by_text("Welcome, Amaka Nwosu.").wait_for()

    # Focus elsewhere on the page: the burst of keys ending in Enter is still a scan.
    page.get_by_role("heading", name="Offline mode").click()
    page.keyboard.type(tickets[1].qr_payload, delay=2)
    page.keyboard.press("Enter")
    result.get_by_text("Welcome, Tunde Bakare.").wait_for()
    expect(page.locator("#admitted-count")).to_have_text("2")
    expect(page.locator("#device-count")).to_have_text("2")
    screenshot(page, "workspace-wedge-scan-desktop")
    assert CheckIn.objects.filter(ticket__in=tickets[:2]).count() == 2


def test_check_in_reloaded_offline_still_admits_and_syncs(
    live_server, page_factory, screenshot, show
):
    organizer, event, tickets = show
    page = signed_in_page(page_factory, live_server, organizer.user, PHONE)
    _open_check_in(page, live_server, event)
    page.reload()  # now under the service worker's control
    page.locator("#checkin[data-ready=true][data-manifest-ready=true]").wait_for()

    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    page.locator("#checkin[data-ready=true][data-manifest-ready=true]").wait_for()
    expect(page.locator("#net-status")).to_have_attribute("data-state", "offline")
    page.keyboard.type(tickets[2].qr_payload, delay=2)
    page.keyboard.press("Enter")
    page.locator("#scan-result").get_by_text("Valid — checked in (offline)").wait_for()

    assert not CheckIn.objects.filter(ticket=tickets[2]).exists()
    page.reload()  # the queue survives a reload too
    page.get_by_text("1 offline check-in waiting to sync.").wait_for()
    screenshot(page, "workspace-offline-reloaded-phone")
    assert not CheckIn.objects.filter(ticket=tickets[2]).exists()

    page.context.set_offline(False)
    page.locator("#sync-report").get_by_text("Synced: 1 new").wait_for()
    page.get_by_text("Nothing waiting to sync.").wait_for()
    assert CheckIn.objects.get(ticket=tickets[2]).offline is True
