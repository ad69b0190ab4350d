"""Racing buyers: real threads, real PostgreSQL and Redis."""

import random
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import redis
from django.db.models import Count
from django.utils import timezone

from events.models import TicketType
from tests.factories import SeatFactory, SeatSectionFactory, TicketTypeFactory
from tickets import inventory as services
from tickets.inventory import gate
from tickets.models import Hold, SeatClaim
from tickets.signals import stock_freed

from .helpers import make_buyers, race

pytestmark = [
    pytest.mark.needs_services,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _fresh_gate():
    gate.reset()
    yield
    gate.reset()


def counter(ticket_type_id):
    values = gate.counters([ticket_type_id]) or {}
    return values.get(ticket_type_id)


def hold_one(ticket_type, buyers):
    def work(i):
        return services.hold_tickets(
            buyer=buyers[i], event=ticket_type.event, quantities={ticket_type.pk: 1}
        )

    return work


def assert_exactly(results, ticket_type, capacity):
    holds = [r for r in results if isinstance(r, Hold)]
    errors = [r for r in results if not isinstance(r, Hold)]
    assert len(holds) == capacity
    assert all(isinstance(e, services.SoldOut) for e in errors), {type(e) for e in errors}
    ticket_type.refresh_from_db()
    assert ticket_type.held == capacity
    assert Hold.objects.filter(status="active").count() == capacity


def test_300_buyers_race_for_50_tickets_exactly_50_are_held():
    ticket_type = TicketTypeFactory(capacity=50)
    buyers = make_buyers(300)
    results = race(300, hold_one(ticket_type, buyers))
    assert_exactly(results, ticket_type, 50)
    assert counter(ticket_type.pk) == 0  # the gate agrees with the database


def test_the_database_path_alone_is_exact_too(settings):
    settings.HOLD_GATE_ENABLED = False
    ticket_type = TicketTypeFactory(capacity=50)
    buyers = make_buyers(300)
    results = race(300, hold_one(ticket_type, buyers))
    assert_exactly(results, ticket_type, 50)


def test_100_buyers_race_for_overlapping_seats_all_or_nothing():
    section = SeatSectionFactory()
    first = SeatFactory(section=section, row_label="A", number="1")
    band = first.ticket_type
    seats = [first] + [
        SeatFactory(section=section, ticket_type=band, row_label="A", number=str(i))
        for i in range(2, 41)
    ]
    TicketType.objects.filter(pk=band.pk).update(capacity=len(seats))
    rng = random.Random(5)
    wanted = []
    for _ in range(100):
        size = rng.randint(1, 4)
        start = rng.randint(0, len(seats) - size)
        wanted.append([s.pk for s in seats[start : start + size]])
    buyers = make_buyers(100)

    def work(i):
        return services.hold_seats(buyer=buyers[i], event=section.event, seat_ids=wanted[i])

    results = race(100, work)
    winners = [(i, r) for i, r in enumerate(results) if isinstance(r, Hold)]
    losers = [r for r in results if not isinstance(r, Hold)]
    assert winners, "somebody must get seats"
    assert all(isinstance(e, services.SeatTaken | services.SoldOut) for e in losers)
    live = SeatClaim.objects.filter(state="held")
    # No seat held twice ...
    assert not live.values("seat").annotate(n=Count("pk")).filter(n__gt=1).exists()
    # ... every hold has exactly the seats its buyer asked for ...
    for i, hold in winners:
        assert sorted(hold.seat_claims.values_list("seat_id", flat=True)) == sorted(wanted[i])
    # ... and losers hold nothing at all.
    assert Hold.objects.filter(status="active").count() == len(winners)
    band.refresh_from_db()
    assert band.held == live.count() == sum(len(wanted[i]) for i, _ in winners)
    # Redis names the same owner for every held seat.
    conn = gate.client()
    for claim in live:
        assert conn.get(gate.seat_key(claim.seat_id)).decode() == str(claim.hold_id)


def test_redis_flushed_mid_race_never_sells_more_than_capacity():
    ticket_type = TicketTypeFactory(capacity=50)
    buyers = make_buyers(300)
    stop = threading.Event()
    flushes = []

    conn = gate.client()

    def flush_repeatedly():
        while not stop.is_set():
            conn.flushdb()
            flushes.append(1)
            time.sleep(0.005)

    flusher_thread = threading.Thread(target=flush_repeatedly)
    flusher_thread.start()
    try:
        results = race(300, hold_one(ticket_type, buyers))
    finally:
        stop.set()
        flusher_thread.join()
    assert len(flushes) > 3
    holds = [r for r in results if isinstance(r, Hold)]
    assert all(isinstance(r, Hold | services.SoldOut) for r in results)
    ticket_type.refresh_from_db()
    assert ticket_type.held + ticket_type.sold <= ticket_type.capacity
    assert len(holds) == ticket_type.held == 50  # and nothing left unsold
    # Afterwards the counter is rebuilt from the database.
    services.reconcile_gate()
    assert counter(ticket_type.pk) == 0


def test_redis_stopped_mid_race_holds_stay_correct_through_the_database(
    settings, free_port, redis_server_binary, tmp_path
):
    server = subprocess.Popen(
        [
            redis_server_binary,
            "--port",
            str(free_port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{free_port}/0"
        for _ in range(50):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        settings.REDIS_URL = url
        gate.reset()
        ticket_type = TicketTypeFactory(capacity=60)
        buyers = make_buyers(200)
        done = []
        work = hold_one(ticket_type, buyers)

        def counted(i):
            try:
                return work(i)
            finally:
                done.append(i)

        def killer():
            while len(done) < 40:
                time.sleep(0.002)
            server.kill()

        killer_thread = threading.Thread(target=killer)
        killer_thread.start()
        results = race(200, counted)
        killer_thread.join()
        assert server.poll() is not None, "redis-server was stopped during the race"
        assert_exactly(results, ticket_type, 60)
        # With Redis gone, new holds and releases still work through the database.
        hold = next(r for r in results if isinstance(r, Hold))
        assert services.release_hold(hold=hold) is True
        extra = services.hold_tickets(
            buyer=make_buyers(1, "after")[0],
            event=ticket_type.event,
            quantities={ticket_type.pk: 1},
        )
        assert extra.status == "active"
        ticket_type.refresh_from_db()
        assert ticket_type.held == 60
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
        gate.reset()


def test_release_expiry_and_sale_racing_return_stock_exactly_once():
    ticket_type = TicketTypeFactory(capacity=40)
    event = ticket_type.event
    buyers = make_buyers(40)
    holds = [
        services.hold_tickets(buyer=b, event=event, quantities={ticket_type.pk: 1}) for b in buyers
    ]
    assert counter(ticket_type.pk) == 0
    Hold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    freed = []

    def listener(sender, ticket_type_ids, **kwargs):
        freed.append(tuple(ticket_type_ids))

    stock_freed.connect(listener)
    try:

        def work(i):
            hold = holds[i // 3]
            kind = i % 3
            if kind == 0:
                return ("release", services.release_hold(hold=hold))
            if kind == 1:
                return ("expire", services.expire_lapsed_holds())
            return ("sell", services.sell_hold(hold=hold) if i % 2 else False)

        results = race(120, work)
    finally:
        stock_freed.disconnect(listener)
    assert not [r for r in results if isinstance(r, Exception)]
    ticket_type.refresh_from_db()
    sold = Hold.objects.filter(status="sold").count()
    returned = Hold.objects.filter(status__in=["released", "expired"]).count()
    assert sold + returned == 40
    assert ticket_type.held == 0
    assert ticket_type.sold == sold
    assert len(freed) == returned  # one signal per hold given back
    # Redis got every returned ticket back exactly once.
    assert counter(ticket_type.pk) == 40 - sold


def test_stock_freed_and_bump_event_fire_when_availability_crosses_zero(monkeypatch):
    import sys
    import types

    bumped = []
    fake = types.ModuleType("events.cache")
    fake.bump_event = lambda event_id, **how: bumped.append(event_id)
    monkeypatch.setitem(sys.modules, "events.cache", fake)
    ticket_type = TicketTypeFactory(capacity=2)
    event = ticket_type.event
    a, b = make_buyers(2)
    services.hold_tickets(buyer=a, event=event, quantities={ticket_type.pk: 1})
    assert bumped == []
    hold = services.hold_tickets(buyer=b, event=event, quantities={ticket_type.pk: 1})
    assert bumped == [event.pk]  # sold out
    freed = []
    stock_freed.connect(
        lambda sender, ticket_type_ids, **kw: freed.append(ticket_type_ids),
        weak=False,
        dispatch_uid="t",
    )
    try:
        services.release_hold(hold=hold)
    finally:
        stock_freed.disconnect(dispatch_uid="t")
    assert bumped == [event.pk, event.pk]  # back on sale
    assert freed == [[ticket_type.pk]]
    services.sell_hold(hold=Hold.objects.get(buyer=a))
    services.return_sold(ticket_type_id=ticket_type.pk, quantity=1)
    ticket_type.refresh_from_db()
    assert (ticket_type.held, ticket_type.sold) == (0, 0)
    assert counter(ticket_type.pk) == 2


def test_reconcile_command_reports_and_fixes_drift():
    from io import StringIO

    from django.core.management import call_command

    ticket_type = TicketTypeFactory(capacity=10)
    buyer = make_buyers(1)[0]
    services.hold_tickets(buyer=buyer, event=ticket_type.event, quantities={ticket_type.pk: 3})
    assert counter(ticket_type.pk) == 7
    gate.client().hset(gate.counter_key(ticket_type.pk), "left", 2)  # a lost give-back, say
    out = StringIO()
    call_command("reconcile_holds", "--dry-run", stdout=out)
    assert f"ticket type {ticket_type.pk}" in out.getvalue() and "drift -5" in out.getvalue()
    assert counter(ticket_type.pk) == 2
    out = StringIO()
    call_command("reconcile_holds", stdout=out)
    assert "fixed" in out.getvalue()
    assert counter(ticket_type.pk) == 7
    # A flushed counter is rebuilt on the next hold from the database.
    gate.client().flushdb()
    services.hold_tickets(
        buyer=make_buyers(1, "late")[0], event=ticket_type.event, quantities={ticket_type.pk: 1}
    )
    assert counter(ticket_type.pk) == 6


def test_lapsed_holds_are_released_lazily_when_stock_is_asked_for(settings):
    ticket_type = TicketTypeFactory(capacity=2)
    event = ticket_type.event
    a, b = make_buyers(2)
    old = services.hold_tickets(buyer=a, event=event, quantities={ticket_type.pk: 2})
    Hold.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    hold = services.hold_tickets(buyer=b, event=event, quantities={ticket_type.pk: 2})
    old.refresh_from_db()
    assert old.status == "expired" and hold.status == "active"
    ticket_type.refresh_from_db()
    assert ticket_type.held == 2
    assert counter(ticket_type.pk) == 0
