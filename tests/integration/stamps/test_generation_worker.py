"""A real Celery worker generates an issued batch in the background, then its print files."""

from datetime import timedelta

import pytest
from django.db import transaction

from catalog.models import today
from shop.stamps.issuing import issue_batch
from shop.stamps.models import StampBatch
from shop.stamps.tasks import generate_batch  # noqa: F401 — registers the tasks with the test worker's app
from tests.factories import certified_product
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_worker_generates_the_stamps_and_print_files_after_the_officer_commits(celery_worker):
    product = certified_product()
    with transaction.atomic():
        batch = issue_batch(product=product, quantity=40, lot="L-2026-11", produced_on=today() - timedelta(days=2))
        assert StampBatch.objects.get(pk=batch.pk).status == StampBatch.Status.GENERATING

    ready = wait_for(lambda: StampBatch.objects.filter(pk=batch.pk, status=StampBatch.Status.READY).first(), timeout=60)
    assert ready is not None, "the worker did not make the batch ready within 60 seconds"
    assert ready.generated_count == 40
    assert ready.stamps.count() == 40
    assert ready.pdf_file.storage.exists(ready.pdf_file.name)
    assert ready.zip_file.storage.exists(ready.zip_file.name)
