"""/health: is each configured service answering? 200 if all are, 503 naming those that are not."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 1.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def _broker() -> None:
    from getiickets.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_SECONDS)


def configured_checks() -> dict:
    checks = {"database": _database}
    if settings.REDIS_URL:
        checks["redis"] = _redis
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _broker
    return checks


@never_cache
@require_GET
def health(request):
    services, failing = {}, []
    for name, probe in configured_checks().items():
        try:
            probe()
            services[name] = "ok"
        except Exception as exc:  # any failure means "down"; say which
            logger.warning("health check failed", extra={"service": name, "error": str(exc)})
            services[name] = "down"
            failing.append(name)
    body = {"status": "ok" if not failing else "degraded", "services": services}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
