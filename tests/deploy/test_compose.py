"""docker-compose.yml is a valid Compose file (checked by a real Compose client, no engine
needed) and describes the deployment the README promises."""

import shlex

import pytest

from tests.deploy.compose import APP_SERVICES, ROOT, app_environment, resolved, run_config

OPERATOR = {"SECRET_KEY": "an-operator-secret-0123456789-abcdefghijklmnopqrstuvwxyz"}


@pytest.fixture(scope="module")
def config():
    return resolved(OPERATOR)


def test_compose_accepts_the_file_and_refuses_to_start_without_a_secret_key():
    assert run_config(OPERATOR).returncode == 0
    missing = run_config({})
    assert missing.returncode != 0
    assert "set SECRET_KEY" in missing.stderr


def test_compose_rejects_what_it_does_not_know(tmp_path):
    # The check above is a real schema check: a misspelt option or condition fails it.
    broken = (
        (ROOT / "docker-compose.yml")
        .read_text()
        .replace("service_completed_successfully", "service_finished")
    )
    (tmp_path / "docker-compose.yml").write_text(broken)
    result = run_config(OPERATOR, tmp_path / "docker-compose.yml")
    assert result.returncode != 0
    assert "service_finished" in result.stderr


def test_web_worker_and_beat_start_after_a_one_shot_migrate(config):
    services = config["services"]
    assert "migrate" in services["migrate"]["command"]
    assert "collectstatic" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "pdf-worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name


def test_every_celery_queue_has_a_worker_and_pdfs_are_rendered_at_a_lower_priority(config):
    from django.conf import settings

    consumed = {}
    for name, service in config["services"].items():
        command = shlex.split(service.get("command") or "")
        if "celery" in command and "worker" in command:
            options = command[command.index("worker") :]
            for queue in options[options.index("-Q") + 1].split(","):
                consumed[queue] = (name, command, options)
    assert set(consumed) == {queue.name for queue in settings.CELERY_TASK_QUEUES}
    for task, route in settings.CELERY_TASK_ROUTES.items():
        assert route["queue"] in consumed, task
    assert consumed["pdfs"][1][:3] == ["nice", "-n", "10"]
    assert consumed["confirmations"][1][0] == "celery"  # the buyer's email is not niced
    assert consumed["confirmations"][0] != consumed["pdfs"][0]
    # Each names itself, so that its healthcheck pings that worker and no other.
    for name, _, options in consumed.values():
        node = options[options.index("-n") + 1].split("@")[0]
        assert f"--destination {node}@" in config["services"][name]["healthcheck"]["test"][1]


def test_long_running_services_have_healthchecks(config):
    for name in ("web", "worker", "pdf-worker", "proxy", "db", "redis"):
        assert config["services"][name]["healthcheck"]["test"], name
    assert config["services"]["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_a_proxy_serves_static_and_media_in_front_of_web_replicas(config):
    services = config["services"]
    proxy, web = services["proxy"], services["web"]
    assert proxy["image"].startswith("nginx:")  # the official image
    assert "ports" not in web  # replicas publish nothing: --scale web=3 cannot clash on a port
    assert [p["published"] for p in proxy["ports"]] == [8080]
    assert proxy["environment"]["WEB_UPSTREAM"] == "web:8000"
    template = (ROOT / "deploy/nginx/default.conf.template").read_text()
    assert "location /media/" in template and "location /static/" in template

    def mounts(service):  # "source:target[:mode]" as docker-compose config writes them
        return {v.split(":")[1]: v.split(":")[0] for v in services[service].get("volumes", [])}

    env = app_environment(config, "web")
    # Static: written by migrate, read by web (its manifest) and served by the proxy.
    assert mounts("migrate")[env["STATIC_ROOT"]] == "static"
    assert mounts("web")[env["STATIC_ROOT"]] == "static"
    assert mounts("proxy")[proxy["environment"]["STATIC_ROOT"]] == "static"
    # Media and ticket PDFs: one volume that web and the worker (which writes the PDFs) share.
    for name in ("web", "worker", "pdf-worker", "beat"):
        assert mounts(name)["/data"] == "media", name
        assert app_environment(config, name)["MEDIA_ROOT"].startswith("/data/")
        assert app_environment(config, name)["PRIVATE_MEDIA_ROOT"].startswith("/data/")
    assert mounts("proxy")["/data"] == "media"
    assert proxy["environment"]["MEDIA_ROOT"] == env["MEDIA_ROOT"]
    # ...and the proxy never serves the private ticket files.
    assert not env["PRIVATE_MEDIA_ROOT"].startswith(env["MEDIA_ROOT"])


def test_every_app_process_gets_the_same_environment_with_shared_state_in_redis(config):
    environments = [app_environment(config, name) for name in APP_SERVICES]
    assert all(e == environments[0] for e in environments), "app services' environments differ"
    env = environments[0]
    assert env["DEBUG"] == "false"
    assert env["SECRET_KEY"] == OPERATOR["SECRET_KEY"]
    # Sessions and the cache live in Redis, so any replica answers any request.
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert env["DATABASE_URL"].startswith("postgres://")


def test_without_paystack_keys_it_is_the_declared_sandbox_deployment(config):
    env = app_environment(config, "web")
    assert env["PAYSTACK_SANDBOX"] == "true"
    assert "PAYSTACK_SECRET_KEY" not in env and "PAYSTACK_BASE_URL" not in env


def test_going_live_passes_the_operators_paystack_settings_through():
    live = {
        **OPERATOR,
        "PAYSTACK_SANDBOX": "false",
        "PAYSTACK_SECRET_KEY": "sk_live_operator",
        "PAYSTACK_PUBLIC_KEY": "pk_live_operator",
        "PAYSTACK_BASE_URL": "https://api.paystack.co",
    }
    env = app_environment(resolved(live), "worker")
    assert env["PAYSTACK_SANDBOX"] == "false"
    assert env["PAYSTACK_SECRET_KEY"] == "sk_live_operator"
    assert env["PAYSTACK_BASE_URL"] == "https://api.paystack.co"


def test_the_image_leaves_out_local_state_and_secrets():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for entry in (".venv", "db.sqlite3*", "media", "private_media", ".env", "artifacts", ".git"):
        assert entry in ignored, entry
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/runtime.txt" in dockerfile
