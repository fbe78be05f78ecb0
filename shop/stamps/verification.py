"""What a buyer learns by scanning a stamp: the verdict of ``/t/<code>`` and the facts behind it.

Verdicts, strongest first: an unknown code (possibly counterfeit), a revoked stamp, a suspicious
one (a genuine code scanned far more often than one item would be), a genuine stamp whose
product's OCOP certificate no longer allows its sale, and a genuine one. A stamp keeps the lesser
warnings as data too: a revoked stamp still says whether its product's certificate lapsed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import today
from shop.stamps.codes import normalize_code
from shop.stamps.facts import batch_facts
from shop.stamps.models import Stamp, StampBatch, StampRevocation
from shop.stamps.scans import Suspicion, record_scan, suspicion_of

# The longest text taken as a code from an address (/t/<code>) or a report (CounterfeitReport.code).
MAX_CODE_INPUT = 64


class Verdict(models.TextChoices):
    GENUINE = "genuine", _("Genuine stamp")
    CERTIFICATE_LAPSED = "certificate_lapsed", _("Genuine stamp, but the OCOP certificate is no longer valid")
    REVOKED = "revoked", _("Revoked stamp")
    UNKNOWN = "unknown", _("Unknown code: possibly counterfeit")
    SUSPICIOUS = "suspicious", _("Suspicious: this code has been scanned unusually often")


# Strongest first: the first that applies is the verdict, the others are warnings.
PRECEDENCE = (Verdict.UNKNOWN, Verdict.REVOKED, Verdict.SUSPICIOUS, Verdict.CERTIFICATE_LAPSED, Verdict.GENUINE)

# The problems of OcopCertificate.problem_on, in the buyer's words.
CERTIFICATE_PROBLEMS = {
    "withdrawn": _("The OCOP certificate was withdrawn"),
    "expired": _("The OCOP certificate has expired"),
    "reduced": _("The OCOP rating was reduced below the level required for sale"),
    "low_stars": _("The OCOP rating is below the level required for sale"),
    "not_yet_valid": _("The OCOP certificate is not valid yet"),
}


@dataclass
class Verification:
    """The verdict on one code and what the page and the JSON show with it."""

    code: str
    verdict: Verdict
    warnings: tuple = ()
    stamp: Stamp | None = None
    batch: StampBatch | None = None
    product: object = None
    producer: object = None
    certificate: object = None
    certificate_problem: str = ""
    certificate_problem_since: date | None = None
    revocation: StampRevocation | None = None
    suspicion: Suspicion | None = None
    image_url: str = ""
    thumbnail_url: str = ""
    facts_token: str = ""
    day: date = field(default_factory=today)

    # --- the stamp ---------------------------------------------------------
    @property
    def is_known(self):
        return self.stamp is not None

    @property
    def serial(self):
        return self.stamp.serial if self.stamp else ""

    @property
    def scan_count(self):
        return self.stamp.scan_count if self.stamp else 0

    @property
    def first_scanned_at(self):
        return self.stamp.first_scanned_at if self.stamp else None

    @property
    def verdict_label(self):
        return Verdict(self.verdict).label

    # --- revocation ------------------------------------------------------------
    @property
    def revocation_reason(self):
        return self.revocation.reason if self.revocation else ""

    @property
    def revocation_reason_label(self):
        return self.revocation.get_reason_display() if self.revocation else ""

    @property
    def revoked_on(self):
        return timezone.localdate(self.revocation.revoked_at) if self.revocation else None

    # --- certificate -------------------------------------------------------------
    @property
    def certificate_lapsed(self):
        return bool(self.certificate_problem)

    @property
    def certificate_problem_label(self):
        return CERTIFICATE_PROBLEMS[self.certificate_problem] if self.certificate_problem else ""

    @property
    def certificate_problem_text(self):
        """Which problem and since when, as a sentence in the active language ("" when valid)."""
        problem, since, certificate = self.certificate_problem, self.certificate_problem_since, self.certificate
        minimum = settings.OCOP_MIN_STARS_FOR_SALE
        if problem == "withdrawn":
            if since is None:
                return gettext("The product's OCOP certificate has been withdrawn.")
            return gettext("The product's OCOP certificate was withdrawn on %(date)s.") % {"date": _short(since)}
        if problem == "expired":
            return gettext(
                "The product's OCOP certificate has not been valid since %(date)s (it was valid until %(until)s)."
            ) % {
                "date": _short(since),
                "until": _short(certificate.valid_until),
            }
        if problem == "reduced" and since is not None:
            return gettext(
                "The product's OCOP rating was reduced to %(stars)s stars on %(date)s; "
                "products under %(minimum)s stars are not sold as OCOP products."
            ) % {"stars": certificate.stars, "date": _short(since), "minimum": minimum}
        if problem in ("reduced", "low_stars"):
            return gettext(
                "The product's OCOP rating is %(stars)s stars; products under %(minimum)s stars are not sold as OCOP products."
            ) % {"stars": certificate.stars, "minimum": minimum}
        if problem == "not_yet_valid":
            return gettext("The product's current OCOP certificate is valid only from %(date)s.") % {
                "date": _short(certificate.valid_from)
            }
        return ""

    # --- the batch -------------------------------------------------------------
    @property
    def lot(self):
        return self.batch.lot if self.batch else ""

    @property
    def produced_on(self):
        return self.batch.produced_on if self.batch else None

    @property
    def expires_on(self):
        return self.batch.expires_on if self.batch else None

    @property
    def is_past_expiry(self):
        """Whether the goods of this lot are past their expiry date."""
        return self.expires_on is not None and self.expires_on < self.day

    # --- the product -------------------------------------------------------------
    @property
    def product_name(self):
        return self.product.get_title() if self.product else ""

    @property
    def product_is_for_sale(self):
        return self.product is not None and self.product.is_for_sale_on(self.day)

    @property
    def product_url(self):
        """The product's page, while the product is for sale; otherwise there is no page to show."""
        return self.product.get_absolute_url() if self.product_is_for_sale else ""

    @property
    def province_name(self):
        return self.producer.province_name if self.producer else ""

    # --- links -----------------------------------------------------------------
    @property
    def page_path(self):
        return _path("stamps:verify", self.code)

    @property
    def report_path(self):
        return _path("stamps:report", self.code)

    def as_json(self):
        """The verdict for apps: stable keys (null where a fact does not apply), ISO dates and
        absolute URLs, the verdict as a code and as a label in the active language."""
        stamp = batch = product = producer = certificate = revocation = suspicion = None
        if self.stamp is not None:
            stamp = {
                "serial": self.serial,
                "scan_count": self.scan_count,
                "first_scanned_at": _iso(self.first_scanned_at),
                "revoked": self.revocation is not None,
            }
            batch = {
                "lot": self.lot,
                "produced_on": _iso(self.produced_on),
                "expires_on": _iso(self.expires_on),
                "past_expiry": self.is_past_expiry,
            }
            product = {
                "name": self.product_name,
                "for_sale": self.product_is_for_sale,
                "url": absolute_url(self.product_url),
                "image_url": absolute_url(self.image_url),
                "thumbnail_url": absolute_url(self.thumbnail_url),
            }
            producer = {
                "name": self.producer.name,
                "province_code": self.producer.province_code,
                "province": self.province_name,
                "url": absolute_url(self.producer.get_absolute_url()) if self.producer.code else None,
            }
            suspicion = {
                "suspicious": bool(self.suspicion),
                "scan_count": self.suspicion.scan_count,
                "networks_last_day": self.suspicion.networks_last_day,
                "too_many_scans": self.suspicion.too_many_scans,
                "too_many_networks": self.suspicion.too_many_networks,
            }
        if self.certificate is not None:
            certificate = {
                "number": self.certificate.number,
                "stars": self.certificate.stars,
                "valid_from": _iso(self.certificate.valid_from),
                "valid_until": _iso(self.certificate.valid_until),
                "issuing_authority": self.certificate.issuing_authority,
                "valid": not self.certificate_problem,
                "problem": self.certificate_problem or None,
                "problem_label": str(self.certificate_problem_label) or None,
                "problem_text": self.certificate_problem_text or None,
                "problem_since": _iso(self.certificate_problem_since),
            }
        if self.revocation is not None:
            revocation = {
                "reason": self.revocation_reason,
                "reason_label": self.revocation_reason_label,
                "revoked_on": _iso(self.revoked_on),
            }
        return {
            "code": self.code,
            "verdict": str(self.verdict),
            "verdict_label": str(self.verdict_label),
            "warnings": [str(warning) for warning in self.warnings],
            "verification_url": absolute_url(self.page_path),
            "report_url": absolute_url(self.report_path),
            "stamp": stamp,
            "revocation": revocation,
            "suspicion": suspicion,
            "product": product,
            "producer": producer,
            "certificate": certificate,
            "batch": batch,
        }


def find_stamp(code):
    """The stamp whose code this is (any case, surrounding spaces ignored), or None.

    Its row (and revocation) come from the database; its batch, with the batch's product, producer
    and certificates, from shop.stamps.facts (the cache). The product photo's URLs are in the
    stamp's ``batch_facts``.
    """
    normalized = normalize_code(code)
    if normalized is None:
        return None
    try:  # get(), not first(): a code is unique, and first() would sort by the batch's ordering too
        stamp = Stamp.objects.get(code=normalized)  # its revocation, rare, is read when there is one
    except Stamp.DoesNotExist:
        return None
    stamp.batch_facts = batch_facts(stamp.batch_id)
    stamp.batch = stamp.batch_facts.batch
    return stamp


def verify(code, *, day=None, now=None, scan_network=None):
    """The Verification of ``code`` on ``day`` (today) at ``now``.

    With ``scan_network`` (shop.stamps.scans.network_of the client's address), a code that
    matches a stamp is recorded as one scan first, so the verdict and counts include it.
    """
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    normalized = normalize_code(code)
    stamp = find_stamp(normalized) if normalized else None
    if stamp is None:
        # A malformed code is simply unknown; it keeps what was given, for the links and a report.
        return Verification(code=normalized or (code or "").strip()[:MAX_CODE_INPUT], verdict=Verdict.UNKNOWN, day=day)
    suspicion = record_scan(stamp, scan_network, now=now) if scan_network is not None else None
    return judge(stamp, day=day, now=now, suspicion=suspicion)


def judge(stamp, *, day, now, suspicion=None):
    """The Verification of a known stamp (one that find_stamp returned); its Suspicion is looked
    up unless given (record_scan returns it)."""
    batch = stamp.batch
    product = batch.product
    certificate = product.certificate or batch.certificate
    problem, since = certificate_problem(certificate, day)
    if suspicion is None:
        suspicion = suspicion_of(stamp, now=now)
    applies = {
        Verdict.REVOKED: stamp.revocation is not None,
        Verdict.SUSPICIOUS: bool(suspicion),
        Verdict.CERTIFICATE_LAPSED: bool(problem),
    }
    found = [verdict for verdict in PRECEDENCE if applies.get(verdict)]
    return Verification(
        code=stamp.code,
        verdict=found[0] if found else Verdict.GENUINE,
        warnings=tuple(found[1:]),
        stamp=stamp,
        batch=batch,
        product=product,
        producer=batch.producer,
        certificate=certificate,
        certificate_problem=problem,
        certificate_problem_since=since,
        revocation=stamp.revocation,
        suspicion=suspicion,
        image_url=stamp.batch_facts.image_url,
        thumbnail_url=stamp.batch_facts.thumbnail_url,
        facts_token=stamp.batch_facts.token,
        day=day,
    )


def certificate_problem(certificate, day):
    """(problem, since when) of the certificate on ``day``: ("", None) when it allows a sale.

    Withdrawn: since its withdrawal; expired: since the day after its last valid day; reduced:
    since the reduction; low stars: since it took effect; not yet valid: no date before it starts.
    """
    problem = certificate.problem_on(day)
    if problem == "withdrawn":
        return problem, certificate.withdrawn_on
    if problem == "expired":
        return problem, certificate.valid_until + timedelta(days=1)
    if problem == "reduced":
        reduction = certificate.last_reduction()
        return problem, reduction.occurred_on if reduction else None
    if problem == "low_stars":
        return problem, certificate.valid_from
    return problem, None


def absolute_url(path):
    """``path`` on the public site (settings.SITE_URL); a URL that is already absolute stays."""
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _path(name, code):
    try:
        return reverse(name, kwargs={"code": code}) if code else ""
    except NoReverseMatch:  # a text with a slash, given from Python: no page has that address
        return ""


def _short(day):
    return date_format(day, "SHORT_DATE_FORMAT")


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()
