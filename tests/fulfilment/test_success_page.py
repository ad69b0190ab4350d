"""The success page turns into the tickets (issue 18 item 6): a progress state polled by htmx
until the QR codes and the PDF are there, add to calendar, and what was sent where."""

import pytest

from tests.factories import PASSWORD, OrderFactory, UserFactory
from tickets import delivery, fulfilment

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(email="ada@example.ng", full_name="Ada Obi", phone="+2348031234567")


@pytest.fixture
def signed_in(client, buyer):
    client.login(email=buyer.email, password=PASSWORD)
    return client


@pytest.fixture
def order(buyer):
    return OrderFactory(buyer=buyer, items=3, event__title="Gidi Fest", phone="+2348031234567")


def test_before_the_tickets_are_issued_the_page_shows_progress_and_polls(signed_in, order):
    page = signed_in.get(f"/checkout/success?reference={order.reference}").content.decode()
    assert "Payment received" in page and "Issuing your tickets" in page
    assert f'hx-get="/dashboard/orders/{order.reference}/passes"' in page
    assert "ada@example.ng" in page
    assert "<img" not in page.split('id="order-passes')[1]


def test_once_issued_the_fragment_shows_each_qr_the_pdf_the_calendar_and_where_it_went(
    signed_in, order, mailoutbox
):
    fulfilment.start_fulfilment(order.pk)
    fragment = signed_in.get(
        f"/dashboard/orders/{order.reference}/passes", HTTP_HX_REQUEST="true"
    ).content.decode()
    tickets = list(order.tickets.order_by("pk"))
    assert len(tickets) == 3
    for ticket in tickets:
        assert f'src="/dashboard/tickets/{ticket.pk}/qr.svg"' in fragment
    assert "3 tickets issued" in fragment
    assert f'href="/dashboard/orders/{order.reference}/pdf"' in fragment
    assert f'href="/events/{order.event.slug}/calendar.ics"' in fragment
    assert "Emailed to <strong>ada@example.ng</strong>" in fragment
    assert "0803 123 4567" in fragment  # the SMS line, national format
    assert "hx-trigger" not in fragment  # settled: polling stops
    assert "<html" not in fragment
    assert len(mailoutbox) == 1


def test_the_qr_image_is_the_owners_only(signed_in, order, client):
    fulfilment.start_fulfilment(order.pk)
    ticket = order.tickets.first()
    image = signed_in.get(f"/dashboard/tickets/{ticket.pk}/qr.svg")
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert image.content.startswith(b"<svg")
    stranger = UserFactory()
    signed_in.logout()
    signed_in.login(email=stranger.email, password=PASSWORD)
    assert signed_in.get(f"/dashboard/tickets/{ticket.pk}/qr.svg").status_code == 404
    assert signed_in.get(f"/dashboard/orders/{order.reference}/passes").status_code == 404


def test_without_an_sms_provider_the_page_never_says_texting(signed_in, order, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    # What payment writes into the outbox, before any worker has picked the order up.
    delivery.record_sms_intent(order_id=order.pk, kind="confirmation", phone=order.phone)
    fragment = signed_in.get(
        f"/dashboard/orders/{order.reference}/passes", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "No SMS to 0803 123 4567 this time" in fragment
    assert "Texting" not in fragment
