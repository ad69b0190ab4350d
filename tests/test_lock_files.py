"""The lock files (requirements/*.txt, written by scripts/lock.sh) stay in step with
pyproject.toml: every declared dependency is pinned there at a version its range allows, the
runtime set carries no test tools, and the dev set pins the runtime packages identically."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
REGENERATE = "regenerate the lock files: scripts/lock.sh (README, 'Adding a dependency')"


def pins(name: str) -> dict[str, str]:
    lines = (ROOT / "requirements" / f"{name}.txt").read_text().splitlines()
    found = {}
    for line in lines:
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"requirements/{name}.txt: not an exact pin: {line!r}")
    return found


RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
DEV = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]]


@pytest.mark.parametrize(
    ("lock", "declared"), [("runtime", RUNTIME), ("dev", RUNTIME + DEV)], ids=["runtime", "dev"]
)
def test_every_declared_dependency_is_pinned_within_its_range(lock, declared):
    pinned = pins(lock)
    for requirement in declared:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} is not in requirements/{lock}.txt: {REGENERATE}"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock}.txt pins {name}=={pinned[name]}, outside {requirement}: "
            + REGENERATE
        )


def test_every_pin_carries_hashes():
    for lock in ("runtime", "dev"):
        text = (ROOT / "requirements" / f"{lock}.txt").read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        unhashed = [e.split()[0] for e in entries if PIN.match(e) and "--hash=sha256:" not in e]
        assert not unhashed, f"requirements/{lock}.txt has pins without hashes: {unhashed}"


def test_the_runtime_set_has_no_test_tools_and_the_dev_set_agrees_with_it():
    runtime, dev = pins("runtime"), pins("dev")
    test_tools = {"pytest", "pytest-django", "factory-boy", "playwright", "moto", "ruff"}
    assert test_tools <= set(dev)
    leaked = test_tools & set(runtime)
    assert not leaked, f"test tools in requirements/runtime.txt (make run installs it): {leaked}"
    differ = {n: (v, dev.get(n)) for n, v in runtime.items() if dev.get(n) != v}
    assert not differ, f"requirements/dev.txt moves runtime pins: {differ}; {REGENERATE}"


def test_ruff_is_pinned_exactly_because_ci_lints():
    (ruff,) = [r for r in DEV if r.name == "ruff"]
    assert str(ruff.specifier).startswith("=="), "pin ruff exactly in pyproject.toml"
