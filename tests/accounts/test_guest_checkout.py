"""Guest checkout (issue 18 item 3): a name, an email and a +234 number instead of an account.

What a buyer and an attacker would notice: the guest form next to sign-in, +234 numbers
only, an account's email asked to sign in, limits per email and per phone, nobody seeing a
guest's orders by typing their email, no sign-in or password reset into a guest, the
signed order link, and the orders showing in the dashboard once the same email signs up
and verifies it — not before."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts import guests
from accounts.models import User
from orders import access
from orders.models import Order
from tests.accounts.conftest import link_in_last_email, sign_in
from tests.factories import paid_order_with_tickets
from tests.standins.fixtures import twilio  # noqa: F401
from tickets import inventory
from tickets.models import Hold, Ticket

pytestmark = pytest.mark.django_db

STRONG = "Jollof-Rice-2026!"
PHONE = "+2348031234567"


@pytest.fixture
def ticket_type(db):
    from tests.factories import TicketTypeFactory

    return TicketTypeFactory(name="Regular", price_kobo=500_000, capacity=50)


def reserve_signed_out(client, ticket_type, quantity=2):
    return client.post(
        f"/events/{ticket_type.event.slug}/hold", {f"qty_{ticket_type.pk}": str(quantity)}
    )


def continue_as_guest(client, email="chioma@example.ng", phone="0803 123 4567", **extra):
    data = {"full_name": "Chioma Eze", "email": email, "phone": phone, **extra}
    return client.post("/auth/guest", data)


def guest_row(email="chioma@example.ng"):
    return User.objects.get(is_guest=True, guest_email=email)


# --- Getting in ---------------------------------------------------------------------------


def test_reserving_signed_out_offers_continue_as_guest_next_to_sign_in(client, ticket_type):
    response = reserve_signed_out(client, ticket_type)
    assert response.status_code == 302 and response["Location"].startswith("/auth/login")
    page = client.get(response["Location"]).content.decode()
    assert "Sign in" in page and "Continue as guest" in page
    assert "/auth/guest?next=" in page
    # Signing in from the header offers no guest checkout: nothing is being bought.
    assert "Continue as guest" not in Client().get("/auth/login").content.decode()


def test_continue_as_guest_holds_the_selection_and_lands_at_checkout(client, ticket_type):
    reserve_signed_out(client, ticket_type)
    before = client.session.session_key
    response = continue_as_guest(client, next=f"/events/{ticket_type.event.slug}/hold")
    assert client.session.session_key != before  # a new key, as at sign-in (no fixation)
    hold = Hold.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/checkout?hold={hold.pk}"
    guest = guest_row()
    assert hold.buyer == guest and hold.status == Hold.Status.ACTIVE
    assert guest.is_guest and not guest.is_active and not guest.has_usable_password()
    assert str(guest.phone) == PHONE and guest.full_name == "Chioma Eze"
    assert not EmailAddress.objects.filter(user=guest).exists()
    assert "_auth_user_id" not in client.session  # the browser is never signed in as it

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "your tickets for" in html and "are held" in html
    assert "Buying as a guest" in html
    assert "chioma@example.ng" in html and "0803 123 4567" in html  # national format


@pytest.mark.parametrize(
    "phone,message",
    [
        ("+233 24 123 4567", "Enter a Nigerian (+234) mobile number"),
        ("12345", "Enter a valid phone number"),
        ("", "This field is required"),
    ],
)
def test_only_a_valid_nigerian_number_is_taken(client, ticket_type, phone, message):
    reserve_signed_out(client, ticket_type)
    response = continue_as_guest(client, phone=phone)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(is_guest=True).exists()
    assert not Hold.objects.exists()


def test_an_accounts_email_is_asked_to_sign_in_instead(client, ticket_type, buyer):
    reserve_signed_out(client, ticket_type)
    response = continue_as_guest(client, email="ADA@example.ng")
    assert response.status_code == 409
    html = response.content.decode()
    assert "There is a getiickets account for this email address. Sign in" in html
    assert 'href="/auth/login' in html
    assert not User.objects.filter(is_guest=True).exists()
    assert not Hold.objects.exists()
    # One tap: signing in holds the same selection (tickets.resume).
    response = sign_in(client, buyer)
    assert Hold.objects.get().buyer == buyer


def test_a_guest_cannot_sign_in_or_reset_a_password_into_it(client):
    guest = guests.guest_for(email="chioma@example.ng", full_name="Chioma Eze", phone=PHONE)
    guest.set_password(STRONG)  # even if a password were somehow set
    guest.save()
    response = client.post("/auth/login", {"login": "chioma@example.ng", "password": STRONG})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    assert response.get("Location", "") != "/"
    client.post("/auth/forgot-password", {"email": "chioma@example.ng"})
    assert all("/auth/reset-password/" not in m.body for m in mail.outbox)


# --- Limits -------------------------------------------------------------------------------


def test_the_limit_counts_per_guest_email_and_per_phone(settings, ticket_type):
    settings.MAX_TICKETS_PER_ACCOUNT_PER_EVENT = 4
    event = ticket_type.event
    first = guests.guest_for(email="chioma@example.ng", full_name="Chioma Eze", phone=PHONE)
    paid_order_with_tickets(ticket_type=ticket_type, quantity=3, buyer=first, phone=PHONE)

    def hold(guest, phone, quantity=2):
        return inventory.hold_tickets(
            buyer=guest, event=event, quantities={ticket_type.pk: quantity}, phone=phone
        )

    # Same email, another phone: the email's 3 count.
    with pytest.raises(inventory.LimitExceeded, match="can add 1 more"):
        hold(first, "+2348099990000")
    # Another email, the same phone: the phone's 3 count.
    other = guests.guest_for(email="other@example.ng", full_name="Chioma Eze", phone=PHONE)
    with pytest.raises(inventory.LimitExceeded, match="email address or phone number"):
        hold(other, PHONE)
    # Another email and another phone: a different buyer.
    assert hold(other, "+2348099990000").status == Hold.Status.ACTIVE
    assert hold(first, PHONE, quantity=1).status == Hold.Status.ACTIVE


def test_a_second_guest_identity_in_one_browser_gives_the_first_ones_hold_back(client, ticket_type):
    reserve_signed_out(client, ticket_type)
    continue_as_guest(client, email="one@example.ng")
    first = Hold.objects.get()
    continue_as_guest(client, email="two@example.ng")  # the same browser, as somebody else
    first.refresh_from_db()
    assert first.status == Hold.Status.REPLACED
    reserve_signed_out(client, ticket_type)
    second = Hold.objects.get(status=Hold.Status.ACTIVE)
    assert second.buyer == guest_row("two@example.ng")
    ticket_type.refresh_from_db()
    assert ticket_type.held == 2


def test_starting_guest_checkouts_is_rate_limited_per_address(settings, client, ticket_type):
    settings.GUEST_RATE_LIMIT_PER_IP = "2/h"
    for email in ("a@example.ng", "b@example.ng"):
        assert continue_as_guest(client, email=email).status_code == 302
    response = continue_as_guest(client, email="c@example.ng")
    assert response.status_code == 429
    assert "Too many checkouts" in response.content.decode()
    assert not User.objects.filter(guest_email="c@example.ng").exists()


# --- Who sees a guest's orders ------------------------------------------------------------


def test_typing_a_guests_email_shows_none_of_their_holds_or_orders(client, ticket_type):
    reserve_signed_out(client, ticket_type)
    continue_as_guest(client)
    hold = Hold.objects.get()
    guest = guest_row()
    order, _ = paid_order_with_tickets(ticket_type=ticket_type, buyer=guest, phone=PHONE)

    stranger = Client()
    reserve_signed_out(stranger, ticket_type, quantity=1)
    response = continue_as_guest(stranger)  # the same email, typed by somebody else
    # …neither cancels the owner's reservation nor makes one beside it.
    assert response["Location"] == f"/events/{ticket_type.event.slug}"
    assert "open in another browser" in stranger.get(response["Location"]).content.decode()
    hold.refresh_from_db()
    assert hold.status == Hold.Status.ACTIVE
    assert Hold.objects.count() == 1
    assert stranger.get(f"/checkout?hold={hold.pk}").status_code == 404
    assert stranger.get(f"/holds/{hold.pk}").status_code == 404
    assert stranger.get(f"/orders/{order.reference}").status_code == 404
    assert stranger.get(f"/dashboard/orders/{order.reference}/passes").status_code == 404
    assert stranger.get(f"/dashboard/orders/{order.reference}/pdf").status_code == 404
    ticket = Ticket.objects.filter(order=order).first()
    assert stranger.get(f"/dashboard/tickets/{ticket.pk}/qr.svg").status_code == 404


def test_the_signed_link_opens_the_order_and_a_tampered_one_is_404(client, ticket_type):
    guest = guests.guest_for(email="chioma@example.ng", full_name="Chioma Eze", phone=PHONE)
    order, tickets = paid_order_with_tickets(ticket_type=ticket_type, buyer=guest, phone=PHONE)
    path = access.link_path(order)
    token = path.rsplit("/", 1)[1]
    for bad in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "GT00000000:" + token.split(":", 1)[1],
        order.reference,
        "x" * 300,
    ):
        assert client.get(f"/orders/link/{bad}").status_code == 404
    assert client.get(f"/dashboard/tickets/{tickets[0].pk}/qr.svg").status_code == 302

    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert order.reference in html and "Keep your tickets in one place" in html
    assert "We emailed you a link to this page" in html  # no SMS provider here: no texting
    # This browser may now show that order's QR codes.
    qr = client.get(f"/dashboard/tickets/{tickets[0].pk}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"


# --- Signing up later ---------------------------------------------------------------------


def register(client, email):
    return client.post("/auth/register", {"email": email, "password1": STRONG, "password2": STRONG})


def test_a_verified_sign_up_with_the_guests_email_sees_the_guests_orders(client, ticket_type):
    guest = guests.guest_for(email="chioma@example.ng", full_name="Chioma Eze", phone=PHONE)
    order, tickets = paid_order_with_tickets(ticket_type=ticket_type, buyer=guest, phone=PHONE)

    response = register(client, "Chioma@Example.ng")
    assert response.status_code == 302 and response["Location"] == "/auth/verify-email"
    account = User.objects.get(email="chioma@example.ng")
    assert not account.is_guest  # a new account, not "you already have one"
    assert "already" not in mail.outbox[-1].body.lower()
    order.refresh_from_db()
    assert order.buyer == guest  # nothing moves before the email is verified

    client.post(link_in_last_email(r"http://testserver/auth/verify-email/\S+"))
    order.refresh_from_db()
    assert order.buyer == account
    assert set(Ticket.objects.filter(order=order).values_list("holder", flat=True)) == {account.pk}
    account.refresh_from_db()
    assert account.full_name == "Chioma Eze" and str(account.phone) == PHONE

    client.post("/auth/login", {"login": "chioma@example.ng", "password": STRONG})
    assert order.reference in client.get("/dashboard/orders").content.decode()
    # The guest form now asks that email to sign in.
    assert guests.real_account_exists("chioma@example.ng")


def test_an_unverified_sign_up_with_a_guests_email_reveals_nothing(settings, client, ticket_type):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"  # signed in at once, email unverified
    guest = guests.guest_for(email="chioma@example.ng", full_name="Chioma Eze", phone=PHONE)
    order, tickets = paid_order_with_tickets(ticket_type=ticket_type, buyer=guest, phone=PHONE)

    register(client, "chioma@example.ng")
    assert "_auth_user_id" in client.session
    assert order.reference not in client.get("/dashboard/orders").content.decode()
    assert client.get(f"/orders/{order.reference}").status_code == 404
    assert client.get(f"/dashboard/tickets/{tickets[0].pk}/qr").status_code == 404
    assert Order.objects.get(pk=order.pk).buyer == guest


@pytest.mark.django_db(transaction=True)
def test_a_guests_sms_carries_the_signed_link_in_one_segment(settings, twilio, ticket_type):  # noqa: F811
    from tickets import delivery

    settings.SITE_URL = "https://getiickets.ng"
    ticket_type.event.title = "Gidi Fest"
    ticket_type.event.save(update_fields=["title"])
    guest = guests.guest_for(email="chioma@example.ng", full_name="Chioma Eze", phone=PHONE)
    order, _ = paid_order_with_tickets(
        ticket_type=ticket_type, quantity=2, buyer=guest, phone=PHONE
    )
    delivery.send_sms(order_id=order.pk)
    [sms] = twilio.to(PHONE)
    link = "https://getiickets.ng" + access.link_path(order)
    assert sms["body"] == f"getiickets: your 2 tickets for Gidi Fest are ready. Open: {link}"
    assert len(sms["body"]) <= 160
