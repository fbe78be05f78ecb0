"""CI mode (CI=true) stops the run before the first test when PostgreSQL or Redis is missing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CLOSED_PORT = 1


def pytest_in_ci_mode(**environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update({"CI": "true", "DATABASE_URL": "", "REDIS_URL": "", "CELERY_BROKER_URL": ""})
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/unit/deploy/test_readme.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sqlite_and_no_redis_stop_the_run():
    result = pytest_in_ci_mode()
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "the database is sqlite3, not PostgreSQL" in output
    assert "the Celery broker is 'memory://', not Redis" in output
    assert "REDIS_URL is not set" in output
    assert "test_readme.py::" not in output  # stopped before collecting anything


def test_services_that_do_not_answer_stop_the_run():
    result = pytest_in_ci_mode(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/ocop",
        REDIS_URL=f"redis://127.0.0.1:{CLOSED_PORT}/1",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert f"PostgreSQL at 127.0.0.1:{CLOSED_PORT} does not answer" in output
    assert f"broker: Redis at redis://127.0.0.1:{CLOSED_PORT}/1 does not answer" in output
    assert f"cache: Redis at redis://127.0.0.1:{CLOSED_PORT}/1 does not answer" in output


def test_outside_ci_the_same_configuration_runs():
    result = pytest_in_ci_mode(CI="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_readme.py::" in result.stdout
