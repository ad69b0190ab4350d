"""Public pages as data grows and under load: queries that do not grow with the catalogue,
lists invalidated only by what they show, one rebuilder at a time, conditional GET."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import cache as event_cache
from events import services
from events.models import Event
from tests.factories import EventFactory, TicketTypeFactory, UserFactory

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db]


def catalogue(scale: int):
    """`scale` × (10 GA events, 2 of them featured) and a seated event of scale × 100 seats."""
    for i in range(10 * scale):
        event = EventFactory(is_featured=i % 5 == 0)
        TicketTypeFactory(event=event, name="Regular")
        TicketTypeFactory(event=event, name="VIP", price_kobo=5_000_000)
    ga = Event.objects.order_by("pk").first()
    seated = EventFactory(title=f"Seated {scale}", seating=Event.Seating.RESERVED)
    band = TicketTypeFactory(event=seated, name="Stalls", capacity=0)
    services.generate_section(
        event=seated, name="Stalls", rows=scale * 4, seats_per_row=25, ticket_type=band
    )
    return ga, seated


def queries(client, url, *, cold: bool) -> int:
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def page_queries(client, ga, seated, *, cold):
    urls = ["/", "/events", "/events?city=Lagos&sort=price", ga.get_absolute_url()]
    urls.append(seated.get_absolute_url())
    if not cold:  # warm: every page built once before counting
        [queries(client, url, cold=False) for url in urls]
    return [queries(client, url, cold=cold) for url in urls]


@pytest.mark.slow
def test_public_pages_cost_the_same_queries_at_ten_times_the_data(client):
    ga, seated = catalogue(1)
    client.get("/")  # the first request of a session
    small_cold = page_queries(client, ga, seated, cold=True)
    small_warm = page_queries(client, ga, seated, cold=False)

    catalogue(10)  # ten times the events, and a seat map ten times the size
    ga_big = Event.objects.filter(seating=Event.Seating.GENERAL).order_by("-pk").first()
    seated_big = Event.objects.get(title="Seated 10")
    assert services.catalogue_listing().count() >= 10 * 10
    assert page_queries(client, ga_big, seated_big, cold=True) == small_cold
    assert page_queries(client, ga_big, seated_big, cold=False) == small_warm
    assert small_warm[:3] == [0, 0, 0]  # home and lists warm: from the cache alone
    assert small_warm[3] < small_cold[3]  # the event page: only its live stock is read


def test_a_sold_out_flip_rebuilds_only_the_lists_that_show_the_event(client):
    shown = [EventFactory() for _ in range(13)]  # 12 on page 1, one on page 2
    for event in shown:
        TicketTypeFactory(event=event)
    client.get("/events")
    client.get("/events?page=2")

    event_cache.bump_event(shown[-1].pk, listing=False)  # e.g. its last ticket was held
    with CaptureQueriesContext(connection) as first_page:
        client.get("/events")
    with CaptureQueriesContext(connection) as second_page:
        client.get("/events?page=2")
    assert len(first_page.captured_queries) == 0  # does not show it: still cached
    assert len(second_page.captured_queries) > 0  # shows it: rebuilt

    event_cache.bump_event(shown[0].pk)  # an organizer edit can move any list
    with CaptureQueriesContext(connection) as again:
        client.get("/events?page=2")
    assert len(again.captured_queries) > 0


def test_while_one_process_rebuilds_a_list_the_others_serve_the_previous_copy():
    builds = []
    event_cache.get_list({"q": "x"}, lambda: builds.append(1) or {"events": [], "n": "old"})
    event_cache.bump_catalogue()
    key = f"events:list:{event_cache.list_key({'q': 'x'})}"
    assert cache.add(f"{key}:rebuilding", 1, timeout=30)  # another process is rebuilding

    data = event_cache.get_list({"q": "x"}, lambda: builds.append(1) or {"events": [], "n": "new"})
    assert data["n"] == "old" and len(builds) == 1  # the previous copy, no second rebuild

    cache.delete(f"{key}:rebuilding")  # the rebuild is over (or its lock lapsed)
    data = event_cache.get_list({"q": "x"}, lambda: builds.append(1) or {"events": [], "n": "new"})
    assert data["n"] == "new" and len(builds) == 2


def test_public_pages_answer_conditional_gets_for_signed_out_visitors_only(client):
    event = EventFactory(title="Etag Night", is_featured=True)
    TicketTypeFactory(event=event)
    client.get("/")  # the visitor's first request sets the CSRF cookie the forms carry
    for url in ["/", "/events", event.get_absolute_url()]:
        first = client.get(url)
        assert first.status_code == 200
        assert "public" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]
        assert "Cookie" in first["Vary"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""

    etag = client.get(event.get_absolute_url())["ETag"]
    event.title = "Etag Night (new date)"
    event.save()  # the organizer's edit: a fresh page, not a 304
    changed = client.get(event.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "Etag Night (new date)" in changed.content.decode()

    user = UserFactory()
    client.force_login(user)
    signed_in = client.get("/events", HTTP_IF_NONE_MATCH=etag)
    assert signed_in.status_code == 200
    assert not signed_in.has_header("ETag")
    assert "private" in signed_in["Cache-Control"]


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Counts what is sent to Redis (a command or a pipeline is one round trip)."""
    import redis.connection

    sent = []
    real = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return real(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent


def test_warm_public_pages_read_the_cache_in_a_few_round_trips_whatever_the_cards(
    client, redis_round_trips
):
    """A warm page asks Redis for the versions, its list and all its cards in a handful of
    round trips (each one costs more than rendering a card), not one per card; the same for
    twelve cards as for two."""

    def trips(url):
        client.get(url)  # built and cached
        redis_round_trips.clear()
        assert client.get(url).status_code == 200
        return len(redis_round_trips)

    for i in range(2):
        TicketTypeFactory(event=EventFactory(is_featured=True, title=f"Small {i}"))
    few = {url: trips(url) for url in ("/", "/events")}
    for i in range(20):
        TicketTypeFactory(event=EventFactory(is_featured=True, title=f"More {i}"))
    many = {url: trips(url) for url in ("/", "/events")}

    assert many == few
    assert few["/"] <= 5 and few["/events"] <= 6, few
