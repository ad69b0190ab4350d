"""What people see when input is refused (issue 17 items 1, 3 and 4): a buyer on a phone
following a broken link, an organizer typing impossible numbers, dates and files on a desktop,
and staff opening /admin/."""

import pytest
from django.test import Client

from events.models import TicketType
from tests.conftest import DESKTOP
from tests.events.conftest import image_bytes
from tests.factories import EventFactory, OrganizerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_390 = {"width": 390, "height": 844}


def signed_in_page(page_factory, viewport, user, base_url, role="buyer"):
    client = Client()
    client.force_login(user)
    session = client.session
    session["active_role"] = role
    session.save()
    page = page_factory(viewport)
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": base_url}])
    return page


def test_a_buyer_on_a_phone_following_a_broken_link_gets_a_readable_400(
    live_server, page_factory, screenshot
):
    buyer = UserFactory(full_name="Ada Obi", phone="+2348031112222")
    page = signed_in_page(page_factory, PHONE_390, buyer, live_server.url)

    response = page.goto(live_server.url + "/checkout?hold=abc")
    assert response.status == 400
    assert page.get_by_text("“hold” must be a number").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    screenshot(page, "input-400-checkout-hold-phone")

    response = page.goto(live_server.url + "/orders/GT%00123")
    assert response.status == 400
    assert page.get_by_text("control characters").is_visible()
    screenshot(page, "input-400-nul-phone")


def test_an_organizer_sees_why_numbers_dates_and_files_are_refused(
    live_server, page_factory, screenshot, tmp_path
):
    organizer = OrganizerFactory()
    event = EventFactory(organizer=organizer, title="Lagos Jazz Night")
    page = signed_in_page(page_factory, DESKTOP, organizer.user, live_server.url, "organizer")

    page.goto(f"{live_server.url}/organizer/events/{event.pk}")
    page.get_by_label("Name").first.fill("VIP")
    page.get_by_label("Price (₦)").fill("15000")
    page.get_by_label("Capacity").fill(str(2**63))
    page.get_by_label("Sales start (optional)").fill("0001-01-01T00:00")
    page.locator("form:has(#id_capacity) [type=submit]").click()
    page.get_by_text("At most 1,000,000.").wait_for()
    assert page.get_by_text("Choose a date between 2000 and 2099.").first.is_visible()
    assert not TicketType.objects.filter(event=event).exists()
    screenshot(page, "input-ticket-type-ranges-desktop")

    page.goto(f"{live_server.url}/organizer/events/{event.pk}")
    fake = tmp_path / "cover.svg"
    fake.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    page.locator("input[type=file]").set_input_files(str(fake))
    page.locator("form:has(input[type=file]) [type=submit]").first.click()
    page.get_by_text("Upload a JPEG, PNG or WebP picture").first.wait_for()
    screenshot(page, "input-upload-svg-refused-desktop")

    picture = tmp_path / "cover.html"
    picture.write_bytes(image_bytes("PNG", (320, 180)) + b"<script>alert(1)</script>")
    page.locator("input[type=file]").set_input_files(str(picture))
    page.locator("form:has(input[type=file]) [type=submit]").first.click()
    page.wait_for_load_state()
    event.refresh_from_db()
    assert event.cover_image.name.endswith(".png")
    screenshot(page, "input-upload-reencoded-desktop")


def test_staff_opening_the_admin_are_sent_to_the_throttled_sign_in(
    live_server, page_factory, screenshot
):
    page = page_factory(DESKTOP)
    page.goto(live_server.url + "/admin/")
    assert page.url.startswith(live_server.url + "/auth/login?next=")
    screenshot(page, "admin-sign-in-desktop")
