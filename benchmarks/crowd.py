"""The on-sale crowd of issue 20: signed-in buyers arrive within a few seconds for 1,000
tickets (500 general admission in two types, 500 seats); with the waiting room on each joins,
polls, is let in, holds, checks out and pays through the Paystack sandbox (a separate
server process) and its signed webhook; a fifth abandon their hold and it is sold again.
The same crowd then comes with the waiting room off. Used by benchmarks/onsale.py.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The queue page says when to ask again (htmx's polling interval; the meta refresh agrees).
POLL_EVERY_RE = re.compile(rb'hx-trigger="every (\d+)s"')
TAKEN_SEAT_RE = re.compile(rb'class="s b\d x" data-id="(\d+)"')
FREE_SEAT_RE = re.compile(rb'class="s b\d" data-id="(\d+)"')
SOLD_OUT_BADGE = b'id="avail-%d" class="badge badge-danger"'


@dataclass
class CrowdBuyer:
    n: int
    session: str
    arrives: float  # seconds after the start
    kind: str  # "ga" or "seats"
    quantity: int
    ticket_type: int
    abandons: bool
    csrf: str = ""
    joined_at: float | None = None  # when the first queue request was sent
    admitted_at: float | None = None  # when the poll that found the turn was sent
    queued_at: float | None = None  # when the last request answered "still queued" was sent
    last_interval: float = 0.0  # the poll interval the server last suggested (with jitter)
    done: bool = False
    bought: bool = False


@dataclass
class CrowdStats:
    join: list = field(default_factory=list)  # latencies, seconds
    poll: list = field(default_factory=list)
    hold: list = field(default_factory=list)
    checkout: list = field(default_factory=list)
    errors_5xx: int = 0
    client_timeouts: int = 0  # no answer within the client's timeout (not the server's fault)
    connection_errors: int = 0  # refused or dropped connections
    queue_requests: int = 0
    queue_seconds: float = 0.0
    paid: int = 0
    abandoned: int = 0
    sold_out_told: int = 0
    opened_at: float = 0.0
    sold_out_at: float | None = None
    # Every few seconds of the sale: (seconds after the opening, let in so far, held, sold).
    timeline: list = field(default_factory=list)
    # (seconds after the opening, what, seconds it took) of every hold and checkout.
    purchases: list = field(default_factory=list)


async def run_crowd(base, sandbox, plan, buyers, args, *, waiting_room: bool) -> CrowdStats:
    """Every buyer of `buyers` (CrowdBuyer) goes through the sale; returns the figures."""
    import aiohttp

    stats = CrowdStats()
    slug = plan["slug"]
    queue_path, hold_path = f"/events/{slug}/queue", f"/events/{slug}/hold"
    seats_path = f"/events/{slug}/hold-seats"
    state = {"sold_out": False, "stop": False}
    # Enough connections for every request in flight: a request never waits in the client
    # for a free connection (that wait used to be counted as the server's latency).
    connector = aiohttp.TCPConnector(limit=args.crowd_connections)
    # A browser waits minutes for an answer (Chrome: 300 s) before it gives up.
    timeout = aiohttp.ClientTimeout(total=args.client_timeout)
    started = time.perf_counter()
    stats.opened_at = started + plan["opens_in"]

    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:

        async def request(method, url, buyer, data=None, htmx=False, latencies=None, step=""):
            cookies = f"sessionid={buyer.session}; csrftoken={buyer.csrf}"
            for name, value in buyer.__dict__.get("extra_cookies", {}).items():
                cookies += f"; {name}={value}"
            headers = {"Cookie": cookies}
            if htmx:
                headers["HX-Request"] = "true"
            if method == "POST":
                headers["X-CSRFToken"] = buyer.csrf
                headers["Referer"] = url
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            t0 = time.perf_counter()
            try:
                async with http.request(
                    method, url, data=data, headers=headers, allow_redirects=False
                ) as response:
                    body = await response.read()
            except TimeoutError:
                stats.client_timeouts += 1
                return 0, {}, b""
            except aiohttp.ClientError:
                stats.connection_errors += 1
                return 0, {}, b""
            if latencies is not None:
                latencies.append(time.perf_counter() - t0)
                if step:
                    stats.purchases.append((t0 - stats.opened_at, step, latencies[-1]))
            if response.status >= 500:
                stats.errors_5xx += 1
            for name, morsel in response.cookies.items():
                if name == "csrftoken":
                    buyer.csrf = morsel.value
                elif morsel.value:
                    buyer.__dict__.setdefault("extra_cookies", {})[name] = morsel.value
            return response.status, response.headers, body

        def target(headers):
            return headers.get("HX-Redirect") or headers.get("Location") or ""

        async def wait_in_queue(buyer):
            sent = time.perf_counter()
            buyer.joined_at = sent - started
            status, headers, body = await request(
                "GET", base + queue_path, buyer, latencies=stats.join
            )
            stats.queue_requests += 1
            queued = sent
            while status == 200 and not target(headers):
                if state["stop"]:
                    return False
                if b"Sold out" in body:
                    stats.sold_out_told += 1
                    return False
                # As a browser does: when the page says, give or take a fifth (no two
                # buyers' clocks agree, so polls spread out).
                every = POLL_EVERY_RE.search(body)
                interval = float(every.group(1)) if every else args.poll_seconds
                buyer.last_interval = interval * plan["rng"].uniform(0.8, 1.2)
                queued = sent
                await asyncio.sleep(buyer.last_interval)
                sent = time.perf_counter()
                status, headers, body = await request(
                    "GET", base + queue_path, buyer, htmx=True, latencies=stats.poll
                )
                stats.queue_requests += 1
            if hold_path not in target(headers):
                return False  # no answer (a client timeout) or not let in
            # When the poll that found the turn was sent: the order the server let buyers in,
            # not the order its answers came back in.
            buyer.admitted_at, buyer.queued_at = sent - started, queued - started
            return True

        async def pay(buyer, checkout_url):
            t0 = time.perf_counter()
            status, _h, body = await request("GET", base + checkout_url, buyer)
            token = TOKEN_RE.search(body)
            if status != 200 or token is None:
                return False
            buyer.csrf = token.group(1).decode()
            form = {
                "csrfmiddlewaretoken": buyer.csrf,
                "full_name": f"Bench Buyer {buyer.n}",
                "email": f"bench-buyer-{buyer.n}@example.ng",
                "phone": f"+23480{buyer.n:08d}",
            }
            form.update({f"attendee_{i}": f"Guest {i}" for i in range(buyer.quantity)})
            status, headers, _b = await request("POST", base + checkout_url, buyer, data=form)
            stats.checkout.append(time.perf_counter() - t0)
            stats.purchases.append((t0 - stats.opened_at, "checkout", stats.checkout[-1]))
            paystack = target(headers)
            if status != 302 or not paystack.startswith(sandbox):
                return False
            status, _h, body = await request("GET", paystack, buyer)
            token = TOKEN_RE.search(body)
            if token is None:
                return False
            buyer.csrf = token.group(1).decode()
            form = {"csrfmiddlewaretoken": buyer.csrf, "choice": "pay"}
            status, headers, _b = await request("POST", paystack, buyer, data=form)
            callback = target(headers)
            if callback:
                await request("GET", callback, buyer)
            return status == 302

        async def choose_and_hold(buyer):
            for _attempt in range(8):
                if state["sold_out"] or state["stop"]:
                    return
                status, _h, body = await request("GET", base + hold_path, buyer)
                token = TOKEN_RE.search(body)
                if status != 200 or token is None:
                    return
                buyer.csrf = token.group(1).decode()
                if buyer.kind == "ga":
                    path, data = hold_path, {f"qty_{buyer.ticket_type}": buyer.quantity}
                else:
                    free = FREE_SEAT_RE.findall(body)
                    if not free:
                        buyer.kind = "ga"
                        continue
                    start = plan["rng"].randrange(max(len(free) - buyer.quantity, 0) + 1)
                    picked = free[start : start + buyer.quantity]
                    path, data = seats_path, [("seat", s.decode()) for s in picked]
                status, headers, body = await request(
                    "POST",
                    base + path,
                    buyer,
                    data=data,
                    htmx=True,
                    latencies=stats.hold,
                    step="hold",
                )
                checkout_url = target(headers)
                if checkout_url.startswith("/checkout"):
                    if buyer.abandons:
                        stats.abandoned += 1
                        return
                    if await pay(buyer, checkout_url):
                        buyer.bought = True
                        stats.paid += 1
                    return
                if status in (409, 410):
                    # Like a person reading the badges: the other standing type while it has
                    # tickets, else one ticket, else a seat.
                    others = [t for t in plan["ga"] if t != buyer.ticket_type]
                    open_types = [t for t in others if SOLD_OUT_BADGE % t not in body]
                    if buyer.kind == "ga" and open_types:
                        buyer.ticket_type = open_types[0]
                    elif buyer.kind == "ga" and b"Sold out" in body and buyer.quantity > 1:
                        buyer.quantity = 1
                    elif buyer.kind == "ga":
                        buyer.kind = "seats"
                    continue
                return

        async def serve(buyer):
            await asyncio.sleep(max(buyer.arrives - (time.perf_counter() - started), 0))
            if waiting_room and not await wait_in_queue(buyer):
                return
            await choose_and_hold(buyer)

        limit = time_limit(args)

        async def watch_stock():
            loop = asyncio.get_running_loop()
            sampled = 0.0
            while True:
                cap, sold, held = await loop.run_in_executor(None, plan["stock"])
                now = time.perf_counter()
                if now - sampled >= args.timeline_seconds:
                    sampled = now
                    let_in = sum(1 for b in buyers if b.admitted_at is not None)
                    stats.timeline.append((now - stats.opened_at, let_in, held, sold))
                if sold >= cap:
                    state["sold_out"] = True
                    stats.sold_out_at = time.perf_counter()
                    return
                if time.perf_counter() - started > limit:
                    state["stop"] = True  # the bound: buyers still waiting give up
                    return
                await asyncio.sleep(0.2)

        watcher = asyncio.create_task(watch_stock())
        await asyncio.gather(*(serve(b) for b in buyers))
        stats.queue_seconds = time.perf_counter() - started
        watcher.cancel()
    return stats


def in_arrival_order(buyers, opened_after: float) -> float:
    """Of the buyers who arrived after the opening and were let in: the share of neighbours
    (by arrival) let in no later than the next one, as far as the client can tell. A buyer
    was let in after the server answered its last "still queued" (sent at `queued_at`) and
    before it answered the poll that found the turn (sent at `admitted_at`): the server
    answers in the order requests reach it, so a buyer certainly came in after the next one
    only when its last "still queued" was sent after the next one's turn was found. (This
    used to allow one poll interval instead: a server slow to answer that previous poll,
    seconds in a backlog, counted as a buyer let in out of order.)"""
    late = sorted(
        (b for b in buyers if b.arrives >= opened_after and b.admitted_at is not None),
        key=lambda b: b.arrives,
    )
    if len(late) < 2:
        return 1.0
    ok = sum(1 for a, b in zip(late, late[1:], strict=False) if a.queued_at <= b.admitted_at)
    return ok / (len(late) - 1)


def in_arrival_order_by_interval(buyers, opened_after: float) -> float:
    """The former measure, for comparison: neighbours let in no later than the next one
    within the longer of their last poll intervals (a slow answer counts as out of order)."""
    late = sorted(
        (b for b in buyers if b.arrives >= opened_after and b.admitted_at is not None),
        key=lambda b: b.arrives,
    )
    if len(late) < 2:
        return 1.0
    ok = sum(
        1
        for a, b in zip(late, late[1:], strict=False)
        if a.admitted_at <= b.admitted_at + max(a.last_interval, b.last_interval)
    )
    return ok / (len(late) - 1)


TICKETS = 1000  # the crowd's sale: 500 GA in two types and 500 seats
MEAN_QUANTITY = 1.5  # each buyer asks for 1 or 2


def ideal_seconds(args) -> float:
    """The sale's ideal length at the admission rate: the buyers 1,000 tickets need (1.5 a
    buyer, and a quarter more, for the fifth who abandon) let in at `--admissions-per-minute`
    (the waiting room's rate while tickets are left)."""
    return TICKETS * 1.25 / MEAN_QUANTITY / (args.admissions_per_minute / 60)


def time_limit(args) -> float:
    """The bound of one crowd: `--time-limit`, or long enough to judge "sold out within 1.5x
    the ideal": twice the ideal, plus the arrivals and two hold times (abandoned holds lapse
    before their tickets are let in again)."""
    if args.time_limit:
        return args.time_limit
    return 2 * ideal_seconds(args) + args.arrival_seconds + 2 * args.hold_seconds


def _prepare(plan, *, waiting_room: bool, per_minute: int, opens_in: float):
    """The crowd's sale: 500 general admission (two types) and 500 seats; the waiting room
    on or off; sales open `opens_in` seconds from now."""
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Seat, TicketType
    from tickets.models import WaitingRoom

    event = plan["event"]
    rows = sorted({r for r in Seat.objects.filter(event=event).values_list("row_label", flat=True)})
    Seat.objects.filter(event=event, row_label__in=rows[10:]).delete()
    for tt in TicketType.objects.filter(event=event):
        seats = Seat.objects.filter(ticket_type=tt).count()
        if seats:
            TicketType.objects.filter(pk=tt.pk).update(capacity=seats)
    plan["seat_grid"] = plan["seat_grid"][:10]
    TicketType.objects.filter(event=event).update(
        sales_start=timezone.now() + timedelta(seconds=opens_in)
    )
    WaitingRoom.objects.create(event=event, enabled=waiting_room, admissions_per_minute=per_minute)
    plan["opens_in"] = opens_in


def _buyers(plan, rng, arrival_seconds: float) -> list:
    ga = plan["ga"]
    return [
        CrowdBuyer(
            n=i,
            session=session,
            arrives=rng.random() * arrival_seconds,
            kind="seats" if rng.random() < 0.5 else "ga",
            quantity=rng.randint(1, 2),
            ticket_type=ga[0] if rng.random() < 0.8 else ga[1],
            abandons=rng.random() < 0.2,
        )
        for i, session in enumerate(plan["sessions"])
    ]


def main_crowd(args, env, port, base) -> int:
    import os
    import random
    import threading

    from benchmarks import onsale

    sandbox_port = onsale.free_port()
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    env = dict(env)
    env.update(
        {
            "SITE_URL": base,
            "PAYSTACK_SANDBOX": "true",
            "PAYSTACK_BASE_URL": f"{sandbox}/sandbox/paystack",
            # Fulfilment is queued for a worker (none runs: PDFs and email are not measured).
            "CELERY_BROKER_URL": args.redis_url,
            "WAITING_ROOM_POLL_SECONDS": str(int(args.poll_seconds)),
            "WAITING_ROOM_ADMISSIONS_PER_MINUTE": str(args.admissions_per_minute),
            "WAITING_ROOM_PASS_SECONDS": "600",
        }
    )
    os.environ.update(env)
    rng = random.Random(args.seed)
    print(
        f"getiickets on-sale crowd: gunicorn {args.workers} sync workers on {base}, the "
        f"Paystack sandbox as its own server on {sandbox}; {args.buyers:,} signed-in buyers "
        f"arrive within {args.arrival_seconds:.0f} s for 1,000 tickets (500 GA in two types, "
        f"500 seats); hold time {args.hold_seconds} s; admissions up to "
        f"{args.admissions_per_minute:,}/min; queue polled every {args.poll_seconds:.0f} s; "
        f"ideal sale {ideal_seconds(args):.0f} s, each crowd bounded at {time_limit(args):.0f} s",
        flush=True,
    )
    server = onsale.start_server(env, port, args.workers)
    paystack = onsale.start_server(env, sandbox_port, 2)
    crowds = [c == "on" for c in args.crowds.split(",")]
    watchdog = threading.Timer(len(crowds) * (time_limit(args) + 300), lambda: os._exit(3))
    watchdog.daemon = True
    watchdog.start()
    results, ceilings, queue_rounds = [], [], []
    # The bare page and the queue alternate with the crowds: `--rounds` in all.
    rounds_per_crowd = max(1, args.rounds // max(crowds.count(True), 1))
    try:
        asyncio.run(onsale.run_ceiling(base, args.connections, 1000))  # warm-up
        for room in crowds:
            plan = onsale.seed(1 if room else 2, args.buyers)
            if room:
                # The queue's join and poll against the bare page, alternating rounds: as
                # fast as the server answers (the ceiling's generator), signed in as the
                # crowd, in a room of its own where nobody is let in yet.
                quiet = f"/events/{_quiet_room(plan)}/queue"
                for _round in range(rounds_per_crowd):
                    ceilings.append(
                        asyncio.run(
                            onsale.run_ceiling(base, args.connections, args.ceiling_requests)
                        )
                    )
                    queue_rounds.append(
                        asyncio.run(
                            onsale.run_ceiling(
                                base,
                                args.connections,
                                args.ceiling_requests,
                                plan["sessions"],
                                path=quiet,
                                htmx=True,
                            )
                        )
                    )
            plan["rng"] = rng
            plan["stock"] = lambda event_id=plan["event"].pk: onsale.stock(event_id)
            per_minute, opens_in = args.admissions_per_minute, args.opens_in
            _prepare(plan, waiting_room=room, per_minute=per_minute, opens_in=opens_in)
            buyers = _buyers(plan, rng, args.arrival_seconds)
            stats = asyncio.run(run_crowd(base, sandbox, plan, buyers, args, waiting_room=room))
            from events.models import TicketType

            sold_out = all(
                t.sold >= t.capacity for t in TicketType.objects.filter(event=plan["event"])
            )
            checks = onsale.audit(plan, demand_remained=not sold_out)
            results.append((room, stats, checks, buyers, plan))
    finally:
        onsale.stop_server(server)
        onsale.stop_server(paystack)
    _report(args, ceilings, queue_rounds, results)
    return 0


def _quiet_room(plan) -> str:
    """Another event of the same organizer with 1,000 tickets and a waiting room that lets
    one buyer in a minute; returns its slug."""
    from events.models import Event, TicketType
    from tickets.models import WaitingRoom

    event = plan["event"]
    quiet = Event.objects.create(
        organizer=event.organizer,
        title=event.title + " (queue)",
        slug=event.slug + "-queue",
        description="Benchmark",
        category=event.category,
        venue=event.venue,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        status=Event.Status.PUBLISHED,
    )
    TicketType.objects.create(event=quiet, name="Regular", price_kobo=1_000_000, capacity=1000)
    WaitingRoom.objects.create(event=quiet, enabled=True, admissions_per_minute=1)
    return quiet.slug


def _dump(name, stats, buyers, opens_in) -> None:
    """Every buyer's times (seconds after the start) and every purchase step (after the
    opening, `opens_in` seconds after the start), for a closer look (artifacts/)."""
    import json

    from benchmarks.onsale import ROOT

    fields = ("n", "arrives", "joined_at", "queued_at", "admitted_at", "last_interval", "bought")
    data = {
        "opens_in": opens_in,
        "buyers": [{f: getattr(b, f) for f in fields} for b in buyers],
        "purchases": stats.purchases,
        "timeline": stats.timeline,
    }
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / name).write_text(json.dumps(data))


def _report(args, ceilings, queue_rounds, results) -> None:
    import statistics

    from benchmarks.onsale import percentile

    def ms(x):
        return f"{x * 1000:.0f} ms"

    def rate(stats):
        return stats.requests / (stats.ended - stats.started)

    print(f"\n== the bare page and the queue, {len(ceilings)} alternating rounds ==")
    for n, (ceiling, polls) in enumerate(zip(ceilings, queue_rounds, strict=True), 1):
        print(
            f"round {n}: bare page {rate(ceiling):,.0f} req/s p99 "
            f"{ms(percentile(ceiling.latencies, 99))}; queue join + poll {rate(polls):,.0f} "
            f"req/s p99 {ms(percentile(polls.latencies, 99))}; 5xx {polls.errors_5xx}, "
            f"client errors {polls.transport_errors}"
        )
    c_rps = statistics.median(rate(c) for c in ceilings)
    c_p99 = statistics.median(percentile(c.latencies, 99) for c in ceilings)
    p_rps = statistics.median(rate(p) for p in queue_rounds)
    p_p99 = statistics.median(percentile(p.latencies, 99) for p in queue_rounds)
    print(f"bare page (medians): {c_rps:,.0f} req/s, p99 {ms(c_p99)}")
    print(
        f"queue join + poll, saturated (medians): {p_rps:,.0f} req/s = {p_rps / c_rps:.2f}x the "
        f"bare page (target >= 0.5x); p99 {ms(p_p99)} = {p_p99 / c_p99:.2f}x (target <= 3x)"
    )
    medians = {}  # figure -> its value in each crowd with the room on
    for n, (room, stats, checks, buyers, plan) in enumerate(results, 1):
        title = "waiting room ON" if room else "waiting room OFF (same crowd)"
        print(f"\n== crowd {n}: {title} ==")
        if room:
            print(
                f"queue during the sale: joins p99 {ms(percentile(stats.join, 99))}, polls p99 "
                f"{ms(percentile(stats.poll, 99))} ({stats.queue_requests:,} requests over "
                f"{stats.queue_seconds:.0f} s)"
            )
            late = sum(1 for b in buyers if b.arrives >= plan["opens_in"] and b.admitted_at)
            order = in_arrival_order(buyers, plan["opens_in"])
            by_interval = in_arrival_order_by_interval(buyers, plan["opens_in"])
            medians.setdefault("admissions in arrival order", []).append(order)
            print(
                f"admissions in arrival order (the {late:,} let in of those arriving after the "
                f"opening): {order:.1%} (target >= 99%); within one poll interval (the former "
                f"measure): {by_interval:.1%}"
            )
        hold_p99, co_p99 = percentile(stats.hold, 99), percentile(stats.checkout, 99)
        if room:
            medians.setdefault("hold p99 / the bare page's", []).append(hold_p99 / c_p99)
            medians.setdefault("checkout p99 / the bare page's", []).append(co_p99 / c_p99)
        print(
            f"hold p99 {ms(hold_p99)} = {hold_p99 / c_p99:.2f}x the bare page's; checkout p99 "
            f"{ms(co_p99)} = {co_p99 / c_p99:.2f}x (targets <= 3x)"
        )
        admitted = [b for b in buyers if b.admitted_at is not None]
        if stats.sold_out_at:
            took = stats.sold_out_at - stats.opened_at
            line = f"sold out and paid {took:.1f} s after the opening"
            if room and admitted:
                per_minute = args.admissions_per_minute
                needed = sum(1 for b in admitted if b.admitted_at <= took + plan["opens_in"])
                ideal = needed / (per_minute / 60)
                medians.setdefault("sold out and paid / the ideal", []).append(took / ideal)
                medians.setdefault("sold out and paid / the stricter ideal", []).append(
                    took / ideal_seconds(args)
                )
                line += (
                    f"; ideal at the admission rate ({per_minute:,.0f}/min) for the {needed:,} "
                    f"let in by then: {ideal:.1f} s; ratio {took / ideal:.2f}x (target <= 1.5x); "
                    f"against the buyers the tickets need ({ideal_seconds(args):.0f} s, the "
                    f"stricter ideal): {took / ideal_seconds(args):.2f}x"
                )
            print(line)
        else:
            print("not sold out within the time limit")
        if room and stats.timeline:
            print(
                "timeline (s after the opening: let in / held / sold): "
                + ", ".join(f"{t:.0f}: {n}/{h}/{s}" for t, n, h, s in stats.timeline)
            )
        slowest = sorted(stats.purchases, key=lambda p: -p[2])[:8]
        print(
            "slowest holds and checkouts (s after the opening, what, took): "
            + ", ".join(f"{t:.0f} {what} {ms(took)}" for t, what, took in slowest)
        )
        _dump(f"crowd-{n}-{'on' if room else 'off'}.json", stats, buyers, plan["opens_in"])
        print(
            f"paid {stats.paid}, abandoned {stats.abandoned}, told sold out in the queue "
            f"{stats.sold_out_told}; 5xx {stats.errors_5xx}; client timeouts "
            f"{stats.client_timeouts}, connection errors {stats.connection_errors}; oversold "
            f"{checks['oversold']}, double-sold seats {checks['double_sold_seats']}, unsold "
            f"while demand remained {checks['unsold']}"
        )
    if crowds_on := len(medians.get("hold p99 / the bare page's", [])):
        print(f"\n== medians of the {crowds_on} crowds with the waiting room on ==")
        for figure, values in medians.items():
            value = statistics.median(values)
            shown = f"{value:.1%}" if figure.startswith("admissions") else f"{value:.2f}x"
            each = ", ".join(
                f"{v:.1%}" if figure.startswith("admissions") else f"{v:.2f}" for v in values
            )
            print(f"{figure}: {shown} ({each})")
