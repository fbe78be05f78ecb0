"""Recording scans of a stamp and telling when a genuine code is scanned too often.

Nothing personal is kept: a scan stores the time and a keyed hash of the client's network
prefix (IPv4 /24, IPv6 /48), enough to tell many networks from one, not who scanned.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from shop.stamps.models import Stamp, StampScan

NETWORK_HASH_LENGTH = 16
SUSPICION_WINDOW = timedelta(days=1)


def client_address(request):
    """The client's IP address, read through the proxies settings.TRUSTED_PROXY_COUNT says are ours."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return address


def _keyed_hash(text):
    digest = hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()
    return digest[:NETWORK_HASH_LENGTH]


def network_of(address):
    """A keyed hash of the address's network prefix: /24 for IPv4, /48 for IPv6."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _keyed_hash("unknown")
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return _keyed_hash(str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)))


def client_key(address):
    """A keyed hash of the whole address, for rate limiting (kept only in the cache, briefly)."""
    return _keyed_hash(f"client:{address}")


def record_scan(stamp, network, now=None):
    """Count one scan of ``stamp`` from ``network``, refresh the stamp's scan fields and return
    its Suspicion, this scan included.

    Two statements: the scan's INSERT, then one ``UPDATE ... SET scan_count = scan_count + 1 ...
    RETURNING`` the new count, the first scan's time and the networks of the last day (PostgreSQL,
    and SQLite since 3.35). Concurrent scans never overwrite each other's count, and the row lock
    the update takes lasts until the request's transaction ends, so the count it returns is this
    scan's own. (The networks are counted in the statement's snapshot: a scan from another network
    committed while this one waited for the row may be left out; the hourly flagging recounts.)
    """
    now = now or timezone.now()
    stamps = connection.ops.quote_name(Stamp._meta.db_table)
    scans = connection.ops.quote_name(StampScan._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    window_start = connection.ops.adapt_datetimefield_value(now - SUSPICION_WINDOW)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The commit does not wait for the disk (about half the time the request spends outside
            # the view): should PostgreSQL itself crash, the scans of its last moment are lost,
            # consistently, and nothing else; a stamp's verdict does not hang on one scan.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # The table names are ours, the values are parameters.
        cursor.execute(
            f"INSERT INTO {scans} (stamp_id, scanned_at, network) VALUES (%s, %s, %s)",  # noqa: S608
            [stamp.pk, at, network],
        )
        cursor.execute(
            f"UPDATE {stamps} SET scan_count = scan_count + 1, "  # noqa: S608
            "first_scanned_at = COALESCE(first_scanned_at, %s), last_scanned_at = %s "
            "WHERE id = %s RETURNING scan_count, first_scanned_at, "
            f"(SELECT COUNT(DISTINCT network) FROM {scans} WHERE stamp_id = %s AND scanned_at > %s)",
            [at, at, stamp.pk, stamp.pk, window_start],
        )
        scan_count, first_scanned_at, networks = cursor.fetchone()
    if not isinstance(first_scanned_at, datetime) or timezone.is_naive(first_scanned_at):
        # SQLite hands back what it stores: text, or a naive datetime in UTC
        first_scanned_at = connection.ops.convert_datetimefield_value(first_scanned_at, None, connection)
    stamp.scan_count, stamp.first_scanned_at = scan_count, first_scanned_at
    stamp.last_scanned_at = now
    return Suspicion(scan_count=scan_count, networks_last_day=networks)


@dataclass(frozen=True)
class Suspicion:
    """Why a genuine code looks copied: too many scans in all, or from too many networks in a day."""

    scan_count: int
    networks_last_day: int

    @property
    def too_many_scans(self):
        return self.scan_count > settings.OCOP_STAMP_SUSPICIOUS_SCANS

    @property
    def too_many_networks(self):
        return self.networks_last_day > settings.OCOP_STAMP_SUSPICIOUS_NETWORKS_PER_DAY

    def __bool__(self):
        return self.too_many_scans or self.too_many_networks


def suspicion_of(stamp, now=None):
    """The stamp's Suspicion (false when it is scanned as a single item would be), for a look-up
    that records no scan (record_scan returns it with the scan)."""
    now = now or timezone.now()
    networks = (
        StampScan.objects.filter(stamp=stamp, scanned_at__gt=now - SUSPICION_WINDOW)
        .values("network")
        .distinct()
        .count()
    )
    return Suspicion(scan_count=stamp.scan_count, networks_last_day=networks)


def suspicious_stamps(since, now=None):
    """Stamps scanned since ``since`` that are now suspicious: ids with their batch ids."""
    now = now or timezone.now()
    recently_scanned = StampScan.objects.filter(scanned_at__gte=since).values("stamp_id").distinct()
    by_networks = (
        StampScan.objects.filter(scanned_at__gt=now - SUSPICION_WINDOW, stamp_id__in=recently_scanned)
        .values("stamp_id")
        .annotate(networks=Count("network", distinct=True))
        .filter(networks__gt=settings.OCOP_STAMP_SUSPICIOUS_NETWORKS_PER_DAY)
        .values("stamp_id")
    )
    return Stamp.objects.filter(pk__in=recently_scanned).filter(
        Q(scan_count__gt=settings.OCOP_STAMP_SUSPICIOUS_SCANS) | Q(pk__in=by_networks)
    )


def flag_suspicious_batches(since, now=None):
    """Flag, for the officers' dashboard, each batch with a stamp scanned since ``since`` that is
    now suspicious. A flag an officer has reviewed opens again only when more of the batch's
    stamps turn suspicious. Safe to run again. Returns the number of batches flagged anew."""
    from shop.stamps.models import StampBatch

    now = now or timezone.now()
    batch_ids = set(suspicious_stamps(since, now).values_list("batch_id", flat=True))
    counts = dict(
        suspicious_stamps(now - SUSPICION_WINDOW, now)
        .filter(batch_id__in=batch_ids)
        .values("batch_id")
        .annotate(stamps=Count("pk"))
        .values_list("batch_id", "stamps")
    )
    flagged = 0
    for batch in StampBatch.objects.filter(pk__in=batch_ids).select_for_update():
        stamps = counts.get(batch.pk, 0)
        if batch.is_flagged:
            batch.flagged_stamp_count = max(stamps, batch.flagged_stamp_count)
        elif batch.flagged_at is None or stamps > batch.flagged_stamp_count:
            batch.flagged_at, batch.flagged_stamp_count = now, stamps
            flagged += 1
        batch.save(update_fields=["flagged_at", "flagged_stamp_count"])
    return flagged


def purge_old_scans(now=None):
    """Forget scans older than settings.OCOP_STAMP_SCAN_RETENTION_DAYS; a stamp keeps its counts."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OCOP_STAMP_SCAN_RETENTION_DAYS)
    deleted, _by_model = StampScan.objects.filter(scanned_at__lt=cutoff).delete()
    return deleted
