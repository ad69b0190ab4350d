"""Shared fixtures: real PostgreSQL and Redis when the test command provides them,
a Redis database flushed per test, and a Playwright browser on Debian's chromium."""

import os
import shutil
from pathlib import Path

import pytest
import redis as redis_lib
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from tests are
# still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("GT_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "needs_services: needs the real PostgreSQL and Redis (skipped without them)"
    )
    if REQUIRE_SERVICES:
        if not settings.USING_POSTGRES:
            raise pytest.UsageError("CI=true: DATABASE_URL must point at PostgreSQL")
        if not settings.REDIS_URL:
            raise pytest.UsageError("CI=true: REDIS_URL must point at Redis")
        redis_lib.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()


def pytest_collection_modifyitems(config, items):
    missing = not (settings.USING_POSTGRES and settings.REDIS_URL)
    if missing and not REQUIRE_SERVICES:
        skip = pytest.mark.skip(reason="needs PostgreSQL and Redis (run with CI=true)")
        for item in items:
            if "needs_services" in item.keywords:
                item.add_marker(skip)
    if not REQUIRE_SERVICES and not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def redis_client():
    """The test Redis database (its own index, see scripts/test.sh), empty at the start."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis")
    client = redis_lib.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(autouse=True)
def _clean_cache_and_redis():
    """Every test starts with empty caches and, with Redis, an empty test database."""
    from django.core.cache import caches

    if settings.REDIS_URL:
        redis_lib.Redis.from_url(settings.REDIS_URL).flushdb()
    for alias in settings.CACHES:
        caches[alias].clear()
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path, settings):
    """Uploads and private ticket files go to this test's tmp folder, never the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private_media")
    if settings.STORAGES["private"]["BACKEND"].endswith("FileSystemStorage"):
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
            },
        }


@pytest.fixture(autouse=True)
def _strict_external_calls(settings):
    """A call to Paystack, Brevo, Twilio or S3 inside a transaction fails the test."""
    settings.STRICT_EXTERNAL_CALLS = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; scripts/bootstrap.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def page_factory(browser):
    """`page_factory(viewport)` opens a fresh browser context (own cookies) with that viewport."""
    contexts = []

    def make(viewport=None):
        context = browser.new_context(viewport=viewport or DESKTOP)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves artifacts/screenshots/<name>.png to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_server_binary():
    path = shutil.which("redis-server")
    if not path:
        pytest.skip("redis-server is not installed")
    return path
