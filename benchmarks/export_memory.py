"""Peak memory of the attendee CSV export for 50,000 tickets, streamed vs. built in memory.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/export_memory.py [--rows 50000]

Creates one event with `rows` issued tickets inside a transaction that is rolled back at
the end (nothing stays in the database), requests /organizer/events/<id>/attendees.csv as
its organizer through Django's test client, consumes the streamed body chunk by chunk, and
reports tracemalloc's peak. For contrast it also builds the same CSV the naive way (all
rows in a list, one big string). A figure, not a test: it prints and exits 0.
"""

import argparse
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "getiickets.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

MB = 1024 * 1024


class Rollback(Exception):
    pass


def make_data(rows: int):
    from datetime import timedelta

    from accounts.models import User
    from events.models import Category, Event, Organizer, TicketType, Venue
    from orders.models import Order, OrderItem
    from tickets.models import Ticket

    stamp = timezone.now().strftime("%H%M%S%f")
    owner = User.objects.create_user(email=f"bench-{stamp}@example.ng", password="x")
    organizer = Organizer.objects.create(user=owner, name=f"Bench {stamp}", slug=f"bench-{stamp}")
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    venue = Venue.objects.create(
        name="Bench Arena", address="1 Bench Rd", city="Lagos", state="Lagos"
    )
    start = timezone.now() + timedelta(days=3)
    event = Event.objects.create(
        organizer=organizer,
        title="Benchmark Stadium Show",
        slug=f"bench-show-{stamp}",
        description="-",
        category=category,
        venue=venue,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        status="published",
    )
    tt = TicketType.objects.create(event=event, name="Regular", price_kobo=500_000, capacity=rows)
    buyer = User.objects.create_user(email=f"bench-buyer-{stamp}@example.ng", password="x")
    per_order = 5
    orders = Order.objects.bulk_create(
        [
            Order(
                reference=f"B{stamp[-6:]}{i:07d}",
                buyer=buyer,
                event=event,
                status="paid",
                email=f"guest{i}@example.ng",
                full_name=f"Guest Number {i}",
                phone="+2348030000000",
                subtotal_kobo=per_order * 500_000,
                total_kobo=per_order * 500_000,
                paid_at=timezone.now(),
            )
            for i in range(rows // per_order)
        ],
        batch_size=5000,
    )
    items = OrderItem.objects.bulk_create(
        [
            OrderItem(order=o, ticket_type=tt, unit_price_kobo=500_000, paid_kobo=500_000)
            for o in orders
            for _ in range(per_order)
        ],
        batch_size=5000,
    )
    Ticket.objects.bulk_create(
        [
            Ticket(
                order_id=item.order_id,
                order_item=item,
                event=event,
                ticket_type=tt,
                holder=buyer,
                attendee_name=f"Attendee {n} =not-a-formula",
                secret=f"{stamp}-{n:08d}-secret",
            )
            for n, item in enumerate(items)
        ],
        batch_size=5000,
    )
    return organizer, event


def streamed(organizer, event):
    client = Client()
    client.force_login(organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    tracemalloc.start()
    tracemalloc.reset_peak()
    began = time.perf_counter()
    response = client.get(f"/organizer/events/{event.pk}/attendees.csv")
    assert response.status_code == 200 and response.streaming, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, lines, peak, elapsed


def naive(event):
    import csv

    from organizer import services

    tracemalloc.start()
    tracemalloc.reset_peak()
    began = time.perf_counter()
    rows = list(services.attendee_export_rows(event=event))
    buffer = io.StringIO()
    csv.writer(buffer).writerows([services.ATTENDEE_HEADER, *rows])
    body = buffer.getvalue().encode()
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(body), peak, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    from django.conf import settings

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            organizer, event = make_data(args.rows)
            print(f"created {args.rows:,} tickets in {time.perf_counter() - t0:.1f}s")
            size, lines, peak, elapsed = streamed(organizer, event)
            print(
                f"streamed export : {lines - 1:,} rows, {size / MB:.1f} MB of CSV, "
                f"peak Python memory {peak / MB:.1f} MB, {elapsed:.1f}s"
            )
            n_size, n_peak, n_elapsed = naive(event)
            print(
                f"naive (in memory): {n_size / MB:.1f} MB of CSV, "
                f"peak Python memory {n_peak / MB:.1f} MB, {n_elapsed:.1f}s"
            )
            print(
                f"streaming peak is {peak / n_peak:.1%} of the naive peak "
                f"({peak / max(size, 1):.2f} bytes of memory per byte of CSV)"
            )
            raise Rollback
    except Rollback:
        print("rolled back: no benchmark rows left in the database")


if __name__ == "__main__":
    main()
