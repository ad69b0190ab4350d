"""Business details decide publishing; the bank account payouts go to is the verified one on
the Money page, and every page that mentions payouts says so."""

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import PayoutAccount
from tests.factories import EventFactory, TicketTypeFactory
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db


def test_the_business_details_page_has_no_bank_fields_and_points_to_money(client, organizer):
    sign_in_as_organizer(client, organizer.user)
    page = client.get(reverse("organizer:payout_details"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Business details</h1>" in html
    assert "this bank account" not in html and 'name="bank' not in html
    assert "add and verify a bank account on the" in html and 'href="/organizer/money"' in html
    assert ">Business details</a>" in html  # the navigation's name for the page

    answer = client.post(
        reverse("organizer:payout_details"),
        {
            "business_name": "Funke Live Ltd",
            "business_address": "3 Awolowo Road, Ikoyi",
            "contact_phone": "08031234567",
            "city": "Lagos",
        },
    )
    assert answer.status_code == 302
    organizer.refresh_from_db()
    assert organizer.business_name == "Funke Live Ltd" and organizer.profile_complete


def test_an_organizer_publishes_without_a_bank_account(client, organizer):
    assert not PayoutAccount.objects.filter(organizer=organizer, verified_at__isnull=False).exists()
    event = EventFactory(organizer=organizer, status="draft")
    TicketTypeFactory(event=event)
    sign_in_as_organizer(client, organizer.user)
    client.post(reverse("organizer:event_publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == "published"


def test_faq_and_terms_say_payouts_go_to_the_bank_account_verified_on_money(client):
    faqs = client.get(reverse("faqs")).content.decode()
    terms = client.get(reverse("terms")).content.decode()
    assert "bank account you add and verify on the Money page" in faqs
    assert "in your organizer profile" not in faqs
    assert "only to the Nigerian bank account you add and verify on the Money page" in terms
    assert "in your profile" not in terms


def test_once_verified_the_page_names_the_account_payouts_go_to(client, organizer):
    PayoutAccount.objects.create(
        organizer=organizer,
        bank_code="058",
        bank_name="Guaranty Trust Bank",
        account_number="0123456789",
        account_name="FUNKE LIVE LTD",
        recipient_code="RCP_demo",
        verified_at=timezone.now(),
    )
    sign_in_as_organizer(client, organizer.user)
    for url in (reverse("organizer:payout_details"), "/onboarding/organizer"):
        html = client.get(url).content.decode()
        assert (
            "Payouts go to <strong>Guaranty Trust Bank ••••6789 (FUNKE LIVE LTD)</strong>" in html
        )
        assert "add and verify" not in html
