"""Redis dies or is flushed mid-sale: nobody is signed out, sign-in works, holds sell through
PostgreSQL alone, rate limits still tell the truth, and the gate's counters never end above
the database afterwards. A throwaway redis-server per test, killed mid-test."""

import subprocess
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse

from events import cache as event_cache
from events.models import TicketType
from tests.factories import PASSWORD, EventFactory, TicketTypeFactory, UserFactory
from tickets import inventory as services
from tickets.inventory import gate
from tickets.models import Hold

from .helpers import make_buyers

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


class ThrowawayRedis:
    def __init__(self, binary, port, tmp_path):
        self.args = [binary, "--port", str(port), "--save", "", "--appendonly", "no"]
        self.args += ["--dir", str(tmp_path)]
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.kill()
        self.process.wait()

    def client(self):
        return redis.Redis.from_url(self.url)


@pytest.fixture
def throwaway_redis(settings, free_port, redis_server_binary, tmp_path):
    server = ThrowawayRedis(redis_server_binary, free_port, tmp_path)
    settings.REDIS_URL = server.url
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    caches["default"]["LOCATION"] = server.url
    settings.CACHES = caches
    gate.reset()
    yield server
    if server.process.poll() is None:
        server.kill()
    gate.reset()
    event_cache.reset_availability()  # the outage was this test's alone


@pytest.fixture
def client_factory():
    return Client


@pytest.fixture
def event():
    event = EventFactory()
    TicketTypeFactory(event=event, name="Regular", capacity=50)
    return event


def sign_in(client, user, password=PASSWORD, ip="127.0.0.1"):
    return client.post("/auth/login", {"login": user.email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    """A page only a signed-in user sees, asked through the whole stack."""
    return client.get(reverse("accounts:profile")).status_code == 200


def hold(client, event, quantity=1):
    regular = event.ticket_types.get()
    return client.post(reverse("tickets:hold", args=[event.slug]), {f"qty_{regular.pk}": quantity})


def test_a_redis_outage_signs_nobody_out_and_holds_sell_through_the_database(
    client_factory, throwaway_redis, event
):
    buyers = [UserFactory() for _ in range(3)]
    clients = [client_factory() for _ in buyers]
    for c, buyer in zip(clients, buyers, strict=True):
        assert sign_in(c, buyer).status_code == 302
    assert hold(clients[0], event).status_code == 302

    throwaway_redis.kill()

    for c in clients:
        assert signed_in(c)
    for c in clients[1:]:
        response = hold(c, event, 2)
        assert response.status_code == 302, response.content.decode()[:500]
        assert response.url.startswith("/checkout")
    regular = TicketType.objects.get(event=event)
    assert regular.held == 5
    assert Hold.objects.filter(status="active").count() == 3

    # Someone who was not signed in signs in now, and buys.
    late = UserFactory()
    late_client = client_factory()
    assert sign_in(late_client, late).status_code == 302
    assert signed_in(late_client)
    assert hold(late_client, event).status_code == 302
    regular.refresh_from_db()
    assert regular.held == 6


def test_a_flushdb_mid_sale_signs_nobody_out(client_factory, throwaway_redis, event):
    buyers = [UserFactory() for _ in range(5)]
    clients = [client_factory() for _ in buyers]
    for c, buyer in zip(clients, buyers, strict=True):
        sign_in(c, buyer)
    throwaway_redis.client().flushdb()
    assert all(signed_in(c) for c in clients)
    assert all(hold(c, event).status_code == 302 for c in clients)
    assert TicketType.objects.get(event=event).held == 5


def test_limits_still_count_while_redis_is_down_and_never_blame_one_attempt(
    client_factory, throwaway_redis, event, settings
):
    settings.HOLD_RATE_LIMIT = "3/h"
    buyer, guesser = UserFactory(), UserFactory()
    c = client_factory()
    sign_in(c, buyer)
    throwaway_redis.kill()

    # Holds: three attempts pass (each replacing the last), the fourth is over the limit.
    assert [hold(c, event).status_code for _ in range(4)] == [302, 302, 302, 429]
    assert "Too many reservation attempts" in hold(c, event).content.decode()

    # Sign-in: the first try of another account is not refused; wrong guesses still count.
    other = client_factory()
    for _ in range(5):
        assert sign_in(other, guesser, "wrong-guess-1").status_code == 200
    refused = sign_in(other, guesser)
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.content.decode()
    # Someone else, elsewhere, signs in at the first try.
    assert sign_in(client_factory(), UserFactory(), ip="10.1.2.3").status_code == 302


def test_after_an_outage_the_counter_never_ends_above_the_database(throwaway_redis):
    ticket_type = TicketTypeFactory(capacity=40)
    buyers = make_buyers(3)
    holds = [
        services.hold_tickets(buyer=b, event=ticket_type.event, quantities={ticket_type.pk: 1})
        for b in buyers
    ]
    assert gate.counters([ticket_type.pk]) == {ticket_type.pk: 37}

    throwaway_redis.kill()
    for h in holds[:2]:  # the database takes the stock back; Redis cannot be told
        assert services.release_hold(hold=h)

    # Redis comes back empty, and another process rebuilds the counter from the database,
    # which already counts the two released tickets.
    throwaway_redis.start()
    gate._State.down_until = 0.0  # this process's cool-down ends (it would in 2 s)
    with_other_process = redis.Redis.from_url(throwaway_redis.url)
    with_other_process.hset(gate.counter_key(ticket_type.pk), mapping={"cap": 40, "left": 39})

    # This process talks to the gate again (a hold by someone else).
    services.hold_tickets(
        buyer=make_buyers(1, "later")[0],
        event=ticket_type.event,
        quantities={ticket_type.pk: 1},
    )
    ticket_type.refresh_from_db()
    database = ticket_type.capacity - ticket_type.held - ticket_type.sold
    assert database == 38
    assert gate.counters([ticket_type.pk]) == {ticket_type.pk: database}


def test_while_redis_is_down_who_is_signed_in_is_read_from_the_database(
    client_factory, throwaway_redis
):
    buyer, other = UserFactory(), UserFactory()
    clients = [client_factory(), client_factory()]
    for c, user in zip(clients, (buyer, other), strict=True):
        sign_in(c, user)
        assert signed_in(c)  # each user's copy is in the cache now

    throwaway_redis.kill()
    buyer.is_active = False
    buyer.save()  # the copy cannot be forgotten: Redis is gone

    assert not signed_in(clients[0])
    assert signed_in(clients[1])
