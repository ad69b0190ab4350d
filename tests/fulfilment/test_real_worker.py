"""A real Celery worker process on the Redis broker fulfils a paid order; killing it mid-chain
(SIGKILL while it renders the PDF, or after Brevo or Twilio took a message but before they
answered) and starting another still gives exactly one of each."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from getiickets.celery import app as celery_app
from orders.signals import order_paid
from tests.factories import OrderFactory, UserFactory
from tickets import pdf
from tickets.models import DeliveryLog, Ticket

pytestmark = [
    pytest.mark.slow,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def database_url() -> str:
    db = settings.DATABASES["default"]  # inside a test: the test database (test_<name>)
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, timeout=90, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def broker():
    """Point this process's Celery app at the test Redis database (not eager)."""
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield settings.REDIS_URL
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def workers(broker, brevo, twilio, private_storage_in_tmp, tmp_path):
    procs = []

    def start(name, **extra_env):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("STANDIN_")},
            "DJANGO_SETTINGS_MODULE": "getiickets.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": broker,
            "BREVO_API_KEY": brevo.api_key,
            "BREVO_API_URL": brevo.api_url,
            "TWILIO_ACCOUNT_SID": twilio.account_sid,
            "TWILIO_AUTH_TOKEN": twilio.auth_token,
            "TWILIO_FROM_NUMBER": twilio.from_number,
            "TWILIO_API_BASE_URL": twilio.url,
            "PRIVATE_MEDIA_ROOT": str(private_storage_in_tmp),
            "GT_VISIBILITY_TIMEOUT": "8",
            "DELIVERY_LEASE_SECONDS": "5",  # a dead attempt's claim lapses within the test
            **extra_env,
        }
        env.pop("AWS_STORAGE_BUCKET_NAME", None)
        log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [
                CELERY,
                "-A",
                "tests.standins.celery_worker",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append((proc, log))
        return proc

    yield start
    for proc, log in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


def logs_of(tmp_path) -> str:
    return "\n".join(
        f"--- {p.name}\n" + p.read_text(errors="replace")[-4000:]
        for p in sorted(tmp_path.glob("*.log"))
    )


def delivered(order) -> bool:
    states = dict(
        DeliveryLog.objects.filter(order=order, kind="confirmation").values_list("channel", "state")
    )
    return states == {"pdf": "sent", "email": "sent", "sms": "sent"}


def assert_exactly_one_of_each(order, brevo, twilio, private_root):
    assert Ticket.objects.filter(order=order).count() == 2
    assert Ticket.objects.filter(order=order, status="valid").count() == 2
    folder = private_root / "tickets" / order.reference
    tickets = list(order.tickets.order_by("pk"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"tickets-{order.reference}.pdf"] + [f"qr-{t.pk}.png" for t in tickets]
    )
    assert (folder / f"tickets-{order.reference}.pdf").read_bytes().startswith(b"%PDF")
    assert len(brevo.to(order.email)) == 1, brevo.requests
    [email] = brevo.messages
    assert [a["name"] for a in email["attachment"]] == [f"ticket-{t.pk}-qr.png" for t in tickets]
    assert len(twilio.messages) == 1, twilio.requests
    assert order.reference in twilio.messages[0]["body"]
    assert DeliveryLog.objects.filter(order=order).count() == 3


@pytest.fixture
def order():
    buyer = UserFactory(email="ada@example.ng", phone="+2348031234567")
    return OrderFactory(items=2, buyer=buyer, phone="+2348031234567")


def test_a_real_worker_fulfils_a_paid_order(workers, order, brevo, twilio, tmp_path):
    workers("w1")
    order_paid.send(sender=None, order_id=order.pk)  # on commit, as checkout sends it
    try:
        wait_for(lambda: delivered(order), what="delivery")
        time.sleep(1)
    except AssertionError:
        pytest.fail(logs_of(tmp_path))
    assert_exactly_one_of_each(order, brevo, twilio, Path(pdf.private_storage().location))


@pytest.mark.parametrize("kill_at", ["pdf:rendering", "email:after_provider", "sms:after_provider"])
def test_killing_the_worker_mid_chain_still_gives_exactly_one_of_each(
    workers, order, brevo, twilio, tmp_path, kill_at
):
    slow = {}
    if kill_at == "pdf:rendering":
        slow["STANDIN_SLOW_PDF_SECONDS"] = "300"
    elif kill_at == "email:after_provider":
        brevo.hold_next_reply()
    else:
        twilio.hold_next_reply()
    first = workers("w1", **slow)
    order_paid.send(sender=None, order_id=order.pk)

    channel = kill_at.split(":")[0]
    reached = {
        "pdf": lambda: DeliveryLog.objects.filter(
            order=order, channel="pdf", state="sending"
        ).exists(),
        "email": lambda: len(brevo.messages) >= 1,
        "sms": lambda: len(twilio.messages) >= 1,
    }[channel]
    try:
        wait_for(reached, what=f"the worker to reach {kill_at}")
        time.sleep(0.5)  # it is now waiting inside the step
    except AssertionError:
        pytest.fail(logs_of(tmp_path))
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    assert not delivered(order)

    workers("w2")  # no slow point: it picks up the dead worker's message and carries on
    try:
        wait_for(lambda: delivered(order), timeout=120, what="delivery after the crash")
        time.sleep(10)  # let any redelivered duplicate run too: it must change nothing
    except AssertionError:
        pytest.fail(logs_of(tmp_path))
    assert_exactly_one_of_each(order, brevo, twilio, Path(pdf.private_storage().location))
    log = DeliveryLog.objects.get(order=order, channel=channel)
    assert log.attempts >= 2  # the crashed attempt was recorded and retried safely
    if channel == "email":  # asked Brevo again with the same idempotencyKey: still one email
        assert len(brevo.requests) >= 2 and len(brevo.messages) == 1
    if channel == "sms":  # found the first SMS at Twilio instead of texting twice
        assert len(twilio.requests) == 1 and "found at provider" in log.detail


def test_a_worker_killed_after_an_smtp_or_console_email_never_sends_it_again(
    workers, order, twilio, tmp_path, settings
):
    """No idempotency key without Brevo: the interrupted email is marked, not resent."""
    console = {
        "BREVO_API_KEY": "",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    first = workers(
        "w1", **console | {"EMAIL_BACKEND": "tests.standins.celery_worker.HangsAfterWritingBackend"}
    )
    order_paid.send(sender=None, order_id=order.pk)

    def printed() -> int:  # emails the console backend wrote to the workers' output
        logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("*.log"))
        return logs.count(f"\nTo: {order.email}\n")

    try:
        wait_for(lambda: printed() == 1, what="the console email")
        time.sleep(0.5)
    except AssertionError:
        pytest.fail(logs_of(tmp_path))
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)

    workers("w2", **console)
    email = lambda: DeliveryLog.objects.get(order=order, channel="email")  # noqa: E731
    try:
        wait_for(lambda: email().state == "uncertain", timeout=120, what="the email marked")
        wait_for(lambda: delivered_sms(order), timeout=60, what="the SMS")
        time.sleep(8)  # let any redelivered copy run too: it must not print the email again
    except AssertionError:
        pytest.fail(logs_of(tmp_path))
    assert printed() == 1
    assert email().attempts == 2 and "no idempotency key" in email().detail
    assert len(twilio.messages) == 1
    assert Ticket.objects.filter(order=order).count() == 2


def delivered_sms(order) -> bool:
    return DeliveryLog.objects.filter(order=order, channel="sms", state="sent").exists()
