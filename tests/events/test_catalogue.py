"""Public catalogue and event page: filters, search, safe output, availability, .ics, queries."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, TicketType
from tests.factories import CategoryFactory, EventFactory, TicketTypeFactory, VenueFactory

pytestmark = pytest.mark.django_db


def listing(client, **params):
    response = client.get(reverse("events:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_published_upcoming_events_only(client):
    EventFactory(title="Published Gig")
    EventFactory(title="Draft Gig", status=Event.Status.DRAFT)
    EventFactory(title="Cancelled Gig", status=Event.Status.CANCELLED)
    past = timezone.now() - timedelta(days=5)
    EventFactory(title="Past Gig", starts_at=past, ends_at=past + timedelta(hours=3))
    body = listing(client)
    assert "Published Gig" in body
    for hidden in ("Draft Gig", "Cancelled Gig", "Past Gig"):
        assert hidden not in body


def test_card_shows_from_price_or_sold_out(client):
    cheap = EventFactory(title="Cheap Show")
    TicketTypeFactory(event=cheap, price_kobo=500_000)
    TicketTypeFactory(event=cheap, price_kobo=2_000_000)
    gone = EventFactory(title="Gone Show")
    tt = TicketTypeFactory(event=gone, capacity=10)
    TicketType.objects.filter(pk=tt.pk).update(sold=10)
    body = listing(client)
    assert "from <strong>₦5,000.00</strong>" in body
    assert "Sold out" in body


def test_filter_by_city_and_category(client):
    abuja = VenueFactory(name="ICC", city="Abuja", state="FCT")
    comedy = CategoryFactory(name="Comedy", slug="comedy")
    EventFactory(title="Abuja Laughs", venue=abuja, category=comedy)
    music = CategoryFactory(name="Concerts", slug="concerts")
    EventFactory(title="Lagos Sounds", category=music)
    body = listing(client, city="abuja")
    assert "Abuja Laughs" in body and "Lagos Sounds" not in body
    body = listing(client, category="comedy")
    assert "Abuja Laughs" in body and "Lagos Sounds" not in body


def test_text_search_finds_title_description_and_venue(client):
    venue = VenueFactory(name="Muri Okunola Park")
    EventFactory(title="Jollof Festival", description="Smoky party jollof cook-off.")
    EventFactory(title="Comedy Hour", venue=venue)
    EventFactory(title="Quiet Reading")
    assert "Jollof Festival" in listing(client, q="jollof")
    assert "Jollof Festival" in listing(client, q="smoky")
    assert "Comedy Hour" in listing(client, q="okunola")
    assert "Comedy Hour" in listing(client, q="comed")  # prefix while typing
    body = listing(client, q="jollof")
    assert "Quiet Reading" not in body and "Comedy Hour" not in body


def test_date_filters(client):
    now = timezone.localtime()
    # Later today in Lagos whatever the hour (after 23:00 it has just started; it must not
    # slip past midnight into tomorrow).
    tonight = now.replace(hour=23, minute=0) if now.hour < 23 else now - timedelta(minutes=5)
    EventFactory(title="Tonight Show", starts_at=tonight, ends_at=tonight + timedelta(minutes=50))
    later = now + timedelta(days=70)
    EventFactory(title="Far Show", starts_at=later, ends_at=later + timedelta(hours=2))
    body = listing(client, when="today")
    assert "Tonight Show" in body and "Far Show" not in body
    d = later.date()
    body = listing(client, date_from=d.isoformat(), date_to=d.isoformat())
    assert "Far Show" in body and "Tonight Show" not in body


def test_invalid_date_is_an_error_not_a_crash(client):
    response = client.get(reverse("events:list"), {"date_from": "31/31/2026"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_a_reversed_date_range_is_refused_with_a_message(client):
    EventFactory(title="Any Show")
    response = client.get(
        reverse("events:list"), {"date_from": "2027-03-10", "date_to": "2027-03-01"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The “To” date is before the “From” date" in body
    assert "Any Show" not in body


def test_the_count_is_in_good_english(client):
    EventFactory(title="Comedy Jam")
    assert "1 event match your filters" not in listing(client, q="comedy")
    assert "1 event matches your filters" in listing(client, q="comedy")
    EventFactory(title="Comedy Night")
    assert "2 events match your filters" in listing(client, q="comedy")
    assert "2 events</p>" in listing(client)


def test_sort_by_price(client):
    a = EventFactory(title="Pricey", starts_at=timezone.now() + timedelta(days=1))
    TicketTypeFactory(event=a, price_kobo=9_000_000)
    b = EventFactory(title="Budget", starts_at=timezone.now() + timedelta(days=9))
    TicketTypeFactory(event=b, price_kobo=100_000)
    body = listing(client, sort="price")
    assert body.index("Budget") < body.index("Pricey")
    body = listing(client, sort="soonest")
    assert body.index("Pricey") < body.index("Budget")


def test_pagination_twelve_per_page(client):
    for i in range(14):
        TicketTypeFactory(event=EventFactory(title=f"Gig number {i:02d}"))
    first = listing(client)
    second = listing(client, page=2)
    assert first.count("<article") == 12
    assert second.count("<article") == 2
    assert "Page 1 of 2" in first


def test_detail_shows_availability_and_sales_windows(client):
    event = EventFactory(title="Big Night")
    TicketTypeFactory(event=event, name="Regular", capacity=100)
    low = TicketTypeFactory(event=event, name="VIP", capacity=20)
    TicketType.objects.filter(pk=low.pk).update(sold=12, held=1)
    gone = TicketTypeFactory(event=event, name="Table", capacity=5)
    TicketType.objects.filter(pk=gone.pk).update(sold=5)
    TicketTypeFactory(event=event, name="Late", sales_start=timezone.now() + timedelta(days=2))
    TicketTypeFactory(event=event, name="Early", sales_end=timezone.now() - timedelta(hours=1))
    TicketTypeFactory(event=event, name="Secret", is_visible=False)
    body = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "Only 7 left" in body
    assert "Sold out" in body
    assert "On sale from" in body
    assert "Sales ended" in body
    assert "Secret" not in body
    assert "wa.me" in body and "facebook.com/sharer" in body and "x.com/intent" in body
    assert reverse("events:ics", args=[event.slug]) in body


def test_script_in_description_is_shown_as_text(client):
    event = EventFactory(description="Hello <script>alert('x')</script>\nSecond line")
    body = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<br>Second line" in body


def test_draft_is_404_to_the_public_but_previewable_by_its_organizer(client):
    from tests.events.conftest import sign_in_as_organizer

    draft = EventFactory(status=Event.Status.DRAFT)
    url = reverse("events:detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    sign_in_as_organizer(client, draft.organizer)
    response = client.get(url)
    assert response.status_code == 200
    assert "Preview of your draft event" in response.content.decode()


def test_cancelled_event_page_says_so(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    body = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "This event has been cancelled." in body


def test_calendar_file(client):
    event = EventFactory(
        title="Jazz, Wine; and\\More",
        starts_at=timezone.make_aware(timezone.datetime(2030, 3, 14, 19, 0)),
        ends_at=timezone.make_aware(timezone.datetime(2030, 3, 14, 23, 30)),
    )
    response = client.get(reverse("events:ics", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "\r\nDTSTART:20300314T180000Z\r\n" in body  # 19:00 in Lagos is 18:00 UTC
    assert "\r\nDTEND:20300314T223000Z\r\n" in body
    assert "SUMMARY:Jazz\\, Wine\\; and\\\\More" in body
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def _count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # Savepoints exist only because each test runs inside a transaction.
    return sum("SAVEPOINT" not in q["sql"] for q in ctx.captured_queries)


def test_list_page_runs_a_constant_number_of_queries(client):
    url = reverse("events:list")
    for i in range(2):
        TicketTypeFactory(event=EventFactory(title=f"Small {i}"))
    small = _count_queries(client, url)
    for i in range(14):
        event = EventFactory(title=f"Big {i}", venue=VenueFactory(city=f"City {i}"))
        for n in range(3):
            TicketTypeFactory(event=event, name=f"T{n}")
    big = _count_queries(client, url)
    assert small == big
    assert big <= 6


def test_detail_page_runs_a_constant_number_of_queries(client):
    one = EventFactory()
    TicketTypeFactory(event=one)
    many = EventFactory()
    for n in range(15):
        TicketTypeFactory(event=many, name=f"Type {n}")
    few = _count_queries(client, reverse("events:detail", args=[one.slug]))
    lots = _count_queries(client, reverse("events:detail", args=[many.slug]))
    assert few == lots
    # Cold: event, ticket types, the selector's lazy expiry of lapsed holds, its live stock
    # read (which rebuilds the missing Redis counters), and the waiting room's snapshot
    # (event, room row, ticket types), built once per event version.
    assert lots <= 7
    with CaptureQueriesContext(connection) as warm:  # the snapshot is cached now
        assert client.get(reverse("events:detail", args=[many.slug])).status_code == 200
    assert sum("SAVEPOINT" not in q["sql"] for q in warm.captured_queries) <= 4


def test_cached_pages_run_no_catalogue_queries(client):
    TicketTypeFactory(event=EventFactory())
    url = reverse("events:list")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx.captured_queries) == 0


def test_featured_events_and_categories_for_the_home_page():
    from events import services

    music = CategoryFactory(name="Concerts", slug="concerts")
    EventFactory(title="Star", is_featured=True, category=music)
    EventFactory(title="Plain", category=music)
    assert [e.title for e in services.featured_events(limit=6)] == ["Star"]
    counts = {c.slug: c.upcoming_count for c in services.catalogue_categories()}
    assert counts["concerts"] == 2


def test_weekend_and_month_windows_in_lagos_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from events.services import date_window

    lagos = ZoneInfo("Africa/Lagos")
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=lagos)
    start, end = date_window("weekend", now=wednesday)
    assert (start.astimezone(lagos), end.astimezone(lagos)) == (
        datetime(2026, 11, 27, 17, 0, tzinfo=lagos),
        datetime(2026, 11, 30, 0, 0, tzinfo=lagos),
    )
    saturday = datetime(2026, 11, 28, 21, 0, tzinfo=lagos)
    start, end = date_window("weekend", now=saturday)
    assert start == saturday and end == datetime(2026, 11, 30, 0, 0, tzinfo=lagos)
    start, end = date_window("month", now=wednesday)
    assert end == datetime(2026, 12, 1, 0, 0, tzinfo=lagos)
    start, end = date_window("today", now=wednesday)
    assert (start, end) == (
        datetime(2026, 11, 25, tzinfo=lagos),
        datetime(2026, 11, 26, tzinfo=lagos),
    )


@pytest.mark.parametrize("q", ["a & b | !c", "':*()", "<script>", "ñandú café", "   "])
def test_odd_search_text_never_breaks_the_page(client, q):
    EventFactory(title="Café Night")
    body = listing(client, q=q)  # asserts 200
    assert "<script>" not in body
    if q == "<script>":
        assert 'value="&lt;script&gt;"' in body


@pytest.mark.needs_services
def test_search_uses_a_gin_index_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'event_search_gin'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_document)" in definition


def test_a_large_catalogue_counts_up_to_the_cap_and_still_pages_past_it(client, monkeypatch):
    """Counting 100,000 events costs more than the page: the count stops at the cap
    ("1,000+ events"), and a full page still links to the next one past the counted pages."""
    from events import services, views

    monkeypatch.setattr(services, "CATALOGUE_COUNT_CAP", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    start = timezone.now() + timedelta(days=2)
    for i in range(8):
        TicketTypeFactory(
            event=EventFactory(title=f"Gig {i}", starts_at=start + timedelta(hours=i))
        )

    pages = [listing(client, page=n) for n in (1, 2, 3)]
    assert "5+ events" in pages[0] and "Page 1<" in pages[0].replace("</span>", "<")
    assert [p.count("<article") for p in pages] == [3, 3, 2]
    assert ['rel="next"' in p for p in pages] == [True, True, False]
    assert "Gig 7" in pages[2]

    monkeypatch.setattr(services, "CATALOGUE_COUNT_CAP", 1000)
    cache.clear()
    assert "8 events" in listing(client) and "Page 1 of 3" in listing(client)
    assert sum(c.upcoming_count for c in services.catalogue_categories()) == 8
    assert services.catalogue_cities() == sorted({e.venue.city for e in Event.objects.all()})
