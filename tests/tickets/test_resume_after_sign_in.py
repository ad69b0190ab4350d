"""A selection survives sign-in, sign-up and email verification (issue 18 item 2): the buyer
lands at checkout with the tickets held, or on the waitlist when they went meanwhile, and is
asked name and phone at checkout, not in a step before it."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from events.models import TicketType
from tests.factories import PASSWORD, TicketTypeFactory, UserFactory
from tickets.models import Hold

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]

STRONG = "Jollof-Rice-2026!"


@pytest.fixture
def regular():
    return TicketTypeFactory(name="Regular", capacity=10, event__title="Gidi Fest")


def reserve_signed_out(client, ticket_type, quantity=2):
    response = client.post(
        f"/events/{ticket_type.event.slug}/hold", {f"qty_{ticket_type.pk}": str(quantity)}
    )
    assert response.status_code == 302 and response["Location"].startswith("/auth/login")
    return response


def sign_in(client, email, password=PASSWORD):
    response = client.post("/auth/login", {"login": email, "password": password}, follow=True)
    assert response.status_code == 200
    return response


def test_signing_in_holds_the_selection_and_lands_at_checkout(client, regular):
    buyer = UserFactory(full_name="", phone="")
    reserve_signed_out(client, regular)
    page = sign_in(client, buyer.email)
    hold = Hold.objects.get(buyer=buyer)
    assert page.redirect_chain[-1][0] == f"/checkout?hold={hold.pk}"
    assert list(hold.lines.values_list("ticket_type_id", "quantity")) == [(regular.pk, 2)]
    html = page.content.decode()
    assert "your tickets for Gidi Fest are held" in html
    assert 'name="full_name"' in html and 'name="phone"' in html  # asked here, no extra step


def test_sign_up_and_verify_in_another_browser_then_sign_in_still_holds(client, regular):
    reserve_signed_out(client, regular, quantity=3)
    client.post(
        "/auth/register", {"email": "new@example.ng", "password1": STRONG, "password2": STRONG}
    )
    link = re.search(r"http://testserver(/auth/verify-email/\S+)", mail.outbox[-1].body)[1]
    other = Client()  # the mail app's browser: none of the first browser's session
    assert other.post(link).status_code == 302
    page = sign_in(other, "new@example.ng", STRONG)
    buyer = User.objects.get(email="new@example.ng")
    hold = Hold.objects.get(buyer=buyer)
    assert page.redirect_chain[-1][0] == f"/checkout?hold={hold.pk}"
    assert hold.lines.get().quantity == 3


def test_sign_up_and_verify_in_the_same_browser_holds_too(client, regular):
    reserve_signed_out(client, regular, quantity=1)
    client.post(
        "/auth/register", {"email": "new@example.ng", "password1": STRONG, "password2": STRONG}
    )
    link = re.search(r"http://testserver(/auth/verify-email/\S+)", mail.outbox[-1].body)[1]
    client.post(link)
    page = sign_in(client, "new@example.ng", STRONG)
    assert page.redirect_chain[-1][0].startswith("/checkout?hold=")
    assert Hold.objects.filter(buyer__email="new@example.ng").count() == 1


def test_when_the_tickets_went_meanwhile_the_buyer_is_told_and_offered_the_waitlist(
    client, regular
):
    buyer = UserFactory()
    reserve_signed_out(client, regular, quantity=2)
    TicketType.objects.filter(pk=regular.pk).update(sold=10)
    page = sign_in(client, buyer.email)
    assert page.redirect_chain[-1][0] == f"/waitlist?event={regular.event.slug}"
    assert "went while you were signing in" in page.content.decode()
    assert not Hold.objects.filter(buyer=buyer).exists()


def test_a_plain_sign_in_without_a_selection_goes_where_it_went(client):
    buyer = UserFactory()
    page = sign_in(client, buyer.email)
    assert page.redirect_chain[-1][0] == "/"


def test_checkout_keeps_the_name_and_phone_it_asked_for(client):
    free = TicketTypeFactory(name="Free entry", price_kobo=0, capacity=10)
    buyer = UserFactory(full_name="", phone="")
    reserve_signed_out(client, free, quantity=1)
    sign_in(client, buyer.email)
    hold = Hold.objects.get(buyer=buyer)
    response = client.post(
        f"/checkout?hold={hold.pk}",
        {"full_name": "Ngozi Eze", "email": buyer.email, "phone": "0803 123 4567"},
    )
    assert response.status_code == 302 and "/checkout/success" in response["Location"]
    buyer.refresh_from_db()
    assert buyer.full_name == "Ngozi Eze" and str(buyer.phone) == "+2348031234567"
