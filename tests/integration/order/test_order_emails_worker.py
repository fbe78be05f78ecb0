"""The order e-mails with a real Celery worker fed through Redis: sent after the order commits, kept
while the broker is down and sent once by the sweep when it is back; unpaid orders cancelled."""

from datetime import timedelta

import pytest
from celery import Celery
from django.db import transaction
from django.utils import timezone

from shop.order.models import LineStatus, OrderNotification
from shop.order.notifications import order_placed
from shop.order.tasks import cancel_overdue_payments, send_order_notification, send_pending_order_notifications
from shop.payments.models import Payment, PaymentState
from tests.integration.conftest import wait_for
from tests.unit.order.mail_helpers import split_order

# serialized_rollback: the data the migrations made comes back after the flush, for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: Nothing listens on this port: a broker that is down.
DOWN_BROKER = "redis://127.0.0.1:9/0"


@pytest.fixture
def broker_down(celery_worker):
    """Make the tasks sent from this thread go to a broker that does not answer, until ``back()``."""
    down = Celery("shop-broker-down", set_as_current=False)
    down.config_from_object("django.conf:settings", namespace="CELERY")
    down.conf.update(
        # Celery reads CELERY_BROKER_URL from the environment before its settings (CI sets it); tasks
        # are published through the write URL, which the environment does not set.
        broker_url=DOWN_BROKER,
        broker_write_url=DOWN_BROKER,
        task_always_eager=False,
        task_publish_retry=False,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        broker_connection_timeout=2,
    )
    down.set_current()

    class Switch:
        @staticmethod
        def back():
            celery_worker.set_current()

    yield Switch
    celery_worker.set_current()
    down.close()


def placed():
    split = split_order()
    with transaction.atomic():
        order_placed(split.order)
    return split


def sent_count():
    return OrderNotification.objects.exclude(sent_at=None).count()


def test_the_worker_sends_the_emails_after_the_order_commits(celery_worker, mailoutbox):
    split = placed()
    assert wait_for(lambda: len(mailoutbox) == 4), f"the worker sent {len(mailoutbox)} of 4 e-mails in 20 seconds"
    assert sorted(message.to[0] for message in mailoutbox) == [
        "camvuquang@example.vn",
        "chehuongson@example.vn",
        "diemban.thanhsen@example.vn",
        "lan@example.vn",
    ]
    assert wait_for(lambda: sent_count() == 4)
    assert OrderNotification.objects.filter(order=split.order).count() == 4


def test_a_broker_that_is_down_keeps_the_order_and_the_sweep_sends_each_email_once(
    celery_worker, broker_down, mailoutbox, caplog
):
    split = placed()  # every enqueue after the commit fails: the broker does not answer

    assert caplog.text.count("the broker is unreachable") == 4
    split.order.refresh_from_db()  # the order committed
    assert OrderNotification.objects.filter(order=split.order, sent_at=None).count() == 4
    assert not wait_for(lambda: mailoutbox, timeout=2)

    broker_down.back()
    OrderNotification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    # The sweep may run twice at once (a slow run overlapping the next); each e-mail still goes once.
    send_pending_order_notifications.delay()
    send_pending_order_notifications.delay()
    assert wait_for(lambda: sent_count() == 4), "the sweep did not send the e-mails within 20 seconds"
    for notification_id in OrderNotification.objects.values_list("pk", flat=True):
        send_order_notification.delay(notification_id)  # a late duplicate of a lost enqueue
    send_pending_order_notifications.delay()
    assert not wait_for(lambda: len(mailoutbox) > 4, timeout=3)
    assert len(mailoutbox) == 4
    assert sorted(message.to[0] for message in mailoutbox) == [
        "camvuquang@example.vn",
        "chehuongson@example.vn",
        "diemban.thanhsen@example.vn",
        "lan@example.vn",
    ]


def test_the_worker_cancels_an_overdue_transfer_and_tells_the_buyer_once(celery_worker, mailoutbox, monkeypatch):
    # Cancelling returns stock, which re-indexes the products. celery_worker runs that index task with
    # apply() in the calling thread; in the worker its task_postrun would close the connection of the
    # cancelling task's open transaction, so it runs here without Celery's signals.
    from search.tasks import update_places, update_products

    monkeypatch.setattr("search.indexing._send", lambda product_ids: update_products.run(product_ids))
    monkeypatch.setattr("search.indexing._send_places", lambda keys: update_places.run(keys))
    split = placed()
    assert wait_for(lambda: len(mailoutbox) == 4)
    mailoutbox.clear()
    Payment.objects.filter(order=split.order).update(pay_by=timezone.now() - timedelta(minutes=5))

    cancel_overdue_payments.delay()
    cancel_overdue_payments.delay()
    assert wait_for(lambda: mailoutbox), "no cancellation e-mail within 20 seconds"
    assert not wait_for(lambda: len(mailoutbox) > 1, timeout=3)
    (message,) = mailoutbox
    assert message.to == ["lan@example.vn"]
    assert "100101" in message.subject
    assert Payment.objects.get(order=split.order).state == PaymentState.CANCELLED
    assert set(split.order.lines.values_list("status", flat=True)) == {LineStatus.CANCELLED}
    assert split.stockrecords() == [(20, 0), (10, 0)]
