"""Shared fixtures, and the rules of CI mode.

Outside CI (``make test`` on a fresh machine) the suite runs on SQLite with
eager Celery tasks; a test that needs a real service (PostgreSQL, Redis) skips
with the reason when that service is absent.

In CI mode (``CI=true``, set by ``.ci/run``) the suite must run on PostgreSQL
with Redis answering as the Celery broker and the cache: anything missing stops
the run at once with a non-zero exit. Nothing is ever skipped for a missing
service in CI.
"""

import os
from pathlib import Path

import pytest

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TESTS_DIR = Path(__file__).resolve().parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own on a developer's Redis


# --- services -----------------------------------------------------------------
def broker_url():
    """The Redis that a real Celery worker uses in the tests.

    CELERY_BROKER_URL or REDIS_URL when set, else a Redis on the default port
    (a developer's machine may have one running without saying so).
    """
    from django.conf import settings

    configured = settings.CELERY_BROKER_URL
    if configured.startswith(("redis://", "rediss://")):
        return configured
    return settings.REDIS_URL or DEFAULT_REDIS_URL


def redis_problem(url):
    """None when the Redis at ``url`` answers PING, else why not."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:  # noqa: BLE001 — whatever the failure, Redis is not usable
        return f"Redis at {url} does not answer ({type(error).__name__}: {error})"
    return None


def postgresql_problem():
    """None when the test suite's database is a PostgreSQL that accepts connections, else why not."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return f"the database is {database['ENGINE'].rsplit('.', 1)[-1]}, not PostgreSQL (set DATABASE_URL)"
    import psycopg

    try:
        psycopg.connect(
            dbname="postgres",
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        return f"PostgreSQL at {database['HOST']}:{database['PORT']} does not answer ({error})"
    return None


def ci_problems():
    from django.conf import settings

    problems = []
    if problem := postgresql_problem():
        problems.append(problem)
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        problems.append(f"the Celery broker is {settings.CELERY_BROKER_URL!r}, not Redis (set CELERY_BROKER_URL)")
    elif problem := redis_problem(settings.CELERY_BROKER_URL):
        problems.append(f"broker: {problem}")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set: the cache must be Redis in CI")
    elif problem := redis_problem(settings.REDIS_URL):
        problems.append(f"cache: {problem}")
    return problems


def pytest_sessionstart(session):
    if not CI:
        return
    problems = ci_problems()
    if problems:
        pytest.exit(
            "CI mode (CI=true) needs PostgreSQL and Redis, and they are not all there:\n  - "
            + "\n  - ".join(problems)
            + "\nStart them (.ci/run does when it can): in CI a missing service fails the run, it is never skipped.",
            returncode=3,
        )


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return [
        f"OCOP: CI mode {'on' if CI else 'off'}; database {database['ENGINE'].rsplit('.', 1)[-1]}"
        f" {database.get('HOST') or ''}; Celery broker {settings.CELERY_BROKER_URL.split('@')[-1]};"
        f" cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}",
    ]


def pytest_collection_modifyitems(config, items):
    """Mark tests by folder, so ``-m "not browser"`` and the like work."""
    for item in items:
        path = Path(item.path).resolve()
        if path.is_relative_to(TESTS_DIR):
            kind = path.relative_to(TESTS_DIR).parts[0]
            if kind in {"integration", "browser"}:
                item.add_marker(kind)


def missing_service(reason):
    """Fail in CI, skip elsewhere: a missing service is never silently tolerated in CI."""
    if CI:
        pytest.fail(f"{reason} (CI mode: services are required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url():
    """The URL of a Redis that answers; the test skips outside CI when there is none."""
    url = broker_url()
    if problem := redis_problem(url):
        missing_service(problem)
    return url


@pytest.fixture(scope="session")
def requires_postgresql():
    """For tests that only mean something on PostgreSQL; they skip on SQLite outside CI."""
    if problem := postgresql_problem():
        missing_service(problem)


# --- every test ---------------------------------------------------------------
# Declared first so that it is torn down last, after any settings override is undone.
@pytest.fixture(autouse=True)
def _fresh_cache():
    """The database is rolled back after each test; the cache must be forgotten too."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def vietnamese(client):
    client.cookies["django_language"] = "vi"
    return client


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client
