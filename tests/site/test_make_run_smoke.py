"""`make run` as a newcomer runs it, in CI: scripts/serve.sh (what scripts/run.sh runs once
the virtualenv is installed) on a fresh SQLite file and a port of its own, with none of the
real services' variables set, so it is the embedded site (sandbox Paystack, eager tasks,
console email). Chromium then buys general-admission tickets and downloads the PDF, picks a
seat and pays, and an organizer creates and publishes an event. Timeouts are generous: CI
machines are small and busy."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "demo-pass-2026"
# What would switch a real service on, or change what `make run` gives a newcomer.
NOT_PASSED_ON = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_",
    "PAYSTACK_",
    "BREVO_",
    "TWILIO_",
    "AWS_",
    "EMAIL_BACKEND",
    "DEBUG",
    "SECRET_KEY",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "MEDIA_ROOT",
    "PRIVATE_MEDIA_ROOT",
    "STATIC_ROOT",
    "DJANGO_SETTINGS_MODULE",
    "PORT",
    "GT_",
    "CI",
    "STRICT_EXTERNAL_CALLS",
)
START_TIMEOUT = 600  # migrations and the demo seed on a loaded 2-core machine
STEP_TIMEOUT = 90_000  # ms, per browser step


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, url, process, log):
        self.url, self.process, self.log = url, process, log

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("make-run")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_PASSED_ON)}
    env.update(
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",  # a fresh SQLite file, not the checkout's
        MEDIA_ROOT=str(tmp / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp / "private_media"),
    )
    log = tmp / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve.sh")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the dev server's reloader too
        )
    site = Site(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"scripts/serve.sh exited ({process.returncode}):\n{site.log_tail()}")
            try:
                if requests.get(site.url + "/health", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the site did not answer in {START_TIMEOUT} s:\n{site.log_tail()}")
            time.sleep(2)
        yield site
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
                process.wait(20)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture
def open_page(browser, site):
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        context.set_default_timeout(STEP_TIMEOUT)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, site, email, next_path):
    page.goto(f"{site.url}/auth/login?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def pay_on_the_sandbox(page, screenshot, name):
    page.get_by_role("button", name="Pay securely with Paystack").click()
    expect(page.get_by_text("Sandbox — no real money").first).to_be_visible()
    screenshot(page, f"make-run-{name}-sandbox")
    page.get_by_role("button", name=re.compile(r"^Pay ₦")).click()
    expect(page.get_by_text("You're going to")).to_be_visible()
    screenshot(page, f"make-run-{name}-paid")


def test_a_buyer_reserves_pays_sees_the_tickets_and_downloads_the_pdf(site, open_page, screenshot):
    page = open_page(PHONE)
    sign_in(page, site, "buyer@demo.getiickets.ng", "/events/lagos-afrobeats-night")
    expect(page.get_by_role("heading", level=1, name="Lagos Afrobeats Night")).to_be_visible()
    page.locator("select[id^=qty-]").first.select_option("2")
    page.get_by_role("button", name="Reserve tickets").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    screenshot(page, "make-run-ga-checkout")
    pay_on_the_sandbox(page, screenshot, "ga")  # no "database is locked", no 6 s wait

    page.get_by_role("link", name="View your order").click()
    expect(page.get_by_text("Paid", exact=True).first).to_be_visible()
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible()  # after the htmx poll while they are prepared
    expect(page.get_by_role("link", name="Show QR")).to_have_count(2)
    screenshot(page, "make-run-ga-tickets")
    with page.expect_download() as download:
        download_link.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    assert download.value.suggested_filename.endswith(".pdf")


def test_a_buyer_picks_a_seat_and_pays(site, open_page, screenshot):
    page = open_page(PHONE)
    sign_in(page, site, "buyer@demo.getiickets.ng", "/events/wakaa-the-musical")
    free_seat = page.locator("circle.s:not(.x)").first
    label = free_seat.get_attribute("aria-label")
    free_seat.click()  # on a phone the first tap opens the seat's section, at 44 px seats
    page.locator(f'circle[aria-label="{label}"]').click()
    expect(page.locator("[data-seat-summary]")).to_contain_text("1 seat")
    screenshot(page, "make-run-seats-picked")
    page.get_by_role("button", name="Reserve seats").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    pay_on_the_sandbox(page, screenshot, "seats")
    page.goto(f"{site.url}/events/wakaa-the-musical")
    expect(page.locator(f'circle[aria-label="{label}, taken"]')).to_have_count(1)


def test_an_organizer_creates_and_publishes_an_event_that_buyers_then_see(
    site, open_page, screenshot
):
    page = open_page(DESKTOP)
    sign_in(page, site, "organizer@demo.getiickets.ng", "/organizer/events/create")
    page.get_by_role("button", name="Continue as organizer").click()
    expect(page.get_by_label("Title")).to_be_visible()
    page.get_by_label("Title").fill("Smoke Test Highlife Evening")
    page.get_by_label("Description").fill("Highlife classics, live.")
    page.get_by_label("Category").select_option(label="Concerts")
    page.get_by_label("Starts (Lagos time)").fill("2031-02-14T19:00")
    page.get_by_label("Ends (Lagos time)").fill("2031-02-14T23:00")
    page.get_by_label("Venue", exact=True).select_option(index=1)
    page.get_by_label("Seating").select_option(value="general")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("was created as a draft")).to_be_visible()

    form = page.locator("form", has=page.get_by_role("button", name="Add ticket type"))
    if not form.get_by_label("Name").is_visible():
        page.get_by_text("Add a ticket type").click()
    form.get_by_label("Name").fill("Regular")
    form.get_by_label("Price (₦)").fill("7500")
    form.get_by_label("Capacity").fill("100")
    form.get_by_role("button", name="Add ticket type").click()
    expect(page.get_by_text("Ticket type “Regular” added.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is live on getiickets")).to_be_visible()
    screenshot(page, "make-run-organizer-published")

    visitor = open_page(PHONE)
    visitor.goto(f"{site.url}/events")
    visitor.get_by_label("Search").fill("highlife")
    visitor.get_by_role("button", name="Show events").click()
    visitor.get_by_role("heading", name="Smoke Test Highlife Evening").click()
    expect(visitor.get_by_text("₦7,500.00").first).to_be_visible()
    screenshot(visitor, "make-run-organizer-event-public")
