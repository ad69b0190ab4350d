"""The production process set, started the way docker-compose.yml starts it: the migrate
one-shot, gunicorn with DEBUG=false, a real Celery worker and beat on PostgreSQL and Redis,
and nginx in front rendering deploy/nginx/default.conf.template (Debian's nginx standing in
for the official image). Commands and environment are what `docker-compose config` resolves;
the test changes only addresses (127.0.0.1, its own database and Redis index), ports and
throwaway directories. A buyer on a phone pays in the declared sandbox (signed webhook through
the proxy), the worker writes the PDF, the web hands it out; nginx serves /static and /media.
"""

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from events.models import Event
from orders.models import Order
from tests.conftest import PHONE
from tests.deploy.compose import APP_SERVICES, ROOT, app_environment, resolved
from tests.factories import PASSWORD, EventFactory, TicketTypeFactory, UserFactory
from tickets.models import Ticket

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
    # collectstatic (the migrate command) and five processes booting: minutes on a busy machine
    pytest.mark.timeout(900),
]
NGINX = "/usr/sbin/nginx"
VENV_BIN = str(Path(sys.executable).parent)
TEMPLATE_NAMES = ("WEB_UPSTREAM", "PROXY_PORT", "STATIC_ROOT", "MEDIA_ROOT")
# A 1x1 PNG: the event's cover, an upload the proxy must serve with DEBUG off.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5d1f4"
    "1b0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """The web processes hash with the production hashers; so does this test's buyer."""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]  # inside a test: the test database
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, timeout, what, logs=(), procs=()):
    """Poll `condition`; fail at once, with the logs, when one of `procs` has exited."""

    def tails():
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for proc, _out in procs:
            if proc.poll() is not None:
                raise AssertionError(f"{proc.args[0]} exited ({proc.returncode})\n{tails()}")
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}\n{tails()}")


def render_nginx(tmp: Path, values: dict[str, str]) -> Path:
    """What the official image's envsubst does with /etc/nginx/templates, in a main config
    that keeps every path in this test's directory."""
    server = (ROOT / "deploy/nginx/default.conf.template").read_text()
    for name in TEMPLATE_NAMES:
        server = server.replace("${" + name + "}", values[name])
    assert "${" not in server.replace("$1", ""), "the template names a variable compose lacks"
    (tmp / "default.conf").write_text(server)
    temp = {t: tmp / f"nginx-{t}" for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = tmp / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # pytest's tmp dirs are 0700
        + f"daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\n"
        f"error_log {tmp}/nginx-error.log warn;\nevents {{ worker_connections 256; }}\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {tmp}/nginx-access.log;\n"
        + "".join(f"  {t}_temp_path {p};\n" for t, p in temp.items())
        + f"  include {tmp}/default.conf;\n}}\n"
    )
    return main


@pytest.fixture
def production(tmp_path):
    if not Path(NGINX).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{NGINX} is missing; scripts/bootstrap.sh dev installs nginx-light")
        pytest.skip(f"{NGINX} is not installed")
    proxy_port, web_port = free_port(), free_port()
    site = f"http://localhost:{proxy_port}"  # localhost: the browser keeps Secure cookies
    # The operator's part: only what docker-compose.yml asks the operator for.
    config = resolved(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SITE_URL": site,
            "CSRF_TRUSTED_ORIGINS": site,
        }
    )
    # The test's part: addresses, ports, directories.
    dirs = {name: tmp_path / name for name in ("static", "work")}
    for path in dirs.values():
        path.mkdir()
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Path(settings.PRIVATE_MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    test_only = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # this test's throwaway media (conftest)
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "STATIC_ROOT": str(dirs["static"]),
        "PORT": str(web_port),
        "PYTHONPATH": str(ROOT),  # the image's working directory is the code; here it is not
        "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/root"),
    }
    compose_env = {name: app_environment(config, name) for name in APP_SERVICES}
    for name, env in compose_env.items():
        assert set(test_only) - {"PYTHONPATH", "PATH", "HOME"} <= set(env), name
    procs, logs = [], []

    def start(name, **popen):
        env = {**compose_env[name], **test_only}
        log = tmp_path / f"{name}.log"
        logs.append(log)
        out = open(log, "wb")  # noqa: SIM115 - closed with the process
        command = shlex.split(config["services"][name]["command"])
        proc = subprocess.Popen(
            command, cwd=dirs["work"], env=env, stdout=out, stderr=subprocess.STDOUT, **popen
        )
        procs.append((proc, out))
        return proc

    try:
        migrate = start("migrate")
        assert migrate.wait(timeout=480) == 0, (tmp_path / "migrate.log").read_text()[-3000:]
        procs.pop()[1].close()  # the one shot is done; every process started next must stay up
        assert (dirs["static"] / "staticfiles.json").exists()  # collectstatic ran
        for name in ("web", "worker", "pdf-worker", "beat"):
            start(name, start_new_session=True)
        proxy = config["services"]["proxy"]["environment"]
        nginx_conf = render_nginx(
            tmp_path,
            {
                "WEB_UPSTREAM": f"127.0.0.1:{web_port}",
                "PROXY_PORT": str(proxy_port),
                # The proxy's mounts are the app's volumes; here, the same directories.
                "STATIC_ROOT": test_only["STATIC_ROOT"]
                if proxy["STATIC_ROOT"] == compose_env["web"]["STATIC_ROOT"]
                else pytest.fail("proxy and web disagree on STATIC_ROOT"),
                "MEDIA_ROOT": test_only["MEDIA_ROOT"]
                if proxy["MEDIA_ROOT"] == compose_env["web"]["MEDIA_ROOT"]
                else pytest.fail("proxy and web disagree on MEDIA_ROOT"),
            },
        )
        nginx_log = tmp_path / "nginx.log"
        logs.append(nginx_log)
        nginx_out = open(nginx_log, "wb")  # noqa: SIM115 - closed with the process
        procs.append(
            (
                subprocess.Popen(
                    [NGINX, "-c", str(nginx_conf), "-p", str(tmp_path)],
                    stdout=nginx_out,
                    stderr=subprocess.STDOUT,
                ),
                nginx_out,
            )
        )

        def healthy():
            try:
                return requests.get(f"{site}/health", timeout=3).status_code == 200
            except requests.RequestException:
                return False

        wait_for(healthy, 300, "web behind the proxy to report healthy", logs, procs)
        for worker in ("worker", "pdf-worker"):
            wait_for(
                lambda worker=worker: b"ready." in (tmp_path / f"{worker}.log").read_bytes(),
                300,
                f"the Celery {worker}",
                logs,
                procs,
            )
        yield {"url": site, "tmp": tmp_path, "logs": logs, "env": compose_env["web"]}
    finally:
        for proc, out in reversed(procs):
            if proc.poll() is None:
                if proc.args[0] == NGINX:
                    proc.send_signal(signal.SIGQUIT)
                else:
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            out.close()


def test_a_buyer_pays_and_downloads_the_pdf_the_worker_wrote(production, page_factory, screenshot):
    base, tmp = production["url"], production["tmp"]
    assert production["env"]["DEBUG"] == "false"
    assert production["env"]["PAYSTACK_SANDBOX"] == "true"

    event = EventFactory(title="Lagos Jazz Under the Stars", status=Event.Status.PUBLISHED)
    from django.core.files.base import ContentFile

    event.cover_image.save("jazz.png", ContentFile(PNG))
    TicketTypeFactory(event=event, name="Regular", price_kobo=1_500_000)
    buyer = UserFactory(email="amaka@example.ng", full_name="Amaka Eze")

    # Static and media come from the proxy, not gunicorn (DEBUG is off).
    cover = requests.get(base + event.cover_image.url, timeout=5)
    assert cover.status_code == 200 and cover.content == PNG
    home = requests.get(base + "/", timeout=10)
    assert home.status_code == 200
    assert "Sandbox mode" in home.text  # the declared sandbox deployment says so
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home.text).group(1)
    styles = requests.get(base + css, timeout=5)
    assert styles.status_code == 200 and "immutable" in styles.headers["Cache-Control"]

    page = page_factory(PHONE)
    page.goto(f"{base}/auth/login?next=/events/{event.slug}/hold")
    page.fill("input[name=login]", buyer.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_url(f"**/events/{event.slug}/hold")
    page.get_by_label("Regular").select_option("2")
    with page.expect_navigation(url=re.compile(r"/checkout\?hold=\d+")):
        page.get_by_role("button", name="Reserve tickets").click()
    screenshot(page, "production-1-checkout-phone")
    page.get_by_role("button", name=re.compile("Pay securely with Paystack")).click()
    page.get_by_text("Sandbox — no real money").wait_for()
    screenshot(page, "production-2-sandbox-phone")
    page.get_by_role("button", name=re.compile(r"^Pay ₦")).click()
    page.get_by_text("You're going to Lagos Jazz Under the Stars!").wait_for(timeout=30_000)
    screenshot(page, "production-3-paid-phone")

    order = Order.objects.get(buyer=buyer)
    assert order.status == Order.Status.PAID  # by the signed webhook, through the proxy
    assert order.items.count() == 2

    # The worker issues the tickets, the PDF worker writes the PDF; the web hands it out.
    worker_log = tmp / "pdf-worker.log"
    wait_for(
        lambda: re.search(r"render_order_pdf\[[^]]+\] succeeded", worker_log.read_text()),
        120,
        "the worker to render the PDF",
        production["logs"],
    )
    (written,) = Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf")  # on the shared volume
    rendered, rendered_at = written.read_bytes(), written.stat().st_mtime_ns
    page.goto(f"{base}/dashboard/tickets")  # ready by now: the order's own PDF link
    pdf_link = page.get_by_role("region", name=f"Order {order.reference}").get_by_role(
        "link", name="PDF", exact=True
    )
    screenshot(page, "production-4-tickets-phone")
    with page.expect_download() as download:
        pdf_link.click()
    saved = tmp / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert saved.read_bytes() == rendered and written.stat().st_mtime_ns == rendered_at
    assert Ticket.objects.filter(order=order).count() == 2

    # gunicorn saw the pages, never the static or media files.
    web_log = (tmp / "web.log").read_text()
    assert "/dashboard/tickets" in web_log
    assert "/media/" not in web_log and "/static/" not in web_log
