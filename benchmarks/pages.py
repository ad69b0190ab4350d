"""Pages as data grows: each page against the bare page, measured in the same run.

    .venv/bin/python -m benchmarks.pages [--events 100000] [--big-orders 100000] [--project DIR]

gunicorn (4 sync workers) on PostgreSQL and Redis. Seeds a catalogue of `--events` events,
a 1,000-seat event, buyers with 20 and 200 tickets, organizers with 1,000 and
`--big-orders` orders. Warm: after one request, `--requests` requests over `--connections`
connections (aiohttp); req/s, p99 and the ratio to the bare page. Cold: the cache flushed
before each of 10 sequential requests (median latency). Also the catalogue's cache miss
with all events. `--project` measures another checkout (e.g. `git archive` of the code
before a change) with this same script.
"""

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/gt_bench_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- Seeding ------------------------------------------------------------------------------


def seed(events: int, big_orders: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from events import services as event_services
    from events.models import Category, Event, Organizer, TicketType, Venue
    from orders.models import Order, OrderItem
    from tickets.models import Ticket

    try:
        from orders import sales
    except ImportError:
        sales = None

    user_model = get_user_model()
    now = timezone.now()
    categories = [
        Category.objects.create(name=n, slug=n.lower()) for n in ("Concerts", "Comedy", "Tech")
    ]
    venues = [
        Venue.objects.create(name=f"Hall {c}", address="1 Road", city=c, state=c)
        for c in ("Lagos", "Abuja", "Ibadan", "Port Harcourt")
    ]

    def organizer(name):
        user = user_model.objects.create(
            email=f"{name}@bench.ng", full_name=name, phone="+2348031234567", password="!"
        )
        return user, Organizer.objects.create(user=user, name=name, slug=name)

    catalogue_user, catalogue_org = organizer("catalogue")
    rows = []
    for i in range(events):
        starts = now + timedelta(days=1 + i % 300, minutes=i)
        rows.append(
            Event(
                organizer=catalogue_org,
                title=f"Live Night {i}",
                slug=f"live-night-{i}",
                description="A night of live music.",
                category=categories[i % 3],
                venue=venues[i % 4],
                starts_at=starts,
                ends_at=starts + timedelta(hours=4),
                status=Event.Status.PUBLISHED,
                is_featured=i % 500 == 0,
            )
        )
    created = Event.objects.bulk_create(rows, batch_size=5000)
    TicketType.objects.bulk_create(
        [TicketType(event=e, name="Regular", price_kobo=500_000 + (e.pk % 7) * 100_000,
                    capacity=500) for e in created],
        batch_size=5000,
    )  # fmt: skip
    ga = created[0]

    seated = Event.objects.create(
        organizer=catalogue_org, title="Seated Gala", slug="seated-gala", description="Seats",
        category=categories[0], venue=venues[0], starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=3), status=Event.Status.PUBLISHED,
        seating=Event.Seating.RESERVED,
    )  # fmt: skip
    band = TicketType.objects.create(event=seated, name="Stalls", price_kobo=900_000, capacity=0)
    event_services.generate_section(
        event=seated, name="Stalls", rows=40, seats_per_row=25, ticket_type=band
    )

    def orders_for(event, ticket_type, buyer, count, *, status="paid"):
        made = Order.objects.bulk_create(
            [Order(reference=f"B{event.pk}U{buyer.pk}X{n:07d}", buyer=buyer, event=event,
                   status=status,
                   email=buyer.email, full_name=buyer.full_name or "Ada", subtotal_kobo=500_000,
                   discount_kobo=0, fee_kobo=0, total_kobo=500_000, paid_at=now)
             for n in range(count)],
            batch_size=5000,
        )  # fmt: skip
        items = OrderItem.objects.bulk_create(
            [
                OrderItem(
                    order=o, ticket_type=ticket_type, unit_price_kobo=500_000, paid_kobo=500_000
                )
                for o in made
            ],
            batch_size=5000,
        )
        return made, items

    def buyer_with(tickets: int):
        buyer = user_model.objects.create(
            email=f"buyer{tickets}@bench.ng",
            full_name="Ada Obi",
            phone="+2348031234567",
            password="!",
        )
        for n in range(tickets // 2):  # orders of 2 tickets across upcoming events
            event = created[(n * 37) % len(created)]
            tt = event.ticket_types.first()
            made, _ = orders_for(event, tt, buyer, 1)
            order = made[0]
            for _ in range(2):
                item = OrderItem.objects.create(
                    order=order, ticket_type=tt, unit_price_kobo=500_000, paid_kobo=500_000
                )
                Ticket.objects.create(order=order, order_item=item, event=event, ticket_type=tt,
                                      holder=buyer, secret=secrets.token_urlsafe(24),
                                      qr_payload="x")  # fmt: skip
        return buyer

    small_buyer, big_buyer = buyer_with(20), buyer_with(200)

    def organizer_with(count: int, name: str):
        user, org = organizer(name)
        event = Event.objects.create(
            organizer=org, title=f"{name} fest", slug=f"{name}-fest", description="x",
            category=categories[0], venue=venues[0], starts_at=now + timedelta(days=9),
            ends_at=now + timedelta(days=9, hours=5), status=Event.Status.PUBLISHED,
        )  # fmt: skip
        tt = TicketType.objects.create(
            event=event, name="Regular", price_kobo=500_000, capacity=count, sold=count
        )
        buyer = user_model.objects.create(email=f"fan-{name}@bench.ng", password="!")
        orders_for(event, tt, buyer, count)
        return user, event

    org_small, small_event = organizer_with(1000, "org-1k")
    org_big, big_event = organizer_with(big_orders, "org-big")
    # Bulk-inserted orders bypass the payment service: the sales rollup the organizer pages
    # read is recounted from them, as the backfill and nightly reconcile do (a checkout from
    # before the rollup, measured with --project, has none).
    if sales is not None:
        sales.reconcile()

    def session_of(user, role="buyer"):
        client = Client()
        client.force_login(user)
        session = client.session
        session["active_role"] = role
        session.save()
        return client.cookies["sessionid"].value

    return {
        "ga": ga.get_absolute_url(),
        "seated": seated.get_absolute_url(),
        "buyer20": session_of(small_buyer),
        "buyer200": session_of(big_buyer),
        "org1k": session_of(org_small, "organizer"),
        "orgbig": session_of(org_big, "organizer"),
        "analytics1k": f"/organizer/events/{small_event.pk}/analytics",
        "analyticsbig": f"/organizer/events/{big_event.pk}/analytics",
    }


# --- Measuring ----------------------------------------------------------------------------


async def load(base, path, *, session=None, total=400, connections=16):
    import aiohttp

    headers = {"Cookie": f"sessionid={session}"} if session else {}
    latencies, statuses = [], {}
    remaining = [total]
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=120),
    ) as http:  # fmt: skip

        async def one():
            t0 = time.perf_counter()
            async with http.get(base + path, headers=headers, allow_redirects=False) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
            latencies.append(time.perf_counter() - t0)

        for _ in range(connections):  # warm: every server worker has served the page
            await one()
        latencies.clear()
        statuses.clear()

        async def worker():
            while remaining[0] > 0:
                remaining[0] -= 1
                await one()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return {"rps": len(latencies) / elapsed, "p99": percentile(latencies, 99), "statuses": statuses}


def cold(base, path, flush, *, session=None, samples=10) -> float:
    import requests

    headers = {"Cookie": f"sessionid={session}"} if session else {}
    times = []
    for _ in range(samples):
        flush()
        t0 = time.perf_counter()
        requests.get(base + path, headers=headers, allow_redirects=False, timeout=120)
        times.append(time.perf_counter() - t0)
    return percentile(times, 50)


def queries(path, session=None) -> int:
    """Queries one request costs (in-process, the same settings and database)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if session:
        client.cookies["sessionid"] = session
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return len(ctx.captured_queries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--big-orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--project", default=str(HERE))
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    project = Path(args.project).resolve()
    workdir = Path(tempfile.mkdtemp(prefix="gt-bench-pages-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    import redis

    cache_db = redis.Redis.from_url(args.redis_url)
    cache_db.flushdb()
    ensure_database(args.database_url)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GT_", "CELERY_"))},
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": base,
        "PAYSTACK_SANDBOX": "true",
        "BENCHMARK_MODE": "true",  # the bare page in checkouts from before benchmarks.settings
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "ERROR",
        "DB_CONN_MAX_AGE": "600",
        # The site's settings plus the bare page (/bench/ceiling), never a production route.
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings"
        if (project / "benchmarks" / "settings.py").exists()
        else "getiickets.settings",
        "PYTHONPATH": str(project),
    }
    os.environ.update(env)
    sys.path.insert(0, str(project))
    os.chdir(project)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    print(
        f"seeding {args.events} events, {args.big_orders} orders ({project.name}) ...", flush=True
    )
    t0 = time.monotonic()
    s = seed(args.events, args.big_orders)
    from django.db import connection

    # A production database has planner statistics (autovacuum may be off on this server):
    # without them PostgreSQL plans the seeded tables as if they were empty.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded and analysed in {time.monotonic() - t0:.0f} s", flush=True)

    connection.close()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "getiickets.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
         "4", "--timeout", "120", "--log-level", "warning"],
        cwd=project, env=env, stdout=open(workdir / "server.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip

    def flush():  # the page cache only: sessions live in the database (cached_db)
        cache_db.flushdb()

    try:
        time.sleep(4)
        big = f"{args.big_orders:,}"
        pages = [
            ("bare page (ceiling)", "/bench/ceiling", None, False),
            ("/ signed out", "/", None, True),
            ("/ signed in", "/", s["buyer20"], True),
            ("/events?city=Lagos&sort=price", "/events?city=Lagos&sort=price", None, True),
            ("/events?city=Lagos (signed in)", "/events?city=Lagos", s["buyer20"], False),
            ("GA event page signed out", s["ga"], None, True),
            ("GA event page signed in", s["ga"], s["buyer20"], False),
            ("1,000-seat event page", s["seated"], None, True),
            ("/dashboard/tickets, 20 tickets", "/dashboard/tickets", s["buyer20"], False),
            ("/dashboard/tickets, 200 tickets", "/dashboard/tickets", s["buyer200"], False),
            ("organizer dashboard, 1,000 orders", "/organizer/dashboard", s["org1k"], False),
            (f"organizer dashboard, {big} orders", "/organizer/dashboard", s["orgbig"], True),
            ("analytics, 1,000 orders", s["analytics1k"], s["org1k"], False),
            (f"analytics, {big} orders", s["analyticsbig"], s["orgbig"], False),
        ]  # fmt: skip
        results = []
        ceiling = None
        for name, path, session, with_cold in pages:
            r = asyncio.run(load(base, path, session=session, total=args.requests,
                                 connections=args.connections))  # fmt: skip
            ceiling = ceiling or r["rps"]
            r["name"], r["ratio"] = name, r["rps"] / ceiling
            r["cold_ms"] = cold(base, path, flush, session=session) * 1000 if with_cold else None
            r["queries"] = queries(path, session)
            results.append(r)
            rate = f"{r['rps']:7.0f} req/s  {r['ratio']:5.2f}x  p99 {r['p99'] * 1000:6.0f} ms"
            print(
                f"{name:<40} {rate}"
                + (f"  cold {r['cold_ms']:6.0f} ms" if r["cold_ms"] is not None else " " * 16)
                + f"  {r['queries']:3d} queries  {r['statuses']}",
                flush=True,
            )
        miss = cold(base, "/events", flush, samples=5) * 1000
        print(f"catalogue cache miss with {args.events:,} events (median of 5): {miss:.0f} ms")
        (HERE / "artifacts").mkdir(exist_ok=True)
        label = args.label or project.name
        out = HERE / "artifacts" / f"bench-pages-{label}.json"
        out.write_text(json.dumps({"results": results, "catalogue_miss_ms": miss}, default=str))
        return 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(15)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
