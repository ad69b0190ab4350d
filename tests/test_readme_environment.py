"""Every environment variable the code reads is documented in the README and .env.example
lists the settings a deployment sets, so neither drifts from the code."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "tests", "node_modules", ".git", "artifacts", "staticfiles", "media"}
# The shell's own variables, not settings of this project.
NOT_SETTINGS = {"HOME", "PATH"}
# Read by libraries rather than by our code: boto3 (the S3 credentials), gunicorn (its port
# and worker count, which deploy/app.env sets).
READ_BY_LIBRARIES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PORT", "WEB_CONCURRENCY"}


def python_sources():
    for path in ROOT.rglob("*.py"):
        if not SKIP_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def is_environ(node) -> bool:  # os.environ / environ
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def reads_a_variable(node) -> bool:
    """env("X"), env.str/bool/int/...("X"), os.environ.get("X"), os.getenv("X")."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "env"
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    env_method = isinstance(owner, ast.Name) and owner.id == "env"
    environ_method = is_environ(owner) and func.attr in ("get", "setdefault", "pop")
    return env_method or environ_method or func.attr == "getenv"


def variables_read_in_python() -> dict[str, str]:
    """NAME -> the first file that reads it, through a call above or os.environ["X"]."""
    found = {}
    for path in python_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = None
            if reads_a_variable(node):
                name = first_string(node)
            elif isinstance(node, ast.Subscript) and is_environ(node.value):
                key = node.slice
                name = key.value if isinstance(key, ast.Constant) else None
            if isinstance(name, str) and name.isupper():
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def variables_read_in_scripts() -> dict[str, str]:
    """Shell scripts read a variable from the environment as ${NAME:-default} or ${NAME:?}."""
    found = {}
    for path in [*ROOT.glob("scripts/*.sh"), ROOT / ".ci" / "run"]:
        for name in re.findall(r"\$\{([A-Z][A-Z0-9_]*):?[-?]", path.read_text()):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def documented(text: str) -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", text))


def test_the_scan_finds_variables_of_every_form():
    python = variables_read_in_python()
    # env.str on one line, env.bool across lines, os.environ.get, and a shell default.
    for name in ("SECRET_KEY", "EMAIL_BACKEND", "PAYSTACK_SANDBOX", "BENCH_PORT"):
        assert name in python, name
    assert "TEST_DATABASE_URL" in variables_read_in_scripts()


def test_every_variable_the_code_reads_is_in_the_readme():
    readme = documented((ROOT / "README.md").read_text())
    read = {**variables_read_in_scripts(), **variables_read_in_python()}
    read.update(dict.fromkeys(READ_BY_LIBRARIES, "a library"))
    missing = {name: where for name, where in read.items() if name not in readme | NOT_SETTINGS}
    assert not missing, f"read in code but not documented in README.md (as `NAME`): {missing}"


def test_env_example_names_only_real_settings_and_the_secret_ones():
    example = (ROOT / ".env.example").read_text()
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    read = set(variables_read_in_python()) | READ_BY_LIBRARIES
    assert names <= read, f".env.example names variables nothing reads: {names - read}"
    for name in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PAYSTACK_SECRET_KEY"):
        assert name in names, name
