"""docker-compose.yml as Compose itself resolves it (`docker-compose config`), for the
validation tests and the production smoke, so neither reads the file its own way."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "pdf-worker", "beat")


def compose_binary() -> str:
    """Debian's docker-compose (scripts/bootstrap.sh installs it for `dev`); it validates and
    resolves the file without a Docker engine."""
    path = shutil.which("docker-compose")
    if not path:
        if os.environ.get("CI") == "true":
            pytest.fail("docker-compose is missing; scripts/bootstrap.sh dev installs it")
        pytest.skip("docker-compose is not installed (scripts/bootstrap.sh dev installs it)")
    return path


def run_config(operator_env: dict[str, str], compose_file: Path | None = None):
    """`docker-compose config` with only the operator's variables (and PATH) set."""
    args = [compose_binary()]
    if compose_file:
        args += ["-f", str(compose_file), "--project-directory", str(ROOT)]
    env = {"PATH": os.environ["PATH"], **operator_env}
    return subprocess.run(
        [*args, "config"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def resolved(operator_env: dict[str, str]) -> dict:
    result = run_config(operator_env)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def app_environment(config: dict, service: str) -> dict[str, str]:
    """What the container's process sees: unset pass-through variables (null) are absent."""
    return {
        k: str(v) for k, v in config["services"][service]["environment"].items() if v is not None
    }
