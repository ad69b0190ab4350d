"""The organizer's day: dashboard and charts, a CSV export, and the door with and without
network (QR images fed to the scanner page's own decoder, manual search, offline sync)."""

import csv
from datetime import timedelta

import pytest
import segno
from django.conf import settings
from django.test import Client
from django.utils import timezone

from orders.models import PromoCode
from tests.conftest import DESKTOP, PHONE
from tests.factories import (
    EventFactory,
    OrganizerFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)
from tickets import checkin
from tickets.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(page_factory, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    session = client.session
    session["active_role"] = "organizer"
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


def read_csv(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def qr_png(tmp_path, payload, name):
    path = tmp_path / f"{name}.png"
    segno.make(payload, error="m").save(str(path), scale=8, border=4)
    return str(path)


@pytest.fixture
def festival():
    organizer = OrganizerFactory(name="Eko Sounds")
    event = EventFactory(organizer=organizer, title="Eko Jazz Festival")
    EventFactory(organizer=organizer, title="Comedy Draft", status="draft")
    regular = TicketTypeFactory(event=event, name="Regular", price_kobo=1_500_000, capacity=120)
    vip = TicketTypeFactory(event=event, name="VIP", price_kobo=6_000_000, capacity=20)
    promo = PromoCode.objects.create(organizer=organizer, code="EKO10", kind="percent", value=1000)
    # Noon in Lagos, so the six sales days are the six days before today (Lagos) at any hour.
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    people = {}
    for day, (n_regular, n_vip) in enumerate([(3, 0), (5, 1), (2, 0), (8, 2), (4, 1), (9, 3)]):
        paid_at = noon - timedelta(days=6 - day)
        for i in range(n_regular):
            buyer = UserFactory(full_name=f"Regular Buyer {day}-{i}")
            paid_order_with_tickets(
                ticket_type=regular,
                buyer=buyer,
                paid_at=paid_at,
                **({"promo_code": promo, "discount_kobo": 150_000} if i % 3 == 0 else {}),
            )
        for i in range(n_vip):
            paid_order_with_tickets(ticket_type=vip, paid_at=paid_at, quantity=2)
    for name in ("Amaka Nwosu", "Tunde Bakare", "Zainab Musa", "Kemi Lawal"):
        email = f"{name.split()[0].lower()}@example.ng"
        buyer = UserFactory(full_name=name, email=email)
        _, [ticket] = paid_order_with_tickets(ticket_type=regular, buyer=buyer)
        people[name] = ticket
    return organizer, event, people


def test_organizer_dashboard_analytics_and_csv(
    live_server, page_factory, screenshot, festival, tmp_path
):
    organizer, event, _ = festival
    page = signed_in_page(page_factory, live_server, organizer.user, DESKTOP)

    page.goto(live_server.url + "/organizer/dashboard")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_role("row").filter(has_text="Eko Jazz Festival").is_visible()
    assert page.get_by_role("link", name="Comedy Draft", exact=True).is_visible()
    screenshot(page, "ops-dashboard")

    page.get_by_role("row").filter(has_text="Eko Jazz Festival").get_by_role(
        "link", name="Analytics"
    ).click()
    page.wait_for_url(f"**/organizer/events/{event.pk}/analytics")
    assert page.locator("svg.chart").count() >= 6
    assert page.get_by_role("img", name="Revenue by ticket type").is_visible()
    screenshot(page, "ops-analytics")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    rows = read_csv(download.value.path())
    assert rows[0][0] == "Date" and len(rows) == 1 + 7

    page.get_by_role("link", name="Orders").first.click()
    page.wait_for_url(f"**/organizer/events/{event.pk}/orders")
    screenshot(page, "ops-orders")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export attendees (CSV)").click()
    attendees = read_csv(download.value.path())
    assert attendees[0][:2] == ["Ticket", "Attendee"]
    assert any(r[1] == "Amaka Nwosu" for r in attendees)

    page.get_by_label("Search").fill("amaka@example.ng")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("row").filter(has_text="Amaka Nwosu").get_by_role("link").click()
    page.get_by_role("heading", name="History").wait_for()
    assert page.get_by_text("amaka@example.ng").first.is_visible()
    screenshot(page, "ops-order-detail")

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/organizer/events/{event.pk}/analytics")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "ops-analytics-phone")


def test_door_staff_check_in_online_offline_and_sync(
    live_server, page_factory, screenshot, festival, tmp_path
):
    organizer, event, people = festival
    page = signed_in_page(page_factory, live_server, organizer.user, PHONE)
    page.goto(live_server.url + f"/organizer/events/{event.pk}/check-in")
    page.locator("#checkin[data-ready=true][data-manifest-ready=true]").wait_for()
    page.fill("#device-name", "Gate A phone")
    page.locator("#device-name").dispatch_event("change")
    result = page.locator("#scan-result")

    # 1. A QR image goes through the page's own decoder: admitted.
    amaka = people["Amaka Nwosu"]
    page.set_input_files("#scan-image", qr_png(tmp_path, amaka.qr_payload, "amaka"))
    result.get_by_text("Valid — checked in").wait_for()
    assert "Amaka Nwosu" in result.inner_text()
    screenshot(page, "ops-checkin-valid")
    assert CheckIn.objects.get(ticket=amaka).device == "Gate A phone"

    # 2. The same ticket again: the duplicate warning, with when and where.
    page.set_input_files("#scan-image", qr_png(tmp_path, amaka.qr_payload, "amaka-again"))
    result.get_by_text("Already checked in").wait_for()
    assert "Gate A phone" in result.inner_text()
    screenshot(page, "ops-checkin-duplicate")

    # 3. Manual search by name, then admit.
    page.fill("#search-q", "Tunde")
    page.get_by_role("button", name="Search").click()
    page.locator("#search-results").get_by_role("button", name="Check in").click()
    result.get_by_text("Welcome, Tunde Bakare.").wait_for()
    assert CheckIn.objects.filter(ticket=people["Tunde Bakare"]).exists()

    # 4. The network drops: the page verifies signatures itself and queues admissions.
    page.locator("#checkin[data-manifest-ready=true]").wait_for()
    page.context.set_offline(True)
    page.locator("#net-status[data-state=offline]").wait_for()
    zainab, kemi = people["Zainab Musa"], people["Kemi Lawal"]
    page.set_input_files("#scan-image", qr_png(tmp_path, zainab.qr_payload, "zainab"))
    result.get_by_text("Valid — checked in (offline)").wait_for()
    page.set_input_files("#scan-image", qr_png(tmp_path, amaka.qr_payload, "amaka-offline"))
    result.get_by_text("Already checked in (offline)").wait_for()
    forged = zainab.qr_payload[:-4] + ("AAAA" if not zainab.qr_payload.endswith("AAAA") else "BBBB")
    page.fill("#code-input", forged)
    page.get_by_role("button", name="Check", exact=True).click()
    result.get_by_text("Unknown ticket (offline)").wait_for()
    page.set_input_files("#scan-image", qr_png(tmp_path, kemi.qr_payload, "kemi"))
    result.get_by_text("Valid — checked in (offline)").wait_for()
    page.get_by_text("2 offline check-ins waiting to sync.").wait_for()
    screenshot(page, "ops-checkin-offline")
    assert not CheckIn.objects.filter(ticket__in=[zainab, kemi]).exists()

    # Meanwhile another gate, online, admitted Kemi too (later than this phone did).
    checkin.check_in(event=event, ticket_id=kemi.pk, device="Gate B tablet")

    # 5. Back online: the queue syncs by itself and the conflict is reported.
    page.context.set_offline(False)
    report = page.locator("#sync-report")
    report.get_by_text("Synced: 1 new").wait_for()
    assert "1 conflict" in report.inner_text()
    assert "Kemi Lawal" in report.inner_text() and "Gate B tablet" in report.inner_text()
    page.get_by_text("Nothing waiting to sync.").wait_for()
    screenshot(page, "ops-checkin-synced")
    z = CheckIn.objects.get(ticket=zainab)
    assert (z.offline, z.device) == (True, "Gate A phone")
    assert CheckIn.objects.get(ticket=kemi).device == "Gate A phone"  # first admission wins


def test_the_guest_list_stays_on_the_phone_across_a_reload(
    live_server, page_factory, festival, tmp_path
):
    organizer, event, people = festival
    page = signed_in_page(page_factory, live_server, organizer.user, PHONE)
    url = live_server.url + f"/organizer/events/{event.pk}/check-in"
    page.goto(url)
    page.locator("#checkin[data-manifest-ready=true]").wait_for()

    # The venue's network is flaky: the page loads but the guest list cannot be fetched.
    page.context.route("**/manifest.json", lambda route: route.abort())  # the SW asks too
    page.reload()
    page.locator("#checkin[data-ready=true][data-manifest-ready=true]").wait_for()
    page.get_by_text("using the copy on this device").wait_for()
    page.context.set_offline(True)
    zainab = people["Zainab Musa"]
    page.set_input_files("#scan-image", qr_png(tmp_path, zainab.qr_payload, "zainab"))
    page.locator("#scan-result").get_by_text("Valid — checked in (offline)").wait_for()


def test_organizer_waitlist_queue_and_buyer_join(live_server, page_factory, screenshot, festival):
    from events.models import TicketType
    from orders.models import WaitlistEntry

    organizer, event, _ = festival
    vip = TicketType.objects.get(event=event, name="VIP")
    TicketType.objects.filter(pk=vip.pk).update(capacity=vip.sold)
    buyer = UserFactory(full_name="Ngozi Eze", email="ngozi@example.ng", phone="+2348051112233")
    WaitlistEntry.objects.create(
        event=event, ticket_type=vip, buyer=UserFactory(), quantity=2, email="early@example.ng"
    )

    client = Client()
    client.force_login(buyer)
    page = page_factory(PHONE)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + f"/waitlist?event={event.slug}&ticket_type={vip.pk}")
    assert page.get_by_label("Email for the offer").input_value() == "ngozi@example.ng"
    page.get_by_label("Quantity").fill("1")
    page.get_by_role("button", name="Join the waitlist").click()
    page.get_by_text("number 2 in line").wait_for()
    screenshot(page, "ops-waitlist-buyer")

    org = signed_in_page(page_factory, live_server, organizer.user, DESKTOP)
    org.goto(live_server.url + f"/organizer/events/{event.pk}/waitlist")
    rows = org.get_by_role("row")
    assert "early@example.ng" in rows.nth(1).inner_text()
    assert "ngozi@example.ng" in rows.nth(2).inner_text()
    screenshot(org, "ops-waitlist-organizer")
    rows.nth(1).get_by_role("button", name="Remove").click()
    org.get_by_text("early@example.ng was removed from the waitlist.").wait_for()
