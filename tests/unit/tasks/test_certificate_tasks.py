"""The periodic certificate tasks: expiries into the history, reminders to producers 60 and 14 days ahead."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation
from freezegun import freeze_time

from catalog.certificates import withdraw_certificate
from catalog.models import CertificateEvent, ExpiryReminder
from catalog.tasks import record_certificate_expiries, remind_expiring_certificates
from shop.celery import app
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

# 10:00 in Hà Nội on 10 March 2026.
NOW = "2026-03-10 03:00:00"
DAY = date(2026, 3, 10)


def certificate_ending(valid_until, **fields):
    fields.setdefault("decision_date", valid_until - timedelta(days=900))
    return CertificateFactory(valid_from=fields["decision_date"], valid_until=valid_until, **fields)


def test_both_tasks_are_in_the_beat_schedule():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"catalog.tasks.record_certificate_expiries", "catalog.tasks.remind_expiring_certificates"} <= scheduled
    assert "catalog.tasks.record_certificate_expiries" in app.tasks
    assert "catalog.tasks.remind_expiring_certificates" in app.tasks


@freeze_time(NOW)
def test_record_certificate_expiries_writes_each_expiry_once():
    expired = certificate_ending(DAY - timedelta(days=1))
    last_day = certificate_ending(DAY)
    assert record_certificate_expiries.delay().get() == 1
    assert record_certificate_expiries.delay().get() == 0
    assert list(expired.events.values_list("kind", "occurred_on")) == [(CertificateEvent.Kind.EXPIRED, DAY)]
    assert not last_day.events.exists()


def test_record_certificate_expiries_follows_the_local_date():
    certificate = certificate_ending(DAY)
    # 16:59 UTC is 23:59 in Hà Nội: still the last valid day.
    with freeze_time("2026-03-10 16:59:59"):
        assert record_certificate_expiries() == 0
    # 17:00 UTC is midnight in Hà Nội: the certificate has expired.
    with freeze_time("2026-03-10 17:00:00"):
        assert record_certificate_expiries() == 1
    assert certificate.events.get().occurred_on == date(2026, 3, 11)


@freeze_time(NOW)
def test_the_producer_and_its_staff_are_told_60_days_ahead_in_vietnamese_once():
    producer = ProducerFactory(name="HTX Nước mắm Lộc Hà & Cửa Sót", email="htx.locha@example.vn")
    staff = get_user_model().objects.create_user(username="chi.lan", email="lan@example.vn", password="x")
    no_address = get_user_model().objects.create_user(username="anh.hung", email="", password="x")
    producer.users.add(staff, no_address)
    product = ProductFactory(producer=producer, title='Nước mắm cốt "Lộc Hà"')
    certificate = certificate_ending(DAY + timedelta(days=60), product=product, number="OCOP-HT-00777", stars=4)

    assert remind_expiring_certificates.delay().get() == 1
    assert remind_expiring_certificates.delay().get() == 0

    (message,) = mail.outbox
    assert message.to == ["htx.locha@example.vn", "lan@example.vn"]
    assert message.extra_headers["Content-Language"] == "vi"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    # Plain text: nothing HTML-escaped, dates written the Vietnamese way.
    assert 'Nước mắm cốt "Lộc Hà"' in message.subject
    assert "09/05/2026" in message.subject
    assert "\n" not in message.subject
    assert "HTX Nước mắm Lộc Hà & Cửa Sót" in message.body
    assert 'Nước mắm cốt "Lộc Hà"' in message.body
    assert "OCOP-HT-00777" in message.body
    assert "09/05/2026" in message.body
    assert "&quot;" not in message.body and "&amp;" not in message.body
    assert ExpiryReminder.objects.get().days_before == 60
    assert certificate.expiry_reminders.get().valid_until == date(2026, 5, 9)


def test_the_reminder_is_written_in_vietnamese_whatever_the_worker_language(monkeypatch):
    languages = []
    from shop import mail

    original = mail.render_to_string

    def spy(*args, **kwargs):
        languages.append(translation.get_language())
        return original(*args, **kwargs)

    monkeypatch.setattr(mail, "render_to_string", spy)
    certificate_ending(DAY + timedelta(days=14))
    with freeze_time(NOW), translation.override("en"):
        assert remind_expiring_certificates() == 1
    assert languages == ["vi", "vi"]


def test_then_again_14_days_ahead_and_not_in_between():
    certificate = certificate_ending(DAY + timedelta(days=60))
    sent_on = []
    for offset in range(0, 62):
        with freeze_time(f"{DAY + timedelta(days=offset)} 03:00:00"):
            if remind_expiring_certificates():
                sent_on.append(offset)
    # 60 days ahead, then 14 days ahead; after the end the product is off sale and nothing more is sent.
    assert sent_on == [0, 46]
    assert len(mail.outbox) == 2
    assert sorted(certificate.expiry_reminders.values_list("days_before", flat=True)) == [14, 60]


def test_a_missed_run_sends_the_reminder_still_due():
    certificate_ending(DAY + timedelta(days=30))
    certificate_ending(DAY + timedelta(days=5))
    with freeze_time(NOW):
        assert remind_expiring_certificates() == 2
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [14, 60]


def test_no_reminder_for_expired_or_withdrawn_certificates():
    certificate_ending(DAY - timedelta(days=1))
    withdrawn = certificate_ending(DAY + timedelta(days=14))
    withdraw_certificate(withdrawn, occurred_on=DAY, reference="Quyết định 90/QĐ-UBND")
    with freeze_time(NOW):
        assert remind_expiring_certificates() == 0
    assert mail.outbox == []


def test_a_failed_send_is_not_marked_as_sent(monkeypatch):
    certificate_ending(DAY + timedelta(days=14))
    from django.core.mail import EmailMessage

    def broken(self, fail_silently=False):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with freeze_time(NOW), pytest.raises(ConnectionError):
        remind_expiring_certificates.run()
    assert not ExpiryReminder.objects.exists()
    monkeypatch.undo()
    with freeze_time(NOW):
        assert remind_expiring_certificates() == 1
    assert len(mail.outbox) == 1
