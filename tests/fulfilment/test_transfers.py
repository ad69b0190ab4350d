"""Transferring a ticket: the recipient claims it, the sender's QR stops being valid."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, OrderFactory, UserFactory
from tickets import fulfilment, signing, transfers
from tickets.models import CheckIn, Ticket, TicketTransfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender():
    return UserFactory(email="ada@example.ng", full_name="Ada Obi", phone="+2348031234567")


@pytest.fixture
def ticket(sender):
    order = OrderFactory(buyer=sender, items=1, event__title="Eko Comedy Night")
    fulfilment.start_fulfilment(order.pk)
    return order.tickets.get()


def login(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def transfer_page(client, ticket, recipient):
    return client.post(f"/dashboard/tickets/{ticket.pk}/transfer", {"recipient": recipient})


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        ("ada@example.ng", "You cannot transfer a ticket to yourself."),
        ("ADA@Example.ng", "You cannot transfer a ticket to yourself."),
        ("08031234567", "You cannot transfer a ticket to yourself."),
        ("not-an-email@", "is not a valid email address."),
        ("12345", "is not a valid email address or Nigerian phone number."),
        ("", "Enter the recipient"),
    ],
)
def test_refused_with_a_clear_message(client, sender, ticket, recipient, message):
    response = transfer_page(login(client, sender), ticket, recipient)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TicketTransfer.objects.exists()


def test_refused_after_check_in(client, sender, ticket):
    CheckIn.objects.create(ticket=ticket)
    response = transfer_page(login(client, sender), ticket, "chidi@example.ng")
    assert response.status_code == 400
    assert "already been used at the gate" in response.content.decode()
    # the form is not even offered
    assert "already been used" in client.get(f"/dashboard/tickets/{ticket.pk}/transfer").text


def test_refused_for_a_non_transferable_ticket_type(client, sender, ticket):
    ticket.ticket_type.is_transferable = False
    ticket.ticket_type.save()
    response = transfer_page(login(client, sender), ticket, "chidi@example.ng")
    assert "does not allow Regular tickets to be transferred" in response.content.decode()


def test_refused_inside_the_cut_off_before_the_event(client, sender, ticket):
    event = ticket.event
    event.transfer_cutoff_hours = 24
    event.starts_at = timezone.now() + timedelta(hours=23)
    event.ends_at = event.starts_at + timedelta(hours=4)
    event.save()
    response = transfer_page(login(client, sender), ticket, "chidi@example.ng")
    assert "Transfers closed 24 hours before the event starts." in response.content.decode()


def test_refused_when_the_ticket_is_no_longer_valid(sender, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status="void")
    ticket.refresh_from_db()
    with pytest.raises(transfers.TransferRefused, match="no longer valid"):
        transfers.start_transfer(ticket=ticket, sender=sender, recipient="chidi@example.ng")


def test_the_recipient_claims_the_ticket_and_the_old_qr_is_revoked(
    client, sender, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, sender)
    with django_capture_on_commit_callbacks(execute=True):
        response = transfer_page(client, ticket, "chidi@example.ng")
    assert response.status_code == 302
    transfer = TicketTransfer.objects.get()
    [notice] = [m for m in mailoutbox if m.to == ["chidi@example.ng"]]
    assert notice.subject == "Ada Obi sent you a ticket for Eko Comedy Night"
    assert f"/transfers/{transfer.token}" in notice.body
    assert "Transfer to chidi@example.ng waiting" in client.get("/dashboard/tickets").text

    recipient = UserFactory(email="chidi@example.ng", full_name="Chidi Okeke")
    other = client.__class__()
    login(other, recipient)
    assert "Claim ticket" in other.get(f"/transfers/{transfer.token}").text
    with django_capture_on_commit_callbacks(execute=True):
        response = other.post(f"/transfers/{transfer.token}", follow=True)
    assert "is yours" in response.text and "Eko Comedy Night" in response.text

    old = Ticket.objects.get(pk=ticket.pk)
    new = old.replaced_by
    assert old.status == "transferred" and new.status == "valid"
    assert new.holder == recipient and new.attendee_name == "Chidi Okeke"
    assert new.secret != old.secret and new.qr_payload != old.qr_payload
    assert signing.verify(new.qr_payload).ticket_id == new.pk
    assert new.order_item_id == old.order_item_id
    transfer.refresh_from_db()
    assert (transfer.status, transfer.claimed_by, transfer.new_ticket) == (
        "claimed",
        recipient,
        new,
    )

    assert "Eko Comedy Night" not in client.get("/dashboard/tickets").text
    assert client.get(f"/dashboard/tickets/{old.pk}/qr").status_code == 404
    assert other.get(f"/dashboard/tickets/{new.pk}/qr").status_code == 200
    # The link is spent.
    assert other.get(f"/transfers/{transfer.token}").status_code == 410


def test_transfer_by_phone_texts_the_claim_link(
    client, sender, ticket, twilio, django_capture_on_commit_callbacks
):
    login(client, sender)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_page(client, ticket, "0809 876 5432")
    transfer = TicketTransfer.objects.get()
    assert transfer.to_phone == "+2348098765432"
    [sms] = twilio.to("+2348098765432")
    assert f"/transfers/{transfer.token}" in sms["body"] and "Ada Obi" in sms["body"]
    log = ticket.order.delivery_logs.get(kind=f"transfer-{transfer.pk}")
    assert (log.channel, log.state) == ("sms", "sent")


def test_a_signed_out_recipient_is_sent_to_sign_in_and_back(client, sender, ticket):
    transfer = transfers.start_transfer(ticket=ticket, sender=sender, recipient="x@example.ng")
    page = client.get(f"/transfers/{transfer.token}").text
    assert f"next=/transfers/{transfer.token}" in page.replace("%2F", "/")
    response = client.post(f"/transfers/{transfer.token}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/transfers/{transfer.token}"
    assert Ticket.objects.get(pk=ticket.pk).status == "valid"


def test_the_sender_cannot_claim_their_own_transfer(client, sender, ticket):
    transfer = transfers.start_transfer(ticket=ticket, sender=sender, recipient="x@example.ng")
    response = login(client, sender).post(f"/transfers/{transfer.token}")
    assert response.status_code == 400 and "You already hold this ticket" in response.text


def test_a_claim_after_check_in_is_refused(client, sender, ticket):
    transfer = transfers.start_transfer(ticket=ticket, sender=sender, recipient="x@example.ng")
    CheckIn.objects.create(ticket=ticket)
    response = login(client, UserFactory()).post(f"/transfers/{transfer.token}")
    assert response.status_code == 400 and "already been used at the gate" in response.text
    assert Ticket.objects.get(pk=ticket.pk).status == "valid"


def test_a_new_transfer_or_a_cancel_kills_the_old_link(client, sender, ticket):
    first = transfers.start_transfer(ticket=ticket, sender=sender, recipient="x@example.ng")
    second = transfers.start_transfer(ticket=ticket, sender=sender, recipient="y@example.ng")
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert client.get(f"/transfers/{first.token}").status_code == 410
    login(client, sender).post(f"/dashboard/transfers/{second.pk}/cancel")
    second.refresh_from_db()
    assert second.status == "cancelled"


def test_the_order_pdf_no_longer_carries_a_transferred_ticket(
    client, sender, django_capture_on_commit_callbacks
):
    from tickets import pdf

    order = OrderFactory(buyer=sender, items=2)
    fulfilment.start_fulfilment(order.pk)
    given, kept = order.tickets.order_by("pk")
    transfer = transfers.start_transfer(ticket=given, sender=sender, recipient="x@example.ng")
    with django_capture_on_commit_callbacks(execute=True):
        transfers.claim_transfer(token=transfer.token, user=UserFactory())
    assert list(pdf.pdf_tickets(order)) == [kept]
    fragment = login(client, sender).get(f"/dashboard/orders/{order.reference}/tickets").text
    assert "Transferred to" in fragment
