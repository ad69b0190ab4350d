import pytest
from django.urls import reverse

from getiickets.models import NewsletterSubscriber

pytestmark = [pytest.mark.django_db]

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_visitor_signs_up_and_is_thanked(client):
    response = client.post(reverse("newsletter_signup"), {"email": "Ada@Example.ng"}, follow=True)

    assert response.status_code == 200
    assert "ada@example.ng is on the list" in response.content.decode()
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.email == "ada@example.ng"
    assert subscriber.source == "home"


def test_signing_up_twice_answers_politely_and_keeps_one_row(client):
    client.post(reverse("newsletter_signup"), {"email": "ada@example.ng"})
    response = client.post(reverse("newsletter_signup"), {"email": "ADA@example.ng"}, follow=True)

    assert response.status_code == 200
    assert "already subscribed" in response.content.decode()
    assert NewsletterSubscriber.objects.count() == 1


@pytest.mark.parametrize("bad", ["not-an-email", "ada@", "", "a" * 250 + "@x.ng"])
def test_a_bad_address_gets_a_clear_400_and_nothing_is_stored(client, bad):
    response = client.post(reverse("newsletter_signup"), {"email": bad})

    assert response.status_code == 400
    body = response.content.decode()
    assert any(
        e in body for e in ["Enter a valid email address", "Enter your email address", "too long"]
    )
    assert NewsletterSubscriber.objects.count() == 0


def test_htmx_sign_up_swaps_in_a_confirmation(client):
    response = client.post(reverse("newsletter_signup"), {"email": "chidi@example.ng"}, **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "chidi@example.ng is on the list" in body
    assert "<html" not in body  # a partial, not the whole page
    assert NewsletterSubscriber.objects.filter(email="chidi@example.ng").exists()


def test_htmx_bad_address_returns_the_form_with_its_error(client):
    response = client.post(reverse("newsletter_signup"), {"email": "chidi@"}, **HTMX)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address" in body
    assert 'name="email"' in body and "<html" not in body
    assert NewsletterSubscriber.objects.count() == 0


def test_sign_up_needs_a_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("newsletter_signup"), {"email": "ada@example.ng"}
    )

    assert response.status_code == 403
    assert NewsletterSubscriber.objects.count() == 0


def test_reloading_the_sign_up_address_goes_back_to_the_form(client):
    response = client.get(reverse("newsletter_signup"))

    assert response.status_code == 302
    assert response["Location"] == "/#newsletter"
    assert NewsletterSubscriber.objects.count() == 0


def test_a_flood_of_sign_ups_from_one_address_is_slowed_down_with_429(client):
    for i in range(20):
        client.post(reverse("newsletter_signup"), {"email": f"bot{i}@example.ng"})

    response = client.post(reverse("newsletter_signup"), {"email": "late@example.ng"}, **HTMX)

    assert response.status_code == 429
    assert "try again a little later" in response.content.decode()
    assert NewsletterSubscriber.objects.count() == 20
    assert not NewsletterSubscriber.objects.filter(email="late@example.ng").exists()
