"""A guest buys from the event page to the tickets, paying on the Paystack sandbox over HTTP:
the email and the SMS carry the signed link, and the link opens the order in another
browser with its QR codes."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from orders.models import Order
from tests.checkout_helpers import sandbox, sandbox_choose  # noqa: F401
from tests.factories import TicketTypeFactory
from tests.standins.fixtures import twilio  # noqa: F401
from tickets.models import DeliveryLog, Ticket

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_a_guest_buys_pays_on_the_sandbox_and_opens_the_order_by_its_link(
    sandbox,  # noqa: F811
    twilio,  # noqa: F811
):
    ticket_type = TicketTypeFactory(
        name="Regular", price_kobo=1_500_000, capacity=50, event__title="Gidi Fest"
    )
    event = ticket_type.event
    client = Client()

    # Reserve signed out → sign in, or continue as a guest.
    response = client.post(f"/events/{event.slug}/hold", {f"qty_{ticket_type.pk}": "2"})
    assert response.status_code == 302 and response["Location"].startswith("/auth/login")
    assert "Continue as guest" in client.get(response["Location"]).content.decode()
    response = client.post(
        "/auth/guest",
        {
            "full_name": "Chioma Eze",
            "email": "chioma@example.ng",
            "phone": "0803 123 4567",
            "next": f"/events/{event.slug}/hold",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/checkout?hold=")

    # Checkout: the name can change, the email and phone are the guest's.
    checkout = client.get(response["Location"])
    assert checkout.status_code == 200
    html = checkout.content.decode()
    total = int(re.search(r'name="expected_total_kobo" value="(\d+)"', html)[1])
    assert total == 3_000_000 + 105_000 + 10_000  # 2 × ₦15,000 + 3.5 % + ₦100
    response = client.post(
        response["Location"],
        {
            "full_name": "Chioma Eze",
            "email": "somebody.else@example.ng",  # ignored: fixed for a guest
            "phone": "0809 999 9999",  # ignored too
            "expected_total_kobo": str(total),
            "attendee_0": "",
            "attendee_1": "Ngozi Eze",
        },
    )
    assert response.status_code == 302
    authorization_url = response["Location"]
    assert "/sandbox/paystack/" in authorization_url
    order = Order.objects.get()
    guest = User.objects.get(is_guest=True)
    assert order.buyer == guest and order.status == Order.Status.PENDING
    assert order.email == "chioma@example.ng" and order.phone == "+2348031234567"
    assert order.total_kobo == total

    # Pay on the sandbox's page; its signed webhook marks the order paid.
    paid = sandbox_choose(authorization_url, "pay")
    assert paid.status_code == 302
    callback = paid.headers["Location"].replace(sandbox.url, "")
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"].startswith("/checkout/success")
    success = client.get(response["Location"])
    assert success.status_code == 200
    html = success.content.decode()
    assert "You're going to Gidi Fest!" in html and order.reference in html
    assert "We emailed and texted you a link to this page" in html  # Twilio stand-in is on
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    tickets = list(Ticket.objects.filter(order=order))
    assert len(tickets) == 2 and {t.holder_id for t in tickets} == {guest.pk}
    assert client.get(f"/dashboard/tickets/{tickets[0].pk}/qr.svg").status_code == 200

    # The email and the SMS carry the signed link; the dashboard would need an account.
    confirmation = next(m for m in mail.outbox if "Your tickets for Gidi Fest" in m.subject)
    assert confirmation.to == ["chioma@example.ng"]
    link = re.search(r"https?://\S+/orders/link/\S+", confirmation.body)[0]
    assert "/dashboard/tickets" not in confirmation.body
    sms = twilio.to("+2348031234567")
    assert len(sms) == 1 and link in sms[0]["body"]
    assert DeliveryLog.objects.get(order=order, channel="sms").state == DeliveryLog.State.SENT

    # Another phone opens the link: the order, its QR codes, nothing else.
    other_phone = Client()
    page = other_phone.get(link.replace(sandbox.url, ""))
    assert page.status_code == 200
    html = page.content.decode()
    assert order.reference in html and "2 tickets issued" in html
    assert other_phone.get(f"/dashboard/tickets/{tickets[1].pk}/qr.svg").status_code == 200
    assert other_phone.get(f"/dashboard/orders/{order.reference}/pdf").status_code == 200
    assert other_phone.get(link.replace(sandbox.url, "")[:-2] + "xx").status_code == 404
