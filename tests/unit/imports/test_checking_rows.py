"""Each row of a sheet checked against the producer's own data: update, create, unchanged, or errors."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from catalog.models import ListingRevision, OcopCertificate, today
from shop.imports import services
from shop.imports.spreadsheets import SheetRow
from shop.partner.models import StockRecord
from tests.factories import CertificateFactory, ProducerFactory, certified_product


@pytest.fixture
def producer(db):
    return ProducerFactory(name="HTX Mật ong Hương Sơn")


@pytest.fixture
def other_producer(db):
    return ProducerFactory(name="HTX Nem chua Thanh Hóa")


def set_sku(product, sku, price=250000, num_in_stock=40):
    StockRecord.objects.filter(product=product).update(partner_sku=sku, price=Decimal(price), num_in_stock=num_in_stock)
    return product


@pytest.fixture
def honey(producer):
    product = certified_product(producer=producer, title="Mật ong rừng Hương Sơn")
    product.packaging = "Hũ 500 g"
    product.description = "<p>Mật ong hoa rừng.</p>"
    product.save()
    return set_sku(product, "MO-500")


def check(producer, *values):
    rows = [SheetRow(number=number, values=row) for number, row in enumerate(values, start=2)]
    return services.check_rows(producer, rows)


def errors_of(outcome):
    return [(error["column"], error["code"]) for error in outcome.errors]


def row(sku, price="250000", stock="40", **more):
    return {"sku": sku, "price": price, "stock": stock, **more}


class TestUpdates:
    def test_price_and_stock_change(self, producer, honey):
        [outcome] = check(producer, row("MO-500", price="300.000 ₫", stock="12"))
        assert outcome.outcome == services.UPDATE
        assert outcome.changes == [
            {"field": "price", "before": 250000, "after": 300000, "reviewed": False},
            {"field": "stock", "before": 40, "after": 12, "reviewed": False},
        ]
        assert outcome.stockrecord.product == honey

    def test_same_values_written_otherwise_change_nothing(self, producer, honey):
        [outcome] = check(producer, row("MO-500", price="250.000đ", stock="40", packaging="  Hũ   500 g "))
        assert outcome.outcome == services.UNCHANGED
        assert outcome.changes == []
        assert outcome.errors == []

    def test_packaging_and_description_go_to_review(self, producer, honey):
        [outcome] = check(producer, row("MO-500", packaging="Hũ 1 kg", description="Mật ong <b>nguyên chất</b>"))
        assert outcome.outcome == services.UPDATE
        assert outcome.changes == [
            {"field": "packaging", "before": "Hũ 500 g", "after": "Hũ 1 kg", "reviewed": True},
            {
                "field": "description",
                "before": "<p>Mật ong hoa rừng.</p>",
                "after": "Mật ong <b>nguyên chất</b>",
                "reviewed": True,
            },
        ]

    def test_empty_packaging_and_description_are_kept(self, producer, honey):
        [outcome] = check(producer, row("MO-500", packaging="", description=""))
        assert outcome.outcome == services.UNCHANGED

    def test_compared_with_what_awaits_review(self, producer, honey):
        ListingRevision.objects.create(product=honey, packaging="Hũ 1 kg", description=honey.description)
        [same, back] = check(producer, row("MO-500", packaging="Hũ 1 kg"), row("MO-501"))
        assert same.outcome == services.UNCHANGED
        [back] = check(producer, row("MO-500", packaging="Hũ 500 g"))
        assert back.changes == [{"field": "packaging", "before": "Hũ 1 kg", "after": "Hũ 500 g", "reviewed": True}]

    def test_description_is_cleaned(self, producer, honey):
        payload = '<script>alert(1)</script><p onclick="x()">Ngon <a href="javascript:alert(1)">xem</a></p>'
        [outcome] = check(producer, row("MO-500", description=payload))
        assert outcome.description == '<p>Ngon <a rel="noopener nofollow">xem</a></p>'
        assert "<script" not in str(outcome.changes) and "javascript:" not in str(outcome.changes)

    def test_the_certificate_column_does_not_matter_for_an_update(self, producer, honey, other_producer):
        foreign = certified_product(producer=other_producer).certificate
        [outcome] = check(producer, row("MO-500", stock="41", certificate=foreign.number))
        assert outcome.outcome == services.UPDATE


class TestCreations:
    def test_new_sku_with_one_of_the_producers_certificates(self, producer, honey):
        number = honey.certificate.number
        [outcome] = check(
            producer, row("MO-1KG", price="450.000", stock="5", certificate=number.lower(), packaging="Hũ 1 kg")
        )
        assert outcome.outcome == services.CREATE
        assert outcome.certificate == honey.certificate
        assert [change["field"] for change in outcome.changes] == ["price", "stock", "packaging"]
        assert outcome.as_json()["title"] == "Mật ong rừng Hương Sơn – Hũ 1 kg"

    def test_new_sku_without_certificate(self, producer, honey):
        [outcome] = check(producer, row("MO-TYPO", certificate=""))
        assert errors_of(outcome) == [("certificate", "missing_certificate")]
        [outcome] = check(producer, row("MO-TYPO"))
        assert errors_of(outcome) == [("certificate", "missing_certificate")]

    def test_unknown_certificate(self, producer, honey):
        [outcome] = check(producer, row("NEW-1", certificate="OCOP-KHONG-CO"))
        assert errors_of(outcome) == [("certificate", "unknown_certificate")]

    def test_another_producers_certificate(self, producer, other_producer):
        foreign = certified_product(producer=other_producer).certificate
        [outcome] = check(producer, row("NEW-1", certificate=foreign.number))
        assert errors_of(outcome) == [("certificate", "foreign_certificate")]
        with translation.override("en"):
            message = services.error_message(outcome.errors[0])
        assert message == "This certificate is not one of yours."
        assert other_producer.name not in message

    @pytest.mark.parametrize("state", ["two_stars", "expired", "withdrawn", "replaced", "not_yet_valid"])
    def test_certificate_that_does_not_allow_a_sale(self, producer, state):
        product = certified_product(producer=producer, stars=2 if state == "two_stars" else 4)
        certificate = product.certificate
        if state == "expired":
            OcopCertificate.objects.filter(pk=certificate.pk).update(valid_until=today() - timedelta(days=1))
        elif state == "withdrawn":
            OcopCertificate.objects.filter(pk=certificate.pk).update(
                status=OcopCertificate.Status.WITHDRAWN, withdrawn_on=today()
            )
        elif state == "replaced":
            CertificateFactory(product=product, number="OCOP-NEWER")
        elif state == "not_yet_valid":
            OcopCertificate.objects.filter(pk=certificate.pk).update(valid_from=today() + timedelta(days=3))
        [outcome] = check(producer, row("NEW-1", certificate=certificate.number))
        assert errors_of(outcome) == [("certificate", "certificate_not_for_sale")]


class TestErrors:
    def test_another_producers_sku_is_not_named(self, producer, other_producer):
        set_sku(certified_product(producer=other_producer), "NC-01")
        [outcome] = check(producer, row("NC-01", certificate="whatever"))
        assert errors_of(outcome) == [("sku", "foreign_sku")]
        with translation.override("en"):
            assert services.error_message(outcome.errors[0]) == "This SKU is not one of yours."

    def test_the_same_sku_at_another_producer_does_not_hide_the_producers_own(self, producer, honey, other_producer):
        set_sku(certified_product(producer=other_producer), "MO-500")
        [outcome] = check(producer, row("MO-500", stock="7"))
        assert outcome.outcome == services.UPDATE

    def test_duplicate_sku_errs_on_the_later_row(self, producer, honey):
        first, second, third = check(producer, row("MO-500", stock="1"), row("MO-500", stock="2"), row("MO-500"))
        assert first.outcome == services.UPDATE
        assert errors_of(second) == [("sku", "duplicate_sku")]
        assert second.errors[0]["params"] == {"row": 2}
        assert errors_of(third) == [("sku", "duplicate_sku")]
        with translation.override("en"):
            assert "row 2" in services.error_message(second.errors[0])

    def test_bad_numbers(self, producer, honey):
        outcomes = check(
            producer,
            row("MO-500", price="12,5"),
            row("MO-500", price="-250000", stock="-1"),
            row("MO-500", price="0", stock="2,5"),
        )
        assert errors_of(outcomes[0]) == [("price", "price_invalid")]
        assert outcomes[0].errors[0]["params"] == {"value": "12,5"}
        assert errors_of(outcomes[1]) == [
            ("sku", "duplicate_sku"),
            ("price", "price_negative"),
            ("stock", "stock_negative"),
        ]
        assert errors_of(outcomes[2]) == [("sku", "duplicate_sku"), ("price", "price_zero"), ("stock", "stock_invalid")]

    def test_missing_values(self, producer, honey):
        [outcome] = check(producer, {"sku": "", "price": "", "stock": "", "packaging": "Hũ"})
        assert errors_of(outcome) == [("sku", "missing"), ("price", "missing"), ("stock", "missing")]
        assert outcome.outcome == services.ERROR

    def test_text_too_long(self, producer, honey):
        [outcome] = check(producer, row("MO-500", packaging="x" * 101))
        assert errors_of(outcome) == [("packaging", "too_long")]
        [outcome] = check(producer, row("S" * 129))
        assert errors_of(outcome) == [("sku", "too_long")]

    def test_every_message_renders_in_both_languages(self):
        params = {"row": 3, "value": "12,5", "limit": 100}
        for code in services.ERROR_MESSAGES:
            for language in ("vi", "en"):
                with translation.override(language):
                    assert services.error_message({"column": "sku", "code": code, "params": params})


def test_queries_do_not_grow_with_the_rows(producer, honey, django_assert_max_num_queries):
    for number in range(20):
        set_sku(certified_product(producer=producer), f"P-{number}")
    rows = [row(f"P-{number}", stock=str(number)) for number in range(20)] + [
        row(f"NEW-{number}", certificate=honey.certificate.number) for number in range(20)
    ]
    with django_assert_max_num_queries(6):
        outcomes = check(producer, *rows)
    assert {outcome.outcome for outcome in outcomes} == {services.UPDATE, services.CREATE}


def test_refusals_when_applied_name_their_column():
    refusal = ValidationError({"num_in_stock": ["Quá nhiều"], "photos": "Ảnh"})
    assert services._refusal(refusal) == [
        {"column": "stock", "message": "Quá nhiều"},
        {"column": "", "message": "Ảnh"},
    ]
    assert services._refusal(ValidationError("Đã quyết định")) == [{"column": "", "message": "Đã quyết định"}]
    [error] = services._refusal(IntegrityError("UNIQUE constraint failed"))
    assert error["column"] == "sku"
