"""My tickets is cached per holder (issue 21): every change the page shows is on it at the
next request, and no buyer ever sees another's page. Each change goes through the service
that makes it, its transaction committed (on_commit callbacks run), after the page was
cached."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as accounts_services
from orders import services as order_services
from tests.checkout_helpers import hold_for, order_for
from tests.factories import (
    PASSWORD,
    EventFactory,
    OrderFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)
from tickets import delivery, issuing, transfers
from tickets.models import DeliveryLog, TicketTransfer

pytestmark = pytest.mark.django_db

URL = "/dashboard/tickets"
HIT_QUERIES = 0  # the signed-in user comes from the cache too (accounts.user_cache)


@pytest.fixture
def buyer():
    return UserFactory(email="ada@example.ng", full_name="Ada Obi")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block as a committed transaction: its on_commit callbacks run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.login(email=user.email, password=PASSWORD)
    return client


def page(client) -> str:
    """The page's main part (the layout around it carries a per-response CSRF token)."""
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client)
    return len(captured)


def bought(buyer, *, quantity=2, title="Eko Comedy Night", days=5, **ticket_fields):
    event = EventFactory(
        title=title,
        starts_at=timezone.now() + timedelta(days=days),
        ends_at=timezone.now() + timedelta(days=days, hours=4),
    )
    order, tickets = paid_order_with_tickets(
        ticket_type=TicketTypeFactory(event=event, name="Regular"),
        quantity=quantity,
        buyer=buyer,
    )
    return order, tickets


def cached(client, *expected):
    """The page as it is now, asked for until it comes from the cache (the first request
    after sign-in writes the session): the same page without reading the tickets."""
    first = page(client)
    assert queries(client) == HIT_QUERIES  # no tickets read
    assert page(client) == first
    for text in expected:
        assert text in first
    return first


def test_the_page_is_private_to_the_browser(buyer):
    bought(buyer)
    response = signed_in(buyer).get(URL)
    assert "private" in response["Cache-Control"]


def test_two_buyers_never_see_each_others_page(buyer):
    mine, _ = bought(buyer, title="Ada Gig")
    other = UserFactory(email="bola@example.ng", full_name="Bola Ade")
    theirs, _ = bought(other, title="Bola Gig")
    ada, bola = signed_in(buyer), signed_in(other)
    for _ in range(2):  # fresh, then from the cache
        first, second = page(ada), page(bola)
        assert mine.reference in first and "Ada Gig" in first
        assert theirs.reference not in first and "Bola Gig" not in first
        assert theirs.reference in second and "Bola Gig" in second
        assert mine.reference not in second and "Ada Gig" not in second


def test_an_order_paid_shows_its_tickets_being_prepared_then_issued(buyer, committed):
    client = signed_in(buyer)
    assert "No upcoming tickets." in cached(client)
    hold = hold_for(buyer=buyer, ticket_type=TicketTypeFactory(event__title="Gidi Fest"))
    order = order_for(hold=hold)
    with committed():  # paying issues the tickets once it commits (in-process here)
        assert order_services.mark_paid(order=order, source="webhook") == "paid"
    now = page(client)
    assert "Gidi Fest" in now and now.count("Show QR") == 2


def test_tickets_issued_replace_being_prepared(buyer, committed):
    order = OrderFactory(buyer=buyer, items=2, event__title="Gidi Fest")
    client = signed_in(buyer)
    cached(client, "Your tickets are being prepared")
    with committed():
        issuing.issue_tickets(order_id=order.pk)
    now = page(client)
    assert "being prepared" not in now and now.count("Show QR") == 2


def test_a_pdf_failed_for_good_stops_being_prepared(buyer, committed):
    order = OrderFactory(buyer=buyer, items=1)
    DeliveryLog.objects.create(order=order, channel="pdf", kind="confirmation")
    client = signed_in(buyer)
    cached(client, "Your tickets are being prepared")
    with committed():
        delivery.mark_failed(order_id=order.pk, channel="pdf", kind="confirmation", error="boom")
    assert "being prepared" not in page(client)


def test_a_transfer_sent_then_cancelled_shows_on_the_next_request(buyer, committed):
    _, (ticket, _) = bought(buyer)
    client = signed_in(buyer)
    assert "waiting to be claimed" not in cached(client)
    with committed():
        transfer = transfers.start_transfer(ticket=ticket, sender=buyer, recipient="b@x.ng")
    assert "Transfer to b@x.ng waiting to be claimed" in page(client)
    with committed():
        transfers.cancel_transfer(transfer=transfer, sender=buyer)
    assert "waiting to be claimed" not in page(client)


def test_a_cached_cancel_form_carries_this_sessions_csrf_token(buyer, committed):
    _, (ticket, _) = bought(buyer)
    with committed():
        transfer = transfers.start_transfer(ticket=ticket, sender=buyer, recipient="b@x.ng")
    page(signed_in(buyer))  # cached by an earlier session
    client = signed_in(buyer, enforce_csrf_checks=True)
    html = page(client)
    assert "__dashboard_csrf_token__" not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    with committed():
        response = client.post(
            f"/dashboard/transfers/{transfer.pk}/cancel", {"csrfmiddlewaretoken": token}
        )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TicketTransfer.Status.CANCELLED


def test_a_claimed_transfer_moves_the_ticket_between_both_pages(buyer, committed):
    _, (ticket, kept) = bought(buyer)
    recipient = UserFactory(email="bola@example.ng", full_name="Bola Ade")
    ada, bola = signed_in(buyer), signed_in(recipient)
    assert cached(ada).count("Show QR") == 2
    assert "No upcoming tickets." in cached(bola)
    with committed():
        transfer = transfers.start_transfer(ticket=ticket, sender=buyer, recipient=recipient.email)
        new = transfers.claim_transfer(token=transfer.token, user=recipient)
    mine, theirs = page(ada), page(bola)
    assert mine.count("Show QR") == 1 and f"/dashboard/tickets/{ticket.pk}/qr" not in mine
    assert theirs.count("Show QR") == 1 and f"/dashboard/tickets/{new.pk}/qr" in theirs


def test_a_refund_takes_the_tickets_off_the_holders_pages(buyer, committed):
    order, (ticket, _) = bought(buyer)
    recipient = UserFactory(email="bola@example.ng", full_name="Bola Ade")
    with committed():
        transfer = transfers.start_transfer(ticket=ticket, sender=buyer, recipient=recipient.email)
        transfers.claim_transfer(token=transfer.token, user=recipient)
    ada, bola = signed_in(buyer), signed_in(recipient)
    assert cached(ada).count("Show QR") == 1
    assert cached(bola).count("Show QR") == 1
    with committed():
        order_services.apply_refund(order=order, amount_kobo=order.total_kobo, source="staff")
    assert "Show QR" not in page(ada)
    assert "Show QR" not in page(bola)


def test_an_event_edit_shows_on_the_next_request(buyer, committed):
    order, _ = bought(buyer, title="Eko Comedy Night")
    client = signed_in(buyer)
    cached(client, "Eko Comedy Night")
    event = order.event
    with committed():
        event.title = "Eko Comedy Night II"
        event.save()
    assert "Eko Comedy Night II" in page(client)
    venue = event.venue
    with committed():
        venue.name = "Terra Kulture Arena"
        venue.save()
    assert "Terra Kulture Arena" in page(client)
    ticket_type = order.items.first().ticket_type
    with committed():
        ticket_type.name = "Gold Circle"
        ticket_type.save()
    assert "Gold Circle" in page(client)


def test_the_holders_name_change_shows_on_tickets_without_an_attendee_name(buyer, committed):
    _, tickets = bought(buyer, quantity=1)
    tickets[0].attendee_name = ""
    with committed():
        tickets[0].save()
    client = signed_in(buyer)
    cached(client, "Ada Obi")
    with committed():  # as the profile page saves it
        accounts_services.complete_buyer_profile(
            user=buyer, full_name="Ada Obi-Okafor", phone="+2348031234567"
        )
    assert "Ada Obi-Okafor" in page(client)


def test_an_event_that_ends_moves_to_past_events(buyer):
    event = EventFactory(
        title="Short Gig",
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() + timedelta(seconds=2),
    )
    paid_order_with_tickets(ticket_type=TicketTypeFactory(event=event), quantity=1, buyer=buyer)
    client = signed_in(buyer)
    before = cached(client)
    assert "Show QR" in before and "Past events" not in before
    time.sleep(max(0.0, (event.ends_at - timezone.now()).total_seconds()) + 0.1)
    after = page(client)
    assert "Show QR" not in after and "Past events (1)" in after


def test_a_guests_tickets_claimed_by_the_account_show_on_its_page(buyer, committed):
    from accounts import guests

    guest = UserFactory(email="guest-ada@example.invalid", is_guest=True, guest_email=buyer.email)
    bought(guest, title="Guest Gig")
    client = signed_in(buyer)
    assert "No upcoming tickets." in cached(client)
    with committed():
        assert guests.claim(user=buyer, email=buyer.email) > 0
    assert "Guest Gig" in page(client)
