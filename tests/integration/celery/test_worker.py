"""A real Celery worker, fed through Redis, runs our tasks on committed data."""

from datetime import timedelta

import pytest
from celery.signals import before_task_publish, task_postrun
from django.db import transaction

from catalog.models import CertificateEvent, ExpiryReminder, today
from catalog.tasks import record_certificate_expiries, remind_expiring_certificates
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory
from tests.integration.conftest import wait_for

# serialized_rollback: the data the migrations made (Wagtail's root page, the home page, the site)
# comes back after the flush, for the tests that run after these.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def published():
    """Names of the tasks handed to the broker during the test, in order."""
    names = []

    def record(sender=None, **kwargs):
        names.append(sender)

    before_task_publish.connect(record, weak=False)
    yield names
    before_task_publish.disconnect(record)


@pytest.fixture
def finished():
    """(task name, return value) of each task the worker has run during the test, in order."""
    runs = []

    def record(sender=None, retval=None, **kwargs):
        if sender.name != "search.tasks.update_products":  # run in place by celery_worker, not by the worker
            runs.append((sender.name, retval))

    task_postrun.connect(record, weak=False)
    yield runs
    task_postrun.disconnect(record)


def expired_certificate():
    decided = today() - timedelta(days=4 * 365)
    return CertificateFactory(product=ProductFactory(), decision_date=decided, valid_from=decided)


def test_worker_records_an_expiry_sent_after_commit(celery_worker, published):
    with transaction.atomic():
        certificate = expired_certificate()
        record_certificate_expiries.delay_on_commit()
        # Still inside the transaction: nothing has reached the broker yet.
        assert published == []
    assert published == ["catalog.tasks.record_certificate_expiries"]

    event = wait_for(
        lambda: CertificateEvent.objects.filter(certificate=certificate, kind=CertificateEvent.Kind.EXPIRED).first()
    )
    assert event is not None, "the worker did not record the expiry within 20 seconds"
    assert event.occurred_on == certificate.valid_until + timedelta(days=1)  # the first day without validity
    assert event.valid_until_after == certificate.valid_until
    assert event.stars_before == certificate.stars


def test_work_rolled_back_sends_no_task(celery_worker, published):
    with pytest.raises(RuntimeError), transaction.atomic():
        expired_certificate()
        record_certificate_expiries.delay_on_commit()
        raise RuntimeError("the officer's form was invalid")
    assert published == []


def test_worker_running_the_task_twice_records_one_expiry(celery_worker, finished):
    certificate = expired_certificate()
    record_certificate_expiries.delay()
    record_certificate_expiries.delay()

    assert wait_for(lambda: len(finished) == 2), "the worker did not run both tasks within 20 seconds"
    assert finished == [
        ("catalog.tasks.record_certificate_expiries", 1),
        ("catalog.tasks.record_certificate_expiries", 0),
    ]
    assert CertificateEvent.objects.filter(certificate=certificate, kind=CertificateEvent.Kind.EXPIRED).count() == 1


def test_worker_sends_the_expiry_reminder_in_vietnamese(celery_worker, mailoutbox):
    producer = ProducerFactory(email="htx.camkhe@example.vn")
    product = ProductFactory(producer=producer, title="Cam Khe Mây")
    valid_from = today() - timedelta(days=200)
    certificate = CertificateFactory(product=product, valid_from=valid_from, valid_until=today() + timedelta(days=10))

    transaction.on_commit(remind_expiring_certificates.delay)  # autocommit: sent at once

    assert wait_for(lambda: len(mailoutbox) == 1), "the worker sent no reminder within 20 seconds"
    message = mailoutbox[0]
    assert message.to == ["htx.camkhe@example.vn"]
    assert "Cam Khe Mây" in message.subject + message.body
    assert ExpiryReminder.objects.filter(certificate=certificate, days_before=14).exists()
