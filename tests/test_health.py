import subprocess
import time

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_every_configured_service_answers(client, settings):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["services"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["services"]["redis"] == "ok"


@pytest.mark.needs_services
def test_health_is_503_naming_redis_when_redis_is_stopped(client, free_port, redis_server_binary):
    server = subprocess.Popen(
        [redis_server_binary, "--port", str(free_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{free_port}/0"
        for _ in range(50):
            with override_settings(REDIS_URL=url):
                if client.get("/health").status_code == 200:
                    break
            time.sleep(0.1)
        with override_settings(REDIS_URL=url):
            assert client.get("/health").status_code == 200
        server.terminate()
        server.wait(5)
        with override_settings(REDIS_URL=url):
            response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["failing"] == ["redis"]
        assert response.json()["services"]["database"] == "ok"
    finally:
        server.kill()


def test_health_names_the_broker_when_it_does_not_answer(client, free_port):
    from getiickets.celery import app

    url = f"redis://127.0.0.1:{free_port}/0"  # nothing listens there
    old = app.conf.broker_url
    app.conf.broker_url = url
    try:
        with override_settings(CELERY_BROKER_URL=url):
            response = client.get("/health")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert "broker" in response.json()["failing"]
