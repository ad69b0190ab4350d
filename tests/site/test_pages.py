from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import CategoryFactory, EventFactory, TicketTypeFactory

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize(
    "name,heading,text",
    [
        ("faqs", "Frequently asked questions", "USSD"),
        ("support", "Contact support", "Order reference (optional)"),
        ("privacy", "Privacy policy", "Nigeria Data Protection Act 2023"),
        ("terms", "Terms of service", "Federal Republic of Nigeria"),
        ("refund_policy", "Refund policy", "Event cancelled:"),
    ],
)
def test_content_page_shows_its_heading(client, name, heading, text):
    response = client.get(reverse(name))

    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert text in body


def test_content_pages_have_their_prd_urls():
    assert reverse("faqs") == "/faqs"
    assert reverse("support") == "/support"
    assert reverse("privacy") == "/privacy"
    assert reverse("terms") == "/terms"
    assert reverse("refund_policy") == "/refund-policy"
    assert reverse("home") == "/"


def test_home_has_hero_search_and_sections(client):
    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'action="/events"' in body and 'name="q"' in body
    for heading in ["Featured events", "Browse by category", "How it works", "Never miss a show"]:
        assert heading in body
    for promise in [
        "Paystack secure payments",
        "Instant e-tickets",
        "refunds policy",
        "Local support",
    ]:
        assert promise in body
    assert "New events are on their way" in body  # nothing featured yet


def test_home_shows_featured_published_upcoming_events_only(client):
    shown = EventFactory(title="Burna Live in Lagos", is_featured=True)
    TicketTypeFactory(event=shown, name="Regular", price_kobo=2_500_000)
    TicketTypeFactory(event=shown, name="VIP", price_kobo=7_500_000)
    TicketTypeFactory(event=shown, name="Crew comp", price_kobo=0, is_visible=False)
    EventFactory(title="Not Featured Fest", is_featured=False)
    EventFactory(title="Draft Comedy Night", is_featured=True, status=Event.Status.DRAFT)
    past_start = timezone.now() - timedelta(days=3)
    EventFactory(
        title="Last Week Jazz",
        is_featured=True,
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=4),
    )

    body = client.get("/").content.decode()

    assert "Burna Live in Lagos" in body
    assert "from <strong>₦25,000.00</strong>" in body  # the cheapest visible ticket
    assert "/events/burna-live-in-lagos" in body
    assert shown.venue.name in body and "Lagos" in body
    for hidden in ["Not Featured Fest", "Draft Comedy Night", "Last Week Jazz"]:
        assert hidden not in body
    assert "Sold out" not in body


def test_home_marks_an_event_sold_out_when_every_ticket_type_is_gone(client):
    event = EventFactory(title="Davido Timeless Tour", is_featured=True)
    TicketTypeFactory(event=event, price_kobo=3_000_000, capacity=10, sold=10)
    TicketTypeFactory(event=event, price_kobo=9_000_000, capacity=5, sold=3, held=2)
    half = EventFactory(title="Half Sold Show", is_featured=True)
    TicketTypeFactory(event=half, price_kobo=1_000_000, capacity=10, sold=10)
    TicketTypeFactory(event=half, price_kobo=2_000_000, capacity=10, sold=1)

    body = client.get("/").content.decode()

    assert body.count('class="badge badge-danger event-card-badge">Sold out') == 1
    davido = body[body.index("Davido Timeless Tour") - 1500 : body.index("Davido Timeless Tour")]
    assert "Sold out" in davido
    assert "from <strong>₦10,000.00</strong>" in body  # Half Sold Show still on sale


def test_home_shows_start_time_in_lagos(client):
    from zoneinfo import ZoneInfo

    starts = timezone.now().replace(microsecond=0) + timedelta(days=5)
    event = EventFactory(title="Lagos Time Gig", is_featured=True, starts_at=starts)
    TicketTypeFactory(event=event)
    lagos = starts.astimezone(ZoneInfo("Africa/Lagos"))

    body = client.get("/").content.decode()

    assert lagos.isoformat() in body


def test_home_lists_categories_linking_to_the_catalogue(client):
    CategoryFactory(name="Comedy", slug="comedy")

    body = client.get("/").content.decode()

    assert "/events?category=comedy" in body and "Comedy" in body


def test_home_limits_featured_events_to_six(client):
    for i in range(8):
        TicketTypeFactory(event=EventFactory(title=f"Featured {i}", is_featured=True))

    body = client.get("/").content.decode()

    assert body.count('<article class="event-card') == 6


def test_home_queries_stay_flat(client, django_assert_max_num_queries):
    for i in range(6):
        event = EventFactory(title=f"Flat {i}", is_featured=True)
        TicketTypeFactory(event=event)
        TicketTypeFactory(event=event, price_kobo=5_000)

    with django_assert_max_num_queries(8):
        client.get("/")


def test_admin_lists_newsletter_and_support_messages(client):
    from accounts.models import User
    from getiickets.models import NewsletterSubscriber, SupportMessage

    staff = User.objects.create_superuser(email="ops@getiickets.ng", password="x-long-pass-1")
    NewsletterSubscriber.objects.create(email="ada@example.ng")
    SupportMessage.objects.create(
        name="Ada", email="ada@example.ng", topic="refund", message="Please refund my ticket"
    )
    client.force_login(staff)

    assert (
        "ada@example.ng" in client.get("/admin/getiickets/newslettersubscriber/").content.decode()
    )
    page = client.get("/admin/getiickets/supportmessage/?q=ada").content.decode()
    assert "Refunds and cancelled events" in page
    assert "getiickets" in client.get("/admin/").content.decode()


def test_pages_quote_the_real_hold_time_and_service_fee(client, settings):
    body = client.get(reverse("faqs")).content.decode()
    assert "3.5% + ₦100 per ticket" in body
    assert "<strong>10 minutes</strong>" in body

    settings.HOLD_SECONDS = 900
    settings.SERVICE_FEE_BASIS_POINTS = 250
    settings.SERVICE_FEE_FLAT_KOBO = 5_050

    assert "2.5% + ₦50.50 per ticket" in client.get(reverse("faqs")).content.decode()
    assert "held for 15 minutes" in client.get(reverse("terms")).content.decode()
    assert "15-minute hold" in client.get(reverse("refund_policy")).content.decode()
    assert "held for 15 minutes" in client.get("/").content.decode()


def test_an_unknown_page_is_a_friendly_404(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_the_500_page_renders_without_a_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})

    assert "Something went wrong on our side" in html
