import pytest
from django.core import mail
from django.urls import reverse

from getiickets.models import SupportMessage

pytestmark = [pytest.mark.django_db]

VALID = {
    "name": "Chidi Okafor",
    "email": "chidi@example.ng",
    "topic": "payment",
    "order_reference": "gt-7kq2m9",
    "message": "I was debited ₦25,350 by transfer but no ticket arrived for Afrobeats Night.",
}


def test_a_valid_message_is_stored_and_staff_are_emailed(client, settings):
    settings.SUPPORT_EMAIL = "help-desk@getiickets.ng"

    response = client.post(reverse("support"), VALID, follow=True)

    assert response.status_code == 200
    assert "your message has reached our support team" in response.content.decode()
    stored = SupportMessage.objects.get()
    assert (stored.name, stored.email, stored.topic) == (
        "Chidi Okafor",
        "chidi@example.ng",
        "payment",
    )
    assert stored.order_reference == "GT-7KQ2M9"
    assert stored.ip_address == "127.0.0.1"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["help-desk@getiickets.ng"]
    assert email.reply_to == ["chidi@example.ng"]
    assert "Payment problem" in email.subject
    assert "GT-7KQ2M9" in email.body and "no ticket arrived" in email.body


def test_a_signed_in_buyer_is_linked_to_the_message(client):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    client.post(reverse("support"), VALID)

    assert SupportMessage.objects.get().user == user


@pytest.mark.parametrize(
    "field,value,error",
    [
        ("name", "", "Tell us your name"),
        ("email", "", "Enter your email address."),
        ("email", "chidi@", "Enter a valid email address"),
        ("topic", "", "Choose a topic"),
        ("topic", "lottery", "Choose one of the topics"),
        ("message", "", "Write a message"),
        ("message", "help", "Tell us a little more"),
        ("order_reference", "<script>", "doesn&#x27;t look like an order reference"),
    ],
)
def test_a_bad_field_gets_a_clear_400_and_nothing_is_stored(client, field, value, error):
    response = client.post(reverse("support"), {**VALID, field: value})

    assert response.status_code == 400
    body = response.content.decode()
    assert error in body
    assert "Please fix the 1 field marked below" in body
    assert SupportMessage.objects.count() == 0
    assert mail.outbox == []


def test_the_form_keeps_what_was_typed_after_an_error(client):
    response = client.post(reverse("support"), {**VALID, "email": "nope"})

    assert 'value="Chidi Okafor"' in response.content.decode()


def test_a_mail_outage_still_keeps_the_message(client, settings):
    settings.EMAIL_BACKEND = "tests.site.broken_mail.BrokenBackend"

    response = client.post(reverse("support"), VALID)

    assert response.status_code == 302
    assert SupportMessage.objects.count() == 1


def test_more_than_five_messages_an_hour_are_turned_away_with_429(client):
    for _ in range(5):
        assert client.post(reverse("support"), VALID).status_code == 302

    response = client.post(reverse("support"), VALID)

    assert response.status_code == 429
    assert "paused new ones for a little while" in response.content.decode()
    assert SupportMessage.objects.count() == 5
    assert len(mail.outbox) == 5
    # Reading the page is never limited.
    assert client.get(reverse("support")).status_code == 200


def test_the_limit_is_per_ip(client):
    for _ in range(5):
        client.post(reverse("support"), VALID, REMOTE_ADDR="10.0.0.1")

    assert client.post(reverse("support"), VALID, REMOTE_ADDR="10.0.0.2").status_code == 302
