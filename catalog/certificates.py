"""What coordination-office officers do to OCOP certificates, each change recorded in its history."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from catalog.models import CertificateEvent, ExpiryReminder, OcopCertificate, default_valid_until, today
from catalog.stars import stars_for_score


def _stars_for(score):
    try:
        return stars_for_score(score)
    except (TypeError, ValueError):
        raise ValidationError({"score": _("An OCOP score is a whole number from 0 to 100.")}) from None


@transaction.atomic
def issue_certificate(product, *, reference="", recorded_by=None, **fields):
    """Certify ``product``; the new certificate becomes the product's current one.

    ``fields`` are the OcopCertificate fields; stars follow from the score, and the certified
    product name is the product's title unless given (OcopCertificate.save).
    """
    fields.setdefault("stars", _stars_for(fields["score"]))
    certificate = OcopCertificate(product=product, **fields)
    if certificate.valid_until is None:
        certificate.valid_until = default_valid_until(certificate.valid_from)
    certificate.full_clean()
    certificate.save()
    product.certificate = certificate
    product.save(update_fields=["certificate", "date_updated"])
    certificate.events.create(
        kind=CertificateEvent.Kind.ISSUED,
        occurred_on=certificate.decision_date,
        stars_after=certificate.stars,
        score_after=certificate.score,
        valid_until_after=certificate.valid_until,
        reference=reference or f"{certificate.decision_number} — {certificate.issuing_authority}",
        recorded_by=recorded_by,
    )
    return certificate


@transaction.atomic
def rerate_certificate(certificate, *, score, occurred_on, reference, note="", recorded_by=None, certifying_level=None):
    """Record a re-evaluation or inspection that changed the score: an upgrade or a reduction of stars."""
    certificate = OcopCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == OcopCertificate.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn certificate cannot be re-rated; issue a new one."))
    stars_before = certificate.stars
    certificate.score = score
    certificate.stars = _stars_for(score)
    if certifying_level:
        certificate.certifying_level = certifying_level
    if certificate.stars == stars_before:
        raise ValidationError(_("The new score keeps the same number of stars; nothing to record."))
    certificate.full_clean()
    certificate.save(update_fields=["score", "stars", "certifying_level"])
    kind = CertificateEvent.Kind.UPGRADED if certificate.stars > stars_before else CertificateEvent.Kind.REDUCED
    certificate.events.create(
        kind=kind,
        occurred_on=occurred_on,
        stars_before=stars_before,
        stars_after=certificate.stars,
        score_after=score,
        valid_until_after=certificate.valid_until,
        reference=reference,
        note=note,
        recorded_by=recorded_by,
    )
    return certificate


@transaction.atomic
def withdraw_certificate(certificate, *, occurred_on, reference, note="", recorded_by=None):
    certificate = OcopCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == OcopCertificate.Status.WITHDRAWN:
        raise ValidationError(_("This certificate has already been withdrawn."))
    certificate.status = OcopCertificate.Status.WITHDRAWN
    certificate.withdrawn_on = occurred_on
    certificate.save(update_fields=["status", "withdrawn_on"])
    certificate.events.create(
        kind=CertificateEvent.Kind.WITHDRAWN,
        occurred_on=occurred_on,
        stars_before=certificate.stars,
        valid_until_after=certificate.valid_until,
        reference=reference,
        note=note,
        recorded_by=recorded_by,
    )
    return certificate


@transaction.atomic
def renew_certificate(
    certificate,
    *,
    decision_number,
    decision_date,
    valid_from,
    score=None,
    certifying_level=None,
    reference="",
    note="",
    recorded_by=None,
):
    """A re-evaluation renews the certificate for another validity period (36 months from ``valid_from``)."""
    certificate = OcopCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == OcopCertificate.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn certificate cannot be renewed; issue a new one."))
    stars_before = certificate.stars
    if score is not None:
        certificate.score = score
        certificate.stars = _stars_for(score)
    if certifying_level:
        certificate.certifying_level = certifying_level
    certificate.decision_number = decision_number
    certificate.decision_date = decision_date
    certificate.valid_from = valid_from
    certificate.valid_until = default_valid_until(valid_from)
    certificate.full_clean()
    certificate.save()
    certificate.events.create(
        kind=CertificateEvent.Kind.RENEWED,
        occurred_on=decision_date,
        stars_before=stars_before,
        stars_after=certificate.stars,
        score_after=certificate.score,
        valid_until_after=certificate.valid_until,
        reference=reference or f"{decision_number} — {certificate.issuing_authority}",
        note=note,
        recorded_by=recorded_by,
    )
    return certificate


def record_expiries(day=None):
    """Write an 'expired' entry in the history of each certificate that has run out. Safe to run again."""
    day = day or today()
    # Exists(), not exclude(events__…): exclude() across a multi-valued relation does not
    # require both conditions to hold for the same event, so a certificate that expired
    # once and was renewed (its "renewed" event carries the new end) would never expire again.
    already_recorded = CertificateEvent.objects.filter(
        certificate=OuterRef("pk"), kind=CertificateEvent.Kind.EXPIRED, valid_until_after=OuterRef("valid_until")
    )
    expired = OcopCertificate.objects.filter(status=OcopCertificate.Status.ACTIVE, valid_until__lt=day).exclude(
        Exists(already_recorded)
    )
    recorded = 0
    for certificate in expired.iterator():
        try:
            with transaction.atomic():
                certificate.events.create(
                    kind=CertificateEvent.Kind.EXPIRED,
                    # The first day without validity: a certificate valid until D expires at 00:00 on D + 1.
                    occurred_on=certificate.valid_until + timedelta(days=1),
                    stars_before=certificate.stars,
                    valid_until_after=certificate.valid_until,
                    reference=_("Validity ended"),
                )
        except IntegrityError:
            continue  # recorded meanwhile by another run
        recorded += 1
    return recorded


def certificates_due_reminder(days_before, day=None):
    """Certificates for sale whose end falls in this reminder's window and that were not yet reminded.

    Windows run from the next smaller reminder (exclusive) to this one (inclusive), so a
    missed run still sends the right reminder, once.
    """
    day = day or today()
    smaller = [days for days in settings.OCOP_EXPIRY_REMINDER_DAYS if days < days_before]
    window_start = day + timedelta(days=max(smaller) + 1 if smaller else 0)
    already_sent = ExpiryReminder.objects.filter(
        certificate=OuterRef("pk"), days_before=days_before, valid_until=OuterRef("valid_until")
    )
    return (
        OcopCertificate.objects.for_sale_on(day)
        .filter(product__certificate=F("pk"))  # the product's current certificate, not one it replaced
        .filter(valid_until__gte=window_start, valid_until__lte=day + timedelta(days=days_before))
        .exclude(Exists(already_sent))
        .select_related("product", "product__producer")
        .prefetch_related("product__producer__users")
    )
