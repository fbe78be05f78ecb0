"""/t/<code>: the verdict page and its JSON for every verdict, content negotiation, languages, scans."""

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from catalog.certificates import rerate_certificate, withdraw_certificate
from catalog.models import today
from shop.stamps.models import CounterfeitReport, RevocationReason, Stamp, StampScan
from shop.stamps.revocation import revoke, revoke_batch
from shop.stamps.scans import network_of
from tests.functional.stamps.conftest import BUYER_ADDRESS

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def page(client, code, **extra):
    return client.get(f"/t/{code}", headers={"accept": BROWSER_ACCEPT}, **extra)


def data(client, code):
    return client.get(f"/t/{code}.json")


def verdict_of(response):
    match = re.search(r'data-verdict="([a-z_]+)"', response.content.decode())
    return match.group(1) if match else None


# --- every verdict, in HTML and in JSON --------------------------------------------------


def test_genuine_page_shows_everything_a_buyer_checks(english, stamp, batch, honey):
    response = page(english, stamp.code)
    assert response.status_code == 200
    assert verdict_of(response) == "genuine"
    html = response.content.decode()
    assert "Genuine OCOP stamp" in html
    assert f'<a href="{honey.get_absolute_url()}">Mật ong rừng Hương Sơn – Hũ 500 g</a>' in html
    assert 'aria-label="4-star OCOP"' in html and "★★★★" in html
    assert 'href="/producers/htx-mat-ong-huong-son/">HTX Mật ong Hương Sơn</a>' in html
    assert "Hà Tĩnh" in html
    certificate = honey.certificate
    assert certificate.number in html
    assert f"{certificate.valid_from:%d/%m/%Y} to {certificate.valid_until:%d/%m/%Y}" in html
    assert "MO-2026-03" in html
    assert f"{batch.produced_on:%d/%m/%Y}" in html and f"{batch.expires_on:%d/%m/%Y}" in html
    assert stamp.serial in html and stamp.serial.startswith("HT-")
    assert "This is the first scan of this stamp." in html
    assert re.search(r'<img class="ocop-stamp-photo" src="/media/[^"]+\.jpg" alt="Mật ong rừng', html)
    assert f'href="/t/{stamp.code}/report/"' in html


def test_genuine_json(english, stamp, honey, settings):
    settings.SITE_URL = "https://ocop.example.vn"
    response = data(english, stamp.code)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["verdict"] == "genuine" and body["verdict_label"] == "Genuine stamp"
    assert body["stamp"]["serial"] == stamp.serial and body["stamp"]["scan_count"] == 1
    assert body["product"]["url"] == "https://ocop.example.vn" + honey.get_absolute_url()
    assert body["product"]["image_url"].startswith("https://ocop.example.vn/media/")
    assert body["product"]["thumbnail_url"].startswith("https://ocop.example.vn/media/")
    assert body["certificate"]["number"] == honey.certificate.number and body["certificate"]["valid"] is True


@pytest.mark.parametrize(
    ("change", "problem", "sentence"),
    [
        ("withdrawn", "withdrawn", "The product's OCOP certificate was withdrawn on {since:%d/%m/%Y}."),
        ("reduced", "reduced", "The product's OCOP rating was reduced to 2 stars on {since:%d/%m/%Y}"),
        ("expired", "expired", "The product's OCOP certificate has not been valid since {since:%d/%m/%Y}"),
    ],
)
def test_certificate_lapsed_says_which_and_since_when(english, stamp, honey, change, problem, sentence):
    certificate = honey.certificate
    if change == "withdrawn":
        since = today() - timedelta(days=3)
        withdraw_certificate(certificate, occurred_on=since, reference="21/QĐ-UBND")
        clock = timezone.now()
    elif change == "reduced":
        since = today() - timedelta(days=5)
        rerate_certificate(certificate, score=45, occurred_on=since, reference="Biên bản kiểm tra 3/BB-VPĐP")
        clock = timezone.now()
    else:
        since = certificate.valid_until + timedelta(days=1)
        clock = datetime.combine(since + timedelta(days=10), datetime.min.time(), HANOI).replace(hour=9)
    with freeze_time(clock):
        response = page(english, stamp.code)
        body = data(english, stamp.code).json()
    assert response.status_code == 200
    assert verdict_of(response) == "certificate_lapsed"
    html = unescape(response.content.decode())
    assert "Genuine stamp, but the OCOP certificate is no longer valid" in html
    assert sentence.format(since=since) in html
    # No longer for sale: the name is not a link to a page buyers cannot open.
    assert f'href="{honey.get_absolute_url()}"' not in html
    assert body["verdict"] == "certificate_lapsed"
    assert body["certificate"]["problem"] == problem
    assert body["certificate"]["problem_since"] == since.isoformat()
    assert body["product"]["url"] is None and body["product"]["for_sale"] is False


@pytest.mark.parametrize("scope", ["one", "range", "batch"])
def test_revoked_stamps_say_why_and_when(english, batch, scope):
    first = batch.first_number
    if scope == "one":
        revoke(batch, first + 4, first + 4, reason=RevocationReason.LOST_OR_STOLEN, note="Mất trên đường vận chuyển")
        revoked, kept = [first + 4], [first + 3, first + 5]
    elif scope == "range":
        revoke(batch, first + 2, first + 6, reason=RevocationReason.MISPRINTED)
        revoked, kept = [first + 2, first + 4, first + 6], [first + 1, first + 7]
    else:
        revoke_batch(batch, reason=RevocationReason.PRODUCT_RECALLED)
        revoked, kept = [first, first + 9], []
    reason_label = {"one": "Lost or stolen", "range": "Damaged or misprinted", "batch": "Product recalled"}[scope]
    for number in revoked:
        code = batch.stamps.get(number=number).code
        response = page(english, code)
        assert response.status_code == 200
        assert verdict_of(response) == "revoked"
        html = response.content.decode()
        assert "This stamp has been revoked" in html
        assert f"revoked this stamp on {today():%d/%m/%Y}. Reason: {reason_label}." in html
        assert "Mất trên đường" not in html  # the officer's note stays in the dashboard
        body = data(english, code).json()
        assert body["verdict"] == "revoked"
        assert body["revocation"]["reason_label"] == reason_label
        assert body["revocation"]["revoked_on"] == today().isoformat()
    for number in kept:
        assert verdict_of(page(english, batch.stamps.get(number=number).code)) == "genuine"


def test_suspicious_by_total_scans(english, stamp, settings):
    settings.OCOP_STAMP_SUSPICIOUS_SCANS = 4
    verdicts = [verdict_of(page(english, stamp.code)) for _ in range(5)]
    assert verdicts == ["genuine"] * 4 + ["suspicious"]
    response = page(english, stamp.code)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Warning: this code may have been copied" in html
    assert "This code has been scanned 6 times." in html
    assert "may carry a copy of the stamp" in html
    body = data(english, stamp.code).json()
    assert body["verdict"] == "suspicious"
    assert body["suspicion"]["too_many_scans"] is True and body["suspicion"]["scan_count"] == 7


def test_suspicious_by_distinct_networks_in_a_day(english, stamp, settings):
    settings.OCOP_STAMP_SUSPICIOUS_NETWORKS_PER_DAY = 2
    for address in ("192.0.2.10", "192.0.2.11"):  # one /24: a single network
        assert verdict_of(page(english, stamp.code, REMOTE_ADDR=address)) == "genuine"
    assert verdict_of(page(english, stamp.code, REMOTE_ADDR="198.51.100.10")) == "genuine"
    response = page(english, stamp.code, REMOTE_ADDR="203.0.113.10")
    assert verdict_of(response) == "suspicious"
    assert "In the last day it was scanned from 3 different places." in response.content.decode()
    body = english.get(f"/t/{stamp.code}.json", REMOTE_ADDR="2001:db8:1::5").json()
    assert body["suspicion"]["networks_last_day"] == 4 and body["suspicion"]["too_many_networks"] is True


def test_scans_from_one_network_over_days_are_not_suspicious(english, stamp, settings):
    settings.OCOP_STAMP_SUSPICIOUS_NETWORKS_PER_DAY = 1
    start = timezone.now()
    for day, address in enumerate(("192.0.2.10", "198.51.100.10", "203.0.113.10")):
        with freeze_time(start + timedelta(days=day, hours=1)):
            assert verdict_of(page(english, stamp.code, REMOTE_ADDR=address)) == "genuine"


@pytest.mark.parametrize("code", ["aaaaaaaaaaaaaaaa", "HT-2026-00000001", "abc!%24%3C%3E", "x" * 300])
def test_unknown_codes_answer_404_with_the_unknown_verdict(english, stamp, code):
    response = page(english, code)
    assert response.status_code == 404
    assert verdict_of(response) == "unknown"
    html = response.content.decode()
    assert "Unknown code: possibly counterfeit" in html
    assert "Do not buy or consume the product." in html
    assert "Keep the receipt and the packaging." in html
    assert "Report a possible counterfeit" in html and "/report/" in html
    assert "<script>" not in html.split("</main>")[0].split("<main")[1]
    body = data(english, code).json()
    assert body["verdict"] == "unknown" and body["stamp"] is None
    assert data(english, code).status_code == 404
    assert not StampScan.objects.exists()


def test_a_valid_looking_unknown_code_is_offered_the_report_form(english, stamp):
    response = page(english, "zzzzzzzzzzzzzzzz")
    assert 'href="/t/zzzzzzzzzzzzzzzz/report/"' in response.content.decode()
    assert "zzzzzzzzzzzzzzzz" in response.content.decode()


def test_codes_are_read_in_any_case(english, stamp):
    assert verdict_of(page(english, stamp.code.upper())) == "genuine"


# --- headers, content negotiation, languages ----------------------------------------------


@pytest.mark.parametrize("path", ["/t/{code}", "/t/{code}.json", "/t/aaaaaaaaaaaaaaaa", "/t/{code}/report/"])
def test_no_caching_no_indexing_and_the_views_time(client, stamp, path):
    response = client.get(path.format(code=stamp.code))
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert re.fullmatch(r"app;dur=\d+\.\d", response["Server-Timing"])


def test_the_verdict_varies_with_accept_and_language(client, stamp):
    response = client.get(f"/t/{stamp.code}")
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept", "Cookie"} <= vary


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("application/json", "json"),
        ("application/json, text/plain, */*", "json"),
        ("text/html;q=0.5, application/json", "json"),
        (BROWSER_ACCEPT, "html"),
        ("*/*", "html"),
        ("application/json;q=0.5, text/html", "html"),
        ("", "html"),
    ],
)
def test_accept_negotiation(client, stamp, accept, kind):
    response = client.get(f"/t/{stamp.code}", headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    if kind == "json":
        assert response["Content-Type"] == "application/json" and response.json()["verdict"] == "genuine"
    else:
        assert response["Content-Type"].startswith("text/html") and verdict_of(response) == "genuine"


def test_the_json_address_is_json_whatever_the_accept_header(client, stamp):
    assert reverse("stamps:verify-json", kwargs={"code": stamp.code}) == f"/t/{stamp.code}.json"
    assert reverse("stamps:verify", kwargs={"code": stamp.code}) == f"/t/{stamp.code}"
    response = client.get(f"/t/{stamp.code}.json", headers={"accept": BROWSER_ACCEPT})
    assert response["Content-Type"] == "application/json"
    response = client.get("/t/aaaaaaaaaaaaaaaa", headers={"accept": "application/json"})
    assert response.status_code == 404 and response.json()["verdict"] == "unknown"


def test_vietnamese_by_default_english_on_request(client, stamp):
    response = page(client, stamp.code)
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi"' in response.content.decode()
    assert 'action="/i18n/setlang/"' in response.content.decode()
    client.cookies["django_language"] = "en"
    response = page(client, stamp.code)
    assert response["Content-Language"] == "en"
    assert "Genuine OCOP stamp" in response.content.decode()
    assert data(client, "aaaaaaaaaaaaaaaa").json()["verdict_label"] == "Unknown code: possibly counterfeit"


def test_other_methods_are_not_allowed(client, stamp):
    assert client.post(f"/t/{stamp.code}").status_code == 405
    assert client.delete(f"/t/{stamp.code}.json").status_code == 405
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 0


# --- scans --------------------------------------------------------------------------------


def test_each_lookup_counts_one_scan_and_keeps_the_first_time(english, stamp):
    first_moment = timezone.now().replace(microsecond=0) - timedelta(days=2)
    with freeze_time(first_moment):
        page(english, stamp.code)
    with freeze_time(first_moment + timedelta(days=1)):
        data(english, stamp.code)
    response = page(english, stamp.code)
    html = response.content.decode()
    assert "Scanned 3 times, this one included." in html
    assert timezone.localtime(first_moment).strftime("%d/%m/%Y %H:%M") in html
    stamp.refresh_from_db()
    assert stamp.scan_count == 3 and stamp.first_scanned_at == first_moment
    assert StampScan.objects.filter(stamp=stamp).count() == 3
    assert data(english, stamp.code).json()["stamp"]["first_scanned_at"] == timezone.localtime(first_moment).isoformat()


def test_head_requests_and_unknown_codes_record_no_scan(client, stamp):
    assert client.head(f"/t/{stamp.code}").status_code == 200
    assert client.head(f"/t/{stamp.code}.json").status_code == 200
    client.get("/t/aaaaaaaaaaaaaaaa")
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 0
    assert not StampScan.objects.exists()


def test_no_personal_data_is_stored(buyer, stamp):
    buyer.get(f"/t/{stamp.code}", headers={"user-agent": "Zalo/23.09 (iPhone; iOS 17.0)"})
    buyer.get(f"/t/{stamp.code}.json")
    buyer.post(
        f"/t/{stamp.code}/report/",
        {"province_code": 42, "place": "Chợ Hà Tĩnh", "description": "Tem mờ", "contact": ""},
    )
    scans = list(StampScan.objects.values())
    reports = list(CounterfeitReport.objects.values())
    assert len(scans) == 2 and len(reports) == 1
    expected = network_of(BUYER_ADDRESS)
    assert {scan["network"] for scan in scans} == {reports[0]["network"]} == {expected}
    for row in scans + reports:
        stored = " ".join(str(value) for value in row.values())
        assert BUYER_ADDRESS not in stored and "203.0.113" not in stored and "Zalo" not in stored
    assert set(scans[0]) == {"id", "stamp_id", "scanned_at", "network"}


# --- speed --------------------------------------------------------------------------------


def test_the_page_makes_few_queries(client, stamp, django_assert_max_num_queries):
    page(client, stamp.code)  # the photo's thumbnail is made and remembered on the first view
    with django_assert_max_num_queries(10) as captured:
        response = page(client, stamp.code)
    assert response.status_code == 200
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    # The stamp; the scan (an insert, an update that returns the counts and the networks). Its batch,
    # product, producer, certificates and photo come from the cache after the first view.
    assert statements.count("SELECT") == 1 and statements.count("UPDATE") == 1 and statements.count("INSERT") == 1


def test_unknown_code_page_makes_few_queries(client, stamp, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as captured:
        response = page(client, "aaaaaaaaaaaaaaaa")
    assert response.status_code == 404
    ours = [query["sql"] for query in captured.captured_queries if "stamps_" in query["sql"]]
    # One look-up; the rest is the site's answer to any 404 (Wagtail's redirects, Django's flat pages).
    assert len(ours) == 1


def test_a_revoked_stamp_still_warns_of_its_certificate_and_of_copies(english, stamp, honey, settings):
    settings.OCOP_STAMP_SUSPICIOUS_SCANS = 1
    revoke(stamp.batch, stamp.number, stamp.number, reason=RevocationReason.COUNTERFEIT)
    withdrawn_on = today() - timedelta(days=1)
    withdraw_certificate(honey.certificate, occurred_on=withdrawn_on, reference="22/QĐ-UBND")
    page(english, stamp.code)
    response = page(english, stamp.code)
    assert verdict_of(response) == "revoked"
    html = unescape(response.content.decode())
    assert "Reason: Copied onto counterfeit goods." in html
    assert f'role="note">The product\'s OCOP certificate was withdrawn on {withdrawn_on:%d/%m/%Y}.</p>' in html
    assert "This code may also have been copied." in html and "This code has been scanned 2 times." in html
    assert data(english, stamp.code).json()["warnings"] == ["suspicious", "certificate_lapsed"]


def test_vietnamese_page_and_json(vietnamese, stamp, batch):
    """Once /t/<code>'s strings are in locale/vi (the i18n tests check they all are)."""
    revoke(batch, stamp.number, stamp.number, reason=RevocationReason.MISPRINTED)
    html = unescape(page(vietnamese, stamp.code).content.decode())
    assert "Tem này đã bị thu hồi" in html
    assert f"Văn phòng Điều phối đã thu hồi tem này ngày {today():%d/%m/%Y}." in html
    assert "Số sê-ri tem" in html and "Lô sản xuất" in html
    assert "Mã không xác định: có thể là hàng giả" in page(vietnamese, "aaaaaaaaaaaaaaaa").content.decode()
    assert data(vietnamese, stamp.code).json()["verdict_label"] == "Tem đã bị thu hồi"
