"""Buyer journey: "preparing" turns into tickets, QR full screen (offline too), PDF download,
then a transfer that moves the ticket from the sender's dashboard to the recipient's."""

import pytest
from django.urls import reverse

from tests.conftest import PHONE
from tests.factories import PASSWORD, OrderFactory, UserFactory
from tickets import fulfilment
from tickets.models import Ticket, TicketTransfer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, user, next_path):
    page.goto(f"{base}{reverse('account_login')}?next={next_path}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_url(f"**{next_path}")


def test_buyer_gets_tickets_shows_the_qr_downloads_the_pdf_and_transfers_one(
    live_server, page_factory, screenshot, tmp_path
):
    base = live_server.url
    buyer = UserFactory(email="ada@example.ng", full_name="Ada Obi")
    order = OrderFactory(buyer=buyer, items=2, event__title="Afro Nation Lagos")

    page = page_factory(PHONE)
    sign_in(page, base, buyer, "/dashboard/tickets")
    preparing = page.get_by_text("Your tickets are being prepared")
    preparing.wait_for()
    screenshot(page, "fulfilment-1-preparing")

    fulfilment.start_fulfilment(order.pk)  # what the worker does meanwhile
    page.get_by_role("link", name="Download PDF").wait_for(timeout=15_000)  # htmx poll
    assert not preparing.is_visible()
    assert page.get_by_role("link", name="Show QR").count() == 2
    screenshot(page, "fulfilment-2-ready")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "tickets.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == f"tickets-{order.reference}.pdf"

    first, second = order.tickets.order_by("pk")
    page.get_by_role("link", name="Show QR").first.click()
    page.wait_for_url(f"**/dashboard/tickets/{first.pk}/qr")
    qr = page.locator(".gate-qr svg")
    box = qr.bounding_box()
    assert box["width"] >= 0.85 * PHONE["width"]  # fills the phone's width
    screenshot(page, "fulfilment-3-qr-fullscreen")

    # At the gate without signal: the page opens again from the phone's cache.
    page.goto(f"{base}/dashboard/tickets")
    page.context.set_offline(True)
    page.goto(f"{base}/dashboard/tickets/{first.pk}/qr")
    assert page.locator(".gate-qr svg").is_visible()
    page.context.set_offline(False)

    # Transfer the second ticket to a friend.
    page.goto(f"{base}/dashboard/tickets/{second.pk}/transfer")
    page.fill("input[name=recipient]", "ada@example.ng")
    page.get_by_role("button", name="Send ticket").click()
    page.get_by_text("You cannot transfer a ticket to yourself.").wait_for()
    page.fill("input[name=recipient]", "chidi@example.ng")
    page.get_by_role("button", name="Send ticket").click()
    page.get_by_text("We sent a claim link to chidi@example.ng").wait_for()
    screenshot(page, "fulfilment-4-transfer-sent")
    transfer = TicketTransfer.objects.get()

    friend = UserFactory(email="chidi@example.ng", full_name="Chidi Okeke")
    other = page_factory(PHONE)
    other.goto(f"{base}/transfers/{transfer.token}")
    other.get_by_role("link", name="Sign in to claim").click()
    other.fill("input[name=login]", friend.email)
    other.fill("input[name=password]", PASSWORD)
    other.locator("form").filter(has=other.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    other.wait_for_url(f"**/transfers/{transfer.token}")
    other.get_by_role("button", name="Claim ticket").click()
    other.get_by_text("The ticket for Afro Nation Lagos is yours.").wait_for()
    assert other.get_by_role("link", name="Show QR").count() == 1
    screenshot(other, "fulfilment-5-recipient-dashboard")

    new = Ticket.objects.get(pk=second.pk).replaced_by
    other.get_by_role("link", name="Show QR").click()
    other.wait_for_url(f"**/dashboard/tickets/{new.pk}/qr")

    page.goto(f"{base}/dashboard/tickets")
    assert page.get_by_role("link", name="Show QR").count() == 1  # the sender kept one
    assert page.goto(f"{base}/dashboard/tickets/{second.pk}/qr").status == 404
    page.goto(f"{base}/dashboard/tickets")
    screenshot(page, "fulfilment-6-sender-after-transfer")
