"""The settings module: embedded defaults with nothing set, real services when the env says so,
and a production mode that refuses to start unsafely."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.core.files.storage import storages
print(json.dumps({
    "debug": settings.DEBUG,
    "db": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email": settings.EMAIL_BACKEND,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "private": settings.STORAGES["private"]["BACKEND"],
    "sandbox": settings.PAYSTACK_SANDBOX,
    "paystack": settings.PAYSTACK_BASE_URL,
    "paystack_key": settings.PAYSTACK_SECRET_KEY,
    "secret_key": settings.SECRET_KEY,
    "tz": settings.TIME_ZONE,
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "secure_cookies": getattr(settings, "SESSION_COOKIE_SECURE", False),
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "accept": settings.CELERY_ACCEPT_CONTENT,
}))
"""


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    clean.update(DJANGO_SETTINGS_MODULE="getiickets.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_nothing_set_gives_the_embedded_defaults():
    result = probe()
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["debug"] is True
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["cache"].endswith("LocMemCache")
    assert s["eager"] is True
    assert s["email"] == "getiickets.mail.ConsoleEmailBackend"
    assert s["storage"].endswith("FileSystemStorage")
    assert s["sandbox"] is True and s["paystack"].endswith("/sandbox/paystack")
    assert s["tz"] == "Africa/Lagos"
    assert s["acks_late"] is True and s["accept"] == ["json"]


def test_the_environment_switches_each_real_service_on():
    result = probe(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/3",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/4",
        BREVO_API_KEY="xkeysib-test",
        AWS_STORAGE_BUCKET_NAME="tickets",
        PAYSTACK_BASE_URL="https://api.paystack.co",
        PAYSTACK_SECRET_KEY="sk_live_x",
    )
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["db"] == "django.db.backends.postgresql"
    assert s["cache"] == "getiickets.cache.FailSafeRedisCache"
    assert s["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert s["eager"] is False
    assert s["email"] == "anymail.backends.brevo.EmailBackend"
    assert s["storage"] == s["private"] == "getiickets.storage.TransactionFreeS3Storage"
    assert s["sandbox"] is False


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "a-real-secret-from-the-environment-0123456789"}
LIVE_PAYSTACK = {"PAYSTACK_SECRET_KEY": "sk_live_from_the_dashboard", "PAYSTACK_PUBLIC_KEY": "pk_x"}


def refused(result, *phrases):
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return all(phrase in result.stderr for phrase in phrases)


def test_production_refuses_the_default_secret_key():
    assert refused(probe(DEBUG="false", **LIVE_PAYSTACK), "SECRET_KEY must be set")


def test_production_refuses_an_empty_secret_key_line():
    # `SECRET_KEY=` in .env arrives as an empty variable, exactly like this.
    assert refused(probe(DEBUG="false", SECRET_KEY="", **LIVE_PAYSTACK), "SECRET_KEY must be set")


def test_in_development_an_empty_secret_key_line_falls_back_to_the_dev_key():
    result = probe(SECRET_KEY="")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["secret_key"]


def test_production_refuses_to_mount_the_sandbox_unless_asked():
    assert refused(probe(**PRODUCTION), "PAYSTACK_SANDBOX=true", "PAYSTACK_SECRET_KEY")


def test_production_refuses_real_paystack_with_an_empty_key():
    result = probe(
        **PRODUCTION, PAYSTACK_BASE_URL="https://api.paystack.co", PAYSTACK_SECRET_KEY=""
    )
    assert refused(result, "PAYSTACK_SECRET_KEY must be set")


def test_production_refuses_the_published_sandbox_key_even_for_a_sandbox_deployment():
    result = probe(
        **PRODUCTION, PAYSTACK_SANDBOX="true", PAYSTACK_SECRET_KEY="sk_test_sandbox_not_a_real_key"
    )
    assert refused(result, "published sandbox key")


def test_a_sandbox_deployment_starts_with_a_webhook_key_of_its_own():
    result = probe(**PRODUCTION, PAYSTACK_SANDBOX="true")
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["sandbox"] is True and s["paystack"].endswith("/sandbox/paystack")
    assert s["paystack_key"] not in ("", "sk_test_sandbox_not_a_real_key")
    again = json.loads(probe(**PRODUCTION, PAYSTACK_SANDBOX="true").stdout)
    assert again["paystack_key"] == s["paystack_key"]  # every process signs alike
    other = probe(**{**PRODUCTION, "SECRET_KEY": "another-secret-0123456789"}, PAYSTACK_SANDBOX="1")
    assert json.loads(other.stdout)["paystack_key"] != s["paystack_key"]


def test_production_with_paystack_keys_talks_to_paystack_and_mounts_no_sandbox():
    result = probe(**PRODUCTION, **LIVE_PAYSTACK)
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["sandbox"] is False and s["paystack"] == "https://api.paystack.co"
    assert s["paystack_key"] == "sk_live_from_the_dashboard"


def test_production_turns_on_secure_cookies_and_hsts():
    result = probe(**PRODUCTION, **LIVE_PAYSTACK)
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["debug"] is False
    assert s["hsts"] >= 31536000
    assert s["secure_cookies"] is True


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get("/health")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_docker_compose_defines_web_worker_beat_database_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])
    assert "celery -A getiickets worker" in compose["services"]["worker"]["command"]
    assert "celery -A getiickets beat" in compose["services"]["beat"]["command"]
