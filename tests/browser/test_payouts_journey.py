"""The owner's money, walked in chromium on a desktop: sign in again to add a bank account,
the bank's name for it confirmed, the event ends, staff release the payout, Paystack's signed
transfer.success confirms it, and the statement downloads (the sandbox on the live server)."""

import csv
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from events.models import Event
from payments import payouts, services
from payments.models import Payout
from tests import checkout_helpers
from tests.checkout_helpers import order_for, sandbox_choose
from tests.conftest import DESKTOP, PHONE
from tests.factories import (
    PASSWORD,
    EventFactory,
    OrderFactory,
    OrganizerFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]


sandbox = checkout_helpers.sandbox  # the fixture: the sandbox on the live server


def signed_in(page_factory, live_server, user, role="organizer", viewport=DESKTOP):
    client = Client()
    client.force_login(user)
    session = client.session
    if role:
        session["active_role"] = role
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


def test_owner_verifies_a_bank_account_gets_paid_out_and_downloads_the_statement(
    sandbox, page_factory, screenshot, tmp_path
):
    organizer = OrganizerFactory(name="Eko Sounds")
    event = EventFactory(organizer=organizer, title="Lagos Jazz Night")
    ticket_type = TicketTypeFactory(event=event, name="Regular", price_kobo=1_500_000, capacity=40)
    orders = []
    for quantity in (2, 1, 3):
        order = order_for(ticket_type=ticket_type, quantity=quantity)
        sandbox_choose(services.start_payment(order=order), "pay")
        order.refresh_from_db()
        orders.append(order)
    net = sum(o.total_kobo - o.fee_kobo for o in orders)
    page = signed_in(page_factory, sandbox, organizer.user)

    page.goto(f"{sandbox.url}/organizer/money")
    assert page.get_by_test_id("next-payout").inner_text() == "Add a bank account"
    assert page.get_by_test_id("pending").inner_text() == f"₦{net / 100:,.2f}"
    screenshot(page, "payouts-1-money-before")

    page.get_by_role("link", name="Add payout account").click()
    page.wait_for_url("**/reauthenticate**")  # a fresh sign-in first
    screenshot(page, "payouts-2-reauthenticate")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/organizer/money/account")
    page.get_by_label("Bank").select_option(label="Guaranty Trust Bank")
    page.get_by_label("Account number").fill("0123456789")
    page.get_by_role("button", name="Look up account name").click()
    resolved = page.get_by_test_id("resolved")
    assert "FUNKE ADEYEMI" in resolved.inner_text()  # the sandbox's name for this number
    screenshot(page, "payouts-3-confirm-name")
    page.get_by_role("button", name="Yes, pay out to this account").click()
    page.wait_for_url("**/organizer/money")
    assert "Guaranty Trust Bank ••••6789" in page.get_by_test_id("payout-account").inner_text()

    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=5), ends_at=timezone.now() - timedelta(days=4)
    )
    staff = UserFactory(is_staff=True, is_superuser=True)
    admin = signed_in(page_factory, sandbox, staff, role=None)
    admin.goto(f"{sandbox.url}/admin/payments/payoutaccount/")
    assert f"₦{net / 100:,.2f}" in admin.content()
    admin.locator("input[name=_selected_action]").first.check()
    admin.select_option("select[name=action]", "pay_out_now")
    admin.get_by_title("Run the selected action").click()
    screenshot(admin, "payouts-4-staff-released")
    payout = Payout.objects.get()
    assert (payout.amount_kobo, payout.status) == (net, Payout.Status.PAID)

    page.goto(f"{sandbox.url}/organizer/money")
    assert page.get_by_test_id("paid-out").inner_text().startswith(f"₦{net / 100:,.2f}")
    assert page.get_by_test_id("available").inner_text() == "₦0.00"
    assert "Paid" in page.get_by_test_id("payouts").inner_text()
    screenshot(page, "payouts-5-money-after")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    path = tmp_path / "statement.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert [r[1] for r in rows[1:]].count("Ticket sale") == 3
    assert rows[-1][1] == "Payout" and rows[-1][-1] == "0.00"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop-1280", "phone"])
def test_the_money_figures_fit_the_screen_without_scrolling_sideways(
    live_server, page_factory, screenshot, viewport
):
    organizer = OrganizerFactory(name="Eko Sounds")
    for title in ("Lagos Jazz Night at the Eko Convention Centre, Victoria Island", "Afro Nation"):
        event = EventFactory(organizer=organizer, title=title)
        # ₦123,456,789.00 of sales: the widest figures an organizer is likely to see.
        order = OrderFactory(event=event, subtotal_kobo=12_345_678_900, fee_kobo=0)
        payouts.record_sale(order_id=order.pk)
    page = signed_in(page_factory, live_server, organizer.user, viewport=viewport)
    page.goto(f"{live_server.url}/organizer/money")

    figures = page.get_by_test_id("figures")
    assert "₦246,913,578.00" in figures.inner_text()
    wrap = figures.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
    assert wrap[0] <= wrap[1], f"the figures scroll sideways: {wrap}"
    page_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert page_width[0] <= page_width[1]
    pending = figures.locator("tfoot td").last  # the right-most figure: on screen
    box = pending.bounding_box()
    assert pending.inner_text() == "₦246,913,578.00"
    assert box["x"] + box["width"] <= viewport["width"]
    screenshot(page, f"money-figures-{viewport['width']}")
