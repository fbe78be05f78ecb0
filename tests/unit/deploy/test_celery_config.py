"""Celery's configuration: the periodic tasks, and where tasks run with and without a broker."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.beat import Scheduler
from celery.schedules import crontab
from django.conf import settings

from catalog.models import CertificateEvent, today
from shop.celery import app
from tests.factories import CertificateFactory, ProductFactory

ROOT = Path(__file__).resolve().parents[3]


def test_beat_schedule_has_the_certificate_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"catalog.tasks.record_certificate_expiries", "catalog.tasks.remind_expiring_certificates"} <= tasks


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"beat entry {name!r} names an unknown task {entry['task']!r}"


def test_beat_can_build_its_schedule():
    scheduler = Scheduler(app, lazy=True)
    scheduler.setup_schedule()
    for name in settings.CELERY_BEAT_SCHEDULE:
        entry = scheduler.schedule[name]
        if isinstance(entry.schedule, crontab):
            assert len(entry.schedule.minute) < 60, name  # not every minute
        else:
            assert entry.schedule.run_every >= timedelta(minutes=1), name
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"


def celery_configuration(**environment):
    """Broker and eagerness as a fresh process sees them, with only ``environment`` set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "REDIS_", "DJANGO_"))}
    # Empty values win over a developer's .env.
    env.update({"REDIS_URL": "", "CELERY_BROKER_URL": "", "DJANGO_SETTINGS_MODULE": "shop.settings.dev"})
    env.update(environment)
    code = (
        "import json, django; django.setup(); from shop.celery import app; "
        "print(json.dumps([app.conf.broker_url, app.conf.task_always_eager]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_broker_tasks_run_in_the_process():
    assert celery_configuration() == ["memory://", True]


def test_redis_url_makes_redis_the_broker():
    assert celery_configuration(REDIS_URL="redis://127.0.0.1:6379/1") == ["redis://127.0.0.1:6379/1", False]


def test_an_explicit_broker_wins_over_redis_url():
    configuration = celery_configuration(
        REDIS_URL="redis://127.0.0.1:6379/1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )
    assert configuration == ["redis://127.0.0.1:6379/0", False]


@pytest.mark.django_db
def test_an_eager_task_does_its_work_where_it_is_sent():
    decided = today() - timedelta(days=4 * 365)
    certificate = CertificateFactory(product=ProductFactory(), decision_date=decided, valid_from=decided)
    from catalog.tasks import record_certificate_expiries

    assert app.conf.task_always_eager  # shop.settings.test
    result = record_certificate_expiries.delay()
    assert result.get() == 1
    assert certificate.events.filter(kind=CertificateEvent.Kind.EXPIRED).count() == 1
