"""Caching: edits show on the next request; a dead Redis never breaks a page."""

import subprocess
import time

import pytest
import redis as redis_lib
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import cache as event_cache
from events.models import TicketType
from tests.events.conftest import event_form_data
from tests.factories import EventFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def body(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.needs_services
def test_pages_are_cached_in_redis(client, redis_client):
    TicketTypeFactory(event=EventFactory(title="Cached Gig"))
    body(client, reverse("events:list"))
    assert any(b"events:list" in key for key in redis_client.keys("*"))
    with CaptureQueriesContext(connection) as ctx:
        assert "Cached Gig" in body(client, reverse("events:list"))
    assert len(ctx.captured_queries) == 0


@pytest.mark.needs_services
def test_organizer_edit_is_visible_on_the_next_request(client, organizer, category, venue):
    from tests.events.conftest import sign_in_as_organizer

    event = EventFactory(organizer=organizer, title="First Title", category=category, venue=venue)
    TicketTypeFactory(event=event)
    detail = reverse("events:detail", args=[event.slug])
    listing = reverse("events:list")
    visitor = client.__class__()
    assert "First Title" in body(visitor, detail)
    assert "First Title" in body(visitor, listing)

    sign_in_as_organizer(client, organizer)
    response = client.post(
        reverse("organizer:event_edit", args=[event.pk]),
        event_form_data(category, venue, title="Second Title"),
    )
    assert response.status_code == 302
    assert "Second Title" in body(visitor, detail)
    assert "Second Title" in body(visitor, listing)
    assert "First Title" not in body(visitor, listing)


@pytest.mark.needs_services
def test_ticket_type_change_invalidates_the_cached_page(client):
    event = EventFactory()
    tt = TicketTypeFactory(event=event, name="Regular", price_kobo=1_000_000)
    detail = reverse("events:detail", args=[event.slug])
    assert "₦10,000.00" in body(client, detail)
    tt.price_kobo = 1_200_000
    tt.save()
    assert "₦12,000.00" in body(client, detail)


@pytest.mark.needs_services
def test_bump_event_shows_a_sell_out_made_by_the_holds_code(client):
    event = EventFactory()
    tt = TicketTypeFactory(event=event, capacity=5)
    listing = reverse("events:list")
    assert "Sold out" not in body(client, listing)
    TicketType.objects.filter(pk=tt.pk).update(sold=5)  # atomic SQL: no signal
    assert "Sold out" not in body(client, listing)  # still the cached page...
    event_cache.bump_event(event.pk)  # ...until the holds code bumps it
    assert "Sold out" in body(client, listing)
    assert "Sold out" in body(client, reverse("events:detail", args=[event.slug]))


def test_thousands_of_seat_signals_bump_the_cache_once(monkeypatch):
    calls = []
    monkeypatch.setattr(event_cache, "_bump_now", lambda event_id, listing: calls.append(event_id))
    with event_cache.batched_bumps():
        for _ in range(1000):
            event_cache.bump_event(7)
    assert calls == [7]


@pytest.fixture
def throwaway_redis(redis_server_binary, free_port, settings):
    process = subprocess.Popen(
        [redis_server_binary, "--port", str(free_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis_lib.Redis(port=free_port, socket_timeout=1)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis_lib.ConnectionError:
            time.sleep(0.1)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port}/0",
            "KEY_PREFIX": "gt",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        },
    }
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    yield process, client
    event_cache.reset_availability()
    if process.poll() is None:
        process.kill()
        process.wait()


def test_pages_still_work_when_redis_dies(client, throwaway_redis):
    process, redis_client = throwaway_redis
    event = EventFactory(title="Resilient Gig")
    TicketTypeFactory(event=event)
    urls = [
        reverse("events:list"),
        reverse("events:list") + "?city=Lagos&q=resilient",
        reverse("events:detail", args=[event.slug]),
        reverse("events:ics", args=[event.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    assert redis_client.dbsize() > 0  # the pages really were cached there

    process.kill()
    process.wait()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
    # Once it has failed, the cache is skipped for a while: no waiting on every lookup.
    started = time.monotonic()
    for _ in range(5):
        assert client.get(urls[0]).status_code == 200
    assert time.monotonic() - started < 2
    assert "Resilient Gig" in body(client, urls[1])
    # Edits still work (the bump is ignored) and show at once: no cache, straight from the DB.
    TicketType.objects.filter(event=event).update(name="Renamed")
    event.title = "Still Resilient"
    event.save()
    assert "Still Resilient" in body(client, urls[2])
    cache.clear()  # ignored as well


def test_a_hung_redis_costs_one_timeout_then_is_skipped(client, free_port, settings):
    """A Redis that accepts connections but never answers (overloaded, network trouble)."""
    import socket
    import threading

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", free_port))
    server.listen(50)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])  # never reply
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        },
    }
    event = EventFactory(title="Patient Gig")
    TicketTypeFactory(event=event)
    try:
        started = time.monotonic()
        response = client.get(reverse("events:list"))
        first = time.monotonic() - started
        assert response.status_code == 200
        assert "Patient Gig" in response.content.decode()
        started = time.monotonic()
        for _ in range(5):
            assert client.get(reverse("events:list")).status_code == 200
            assert client.get(reverse("events:detail", args=[event.slug])).status_code == 200
        later = time.monotonic() - started
        assert first < 3
        assert later < 1.5
    finally:
        event_cache.reset_availability()
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
