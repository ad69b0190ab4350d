"""Fulfilment burst: N paid orders of 10 tickets as signed Paystack webhooks to a real server.

    .venv/bin/python -m benchmarks.fulfilment [--orders 1000] [--project DIR]

gunicorn serves the site on PostgreSQL and Redis; the Celery workers of docker-compose.yml,
started with its commands (queues, pools, niceness) but 2 processes in all, as issue 21
measures (`--worker-processes`: a thread-pool worker is one process), fulfil through the
Brevo and Twilio stand-ins (tests/standins) over HTTP. The orders are placed through the
services (hold, order, Paystack sandbox initialise) before the clock starts; then every
`charge.success` webhook is posted at once (16 connections). Printed: first confirmation
after its payment, payment → confirmation and payment → PDF percentiles, drain time, worker
CPU per order (every worker, parent + children, from /proc), exactly-once counts, worker
memory. `--project` runs the same measurement on another checkout (e.g. the code before a
change, exported with `git archive`).
"""

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/gt_bench_fulfilment"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- /proc: CPU and memory of the worker tree ---------------------------------------------


def _stat(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


def tree_cpu_seconds(pid: int) -> float:
    """The worker's CPU: its own, its reaped children's, and its live children's."""
    fields = _stat(pid)
    total = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    for child in children(pid):
        try:
            cf = _stat(child)
            total += int(cf[11]) + int(cf[12])
        except FileNotFoundError:
            pass
    return total / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- Processes ----------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start(cmd, *, cwd, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - lives with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_port(port: int, proc, what: str) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{what} exited") from None
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start")


# --- The run ------------------------------------------------------------------------------


def worker_commands(
    project: Path, bin_dir: Path, processes: int | None
) -> list[tuple[str, list[str]]]:
    """The Celery workers of the checkout's docker-compose.yml, as production starts them
    (queues, niceness), with this virtualenv's celery and warnings only. `processes`: the
    issue's budget of worker processes in all, shared out between the workers (compose's own
    concurrency when None)."""
    import yaml

    services = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
    found = []
    for name, service in services.items():
        command = shlex.split(service.get("command") or "")
        if "celery" not in command or "worker" not in command:
            continue
        at = command.index("celery")
        command[at] = str(bin_dir / "celery")
        command += ["--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
        found.append((name, command))
    if processes is not None:
        # A thread-pool worker is one process whatever its threads; prefork workers share
        # the rest of the budget.
        forked = [c for _, c in found if not _threaded(c)]
        processes -= len(found) - len(forked)
        if processes < len(forked):
            raise SystemExit("--worker-processes: fewer than compose's workers")
        for i, command in enumerate(forked):
            if "--concurrency" in command:
                at = command.index("--concurrency")
                del command[at : at + 2]
            share = processes // len(forked) + (1 if i < processes % len(forked) else 0)
            command += ["--concurrency", str(share)]
    return found


def _threaded(command: list[str]) -> bool:
    for flag in ("--pool", "-P"):
        if flag in command and command[command.index(flag) + 1] == "threads":
            return True
    return "--pool=threads" in command


def seed(orders: int):
    """N pending orders of 10 tickets, each with a Paystack (sandbox) transaction."""
    from django.contrib.auth import get_user_model

    from events.models import Category, Event, Organizer, TicketType, Venue
    from orders.services import BuyerDetails, place_order
    from payments import services as payments

    try:  # where the hold service lives differs between checkouts
        from tickets.inventory import holds as tickets
    except ImportError:
        from tickets import services as tickets

    user_model = get_user_model()
    owner = user_model.objects.create(email="organizer@bench.ng", password="!")
    organizer = Organizer.objects.create(user=owner, name="Bench Live", slug="bench-live")
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        organizer=organizer,
        title="Fulfilment Burst Live",
        slug="fulfilment-burst-live",
        description="Benchmark",
        category=Category.objects.create(name="Concerts", slug="concerts"),
        venue=Venue.objects.create(
            name="Eko Hall", address="1 Bench Rd", city="Lagos", state="Lagos"
        ),
        starts_at=starts,
        ends_at=starts + timedelta(hours=5),
        status=Event.Status.PUBLISHED,
    )
    ticket_type = TicketType.objects.create(
        event=event, name="Regular", price_kobo=500_000, capacity=orders * 10
    )
    buyers = user_model.objects.bulk_create(
        [
            user_model(
                email=f"buyer{i}@bench.ng",
                full_name=f"Buyer {i}",
                phone=f"+23480{31000000 + i}",
                password="!",
            )
            for i in range(orders)
        ]
    )
    placed = []
    for buyer in buyers:
        hold = tickets.hold_tickets(buyer=buyer, event=event, quantities={ticket_type.pk: 10})
        details = BuyerDetails(full_name=buyer.full_name, email=buyer.email, phone=str(buyer.phone))
        order = place_order(buyer=buyer, hold=hold, details=details, promo_code="")
        payments.start_payment(order=order)
        placed.append(order)
    return placed


def webhook_bodies(orders) -> dict[str, bytes]:
    from payments.models import SandboxTransaction
    from payments.sandbox.views import charge_success_body

    bodies = {}
    for order in orders:
        tx = SandboxTransaction.objects.get(reference=order.reference)
        tx.status = "success"
        tx.save()
        bodies[order.reference] = charge_success_body(tx)
    return bodies


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--project", default=str(HERE), help="checkout to measure")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--timeout", type=int, default=1200, help="seconds to wait for delivery")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--worker-processes",
        type=int,
        default=2,
        help="worker processes in all (issue 21: 2), shared out between compose's workers; "
        "0: compose's own concurrency",
    )
    args = parser.parse_args(argv)
    project = Path(args.project).resolve()
    workdir = Path(tempfile.mkdtemp(prefix="gt-bench-fulfilment-"))
    port = free_port()
    site = f"http://127.0.0.1:{port}"

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    ensure_database(args.database_url)
    sys.path.insert(0, str(project))
    from tests.standins.brevo import BrevoStandin
    from tests.standins.twilio import TwilioStandin

    brevo, twilio = BrevoStandin(), TwilioStandin()
    brevo.__enter__()
    twilio.__enter__()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GT_"))},
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": site,
        "PAYSTACK_SANDBOX": "true",
        "PAYSTACK_BASE_URL": f"{site}/sandbox/paystack",
        "PAYSTACK_SECRET_KEY": "sk_test_benchmark_fulfilment",
        "BREVO_API_KEY": brevo.api_key,
        "BREVO_API_URL": brevo.api_url,
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_FROM_NUMBER": twilio.from_number,
        "TWILIO_API_BASE_URL": twilio.url,
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "HOLD_SECONDS": "3600",
        "HOLD_RATE_LIMIT": "1000000/m",
        "HOLD_RATE_LIMIT_PER_IP": "1000000/m",
        "MAX_TICKETS_PER_ACCOUNT_PER_EVENT": "10",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "getiickets.settings",
        "PYTHONPATH": str(project),
    }
    os.environ.update(env)
    os.chdir(project)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    bin_dir = Path(sys.executable).parent
    server = start(
        [str(bin_dir / "gunicorn"), "getiickets.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--timeout", "120", "--log-level", "warning"],
        cwd=project, env=env, log=workdir / "server.log",
    )  # fmt: skip
    workers: list[subprocess.Popen] = []
    try:
        wait_port(port, server, "gunicorn")
        print(f"seeding {args.orders} orders of 10 tickets ({project.name}) ...", flush=True)
        t0 = time.monotonic()
        from django.db import close_old_connections

        orders = seed(args.orders)
        bodies = webhook_bodies(orders)
        close_old_connections()
        print(f"seeded in {time.monotonic() - t0:.0f} s", flush=True)
        for name, command in worker_commands(project, bin_dir, args.worker_processes or None):
            print(f"{name}: {shlex.join(command)}", flush=True)
            workers.append(start(command, cwd=project, env=env, log=workdir / f"{name}.log"))
        time.sleep(8)  # the workers connect and fork their children
        for proc in workers:
            if proc.poll() is not None:
                raise SystemExit(f"{shlex.join(proc.args)} exited: see the logs in {workdir}")
        cpu_before = sum(tree_cpu_seconds(w.pid) for w in workers)
        memory = {"start": max(rss_mb(c) for w in workers for c in children(w.pid)), "peak": 0.0}
        sampling = threading.Event()

        def sample():
            while not sampling.is_set():
                try:
                    now = max((rss_mb(c) for w in workers for c in children(w.pid)), default=0.0)
                except (FileNotFoundError, ProcessLookupError):
                    now = 0.0
                memory["peak"] = max(memory["peak"], now)
                memory["last"] = now
                time.sleep(1)

        threading.Thread(target=sample, daemon=True).start()
        import requests

        from payments.webhooks import sign

        session = requests.Session()
        paid_at: dict[str, float] = {}
        statuses: list[int] = []

        def post(reference: str):
            body = bodies[reference]
            response = session.post(
                f"{site}/api/v1/webhooks/paystack",
                data=body,
                headers={"Content-Type": "application/json", "x-paystack-signature": sign(body)},
                timeout=120,
            )
            paid_at[reference] = time.time()
            statuses.append(response.status_code)

        start_wall = time.time()
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(post, bodies))
        posted = time.time() - start_wall

        from tickets.models import DeliveryLog, Ticket

        wanted = 3 * len(orders)
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            done = DeliveryLog.objects.filter(
                kind="confirmation", state__in=["sent", "skipped"]
            ).count()
            if done >= wanted:
                break
            time.sleep(1)
        drained = time.time() - start_wall
        time.sleep(3)  # any duplicate still in flight shows up in the counts
        sampling.set()
        cpu = sum(tree_cpu_seconds(w.pid) for w in workers) - cpu_before

        logs = DeliveryLog.objects.filter(kind="confirmation", state="sent")
        sent = {
            (d.order.reference, d.channel): d.sent_at.timestamp()
            for d in logs.select_related("order")
        }
        refs = sorted(paid_at, key=paid_at.get)
        email = [sent[r, "email"] - paid_at[r] for r in refs if (r, "email") in sent]
        sms = [sent[r, "sms"] - paid_at[r] for r in refs if (r, "sms") in sent]
        pdfs = [sent[r, "pdf"] - paid_at[r] for r in refs if (r, "pdf") in sent]
        first = refs[0]
        first_email = sent.get((first, "email"), float("nan")) - paid_at[first]
        tickets_issued = Ticket.objects.count()
        per_order_emails = [len(brevo.to(o.email)) for o in orders]
        sms_to = {}
        for message in twilio.messages:
            sms_to[message["to"]] = sms_to.get(message["to"], 0) + 1
        label = args.label or project.name

        def ms(values, *ps):
            return " / ".join(f"{percentile(values, p):.1f}" for p in ps) + " s"

        ok = sum(200 <= s < 300 for s in statuses)
        timed_out = "" if len(sent) >= wanted else f" (TIMED OUT: {len(sent)} of {wanted} steps)"
        texts = list(sms_to.values()) or [0]
        results = {
            "code": label,
            "orders": len(orders),
            "webhooks (2xx)": f"{ok} of {len(statuses)} in {posted:.1f} s",
            "first confirmation after its payment": f"{first_email:.1f} s",
            "payment -> email p50 / p99 / max": ms(email, 50, 99, 100),
            "payment -> SMS p99": ms(sms, 99),
            "payment -> PDF stored p50 / p99": ms(pdfs, 50, 99),
            "burst drained (all emails, SMS, PDFs)": f"{drained:.0f} s{timed_out}",
            "worker CPU per order": f"{cpu / len(orders):.3f} s",
            "tickets issued / expected": f"{tickets_issued} / {10 * len(orders)}",
            "emails per order (min / max)": (
                f"{min(per_order_emails)} / {max(per_order_emails)} ({len(brevo.messages)} sent)"
            ),
            "SMS per order (min / max)": (
                f"{min(texts)} / {max(texts)} ({len(twilio.messages)} sent)"
            ),
            "worker child RSS start / peak / end": (
                f"{memory['start']:.0f} / {memory['peak']:.0f} / {memory.get('last', 0):.0f} MB"
            ),
        }
        width = max(len(k) for k in results)
        print()
        for key, value in results.items():
            print(f"{key:<{width}}  {value}")
        (HERE / "artifacts").mkdir(exist_ok=True)
        (HERE / "artifacts" / f"bench-fulfilment-{label}.json").write_text(json.dumps(results))
        return 0
    finally:
        for proc in workers:
            stop(proc)
        stop(server)
        brevo.__exit__(None, None, None)
        twilio.__exit__(None, None, None)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
