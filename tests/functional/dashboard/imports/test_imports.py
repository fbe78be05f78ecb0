"""A producer imports a sheet of products and stock: upload, preview, apply; template download; isolation."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.models import ListingRevision, OcopCertificate, Product, today
from shop.imports import services
from shop.imports.models import ProductImport
from shop.partner.models import StockRecord, StockRecordChange
from tests.factories import SalesPointFactory, certified_product, partner_staff

HEADINGS = "Mã SKU,Số giấy chứng nhận,Quy cách đóng gói,Mô tả,Giá (VND),Tồn kho"
LIST_URL = reverse("dashboard:producer-import-list")
CREATE_URL = reverse("dashboard:producer-import-create")


def set_sku(product, sku, price=250000, num_in_stock=40):
    StockRecord.objects.filter(product=product).update(partner_sku=sku, price=Decimal(price), num_in_stock=num_in_stock)
    return StockRecord.objects.get(product=product)


@pytest.fixture
def honey(producer_a):
    product = certified_product(producer=producer_a, title="Mật ong rừng Hương Sơn")
    product.packaging = "Hũ 500 g"
    product.save()
    set_sku(product, "MO-500")
    return product


@pytest.fixture
def fish_sauce(producer_a):
    product = certified_product(producer=producer_a, title="Nước mắm Cửa Sót")
    set_sku(product, "NM-1L", price=120000, num_in_stock=10)
    return product


@pytest.fixture
def nem_b(producer_b):
    product = certified_product(producer=producer_b, title="Nem chua Thanh Hóa")
    set_sku(product, "NEM-01", price=50000, num_in_stock=100)
    return product


def csv_file(*lines, name="san-pham.csv"):
    return SimpleUploadedFile(name, ("\n".join((HEADINGS, *lines)) + "\n").encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="san-pham.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file):
    return client.post(CREATE_URL, {"file": file})


def rows_by_number(product_import):
    return {row["row"]: row for row in product_import.rows}


def errors_of(row):
    return [(error["column"], error.get("code")) for error in row["errors"]]


@pytest.fixture
def mixed_sheet(honey, fish_sauce, nem_b, producer_a):
    """A sheet whose good rows must not be lost because of its bad ones."""
    weak = certified_product(producer=producer_a, stars=2, title="Trà xanh")
    set_sku(weak, "TRA-01")
    return csv_file(
        "MO-500,,Hũ 500 g,,300.000 ₫,12",  # 2: update price and stock
        "NM-1L,,,,120000,10",  # 3: unchanged
        f"MO-1KG,{honey.certificate.number},Hũ 1 kg,<p>Mật ong</p><script>alert(1)</script>,450000,5",  # 4: create
        "NEM-01,,,,50000,1",  # 5: another producer's SKU
        f"NEW-B,{nem_b.certificate.number},,,50000,1",  # 6: another producer's certificate
        f"NEW-W,{weak.certificate.number},,,50000,1",  # 7: under 3 stars
        "NEW-X,OCOP-KHONG-CO,,,50000,1",  # 8: unknown certificate
        "MO-500,,,,1,1",  # 9: duplicate SKU
        'NM-1L,,,,"12,5",-3',  # 10: duplicate, bad price, bad stock
        "",  # 11: empty, skipped
        "TRA-01,,,,,7",  # 12: missing price
    )


class TestUploadAndPreview:
    def test_preview_lists_every_row_and_changes_nothing(self, client_a, producer_a, staff_a, mixed_sheet, honey):
        response = upload(client_a, mixed_sheet)
        product_import = ProductImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard:producer-import-detail", kwargs={"pk": product_import.pk})
        assert product_import.producer == producer_a
        assert product_import.uploaded_by == staff_a
        assert product_import.status == ProductImport.Status.PREVIEWED
        assert product_import.format == "csv"
        assert product_import.original_name == "san-pham.csv"
        assert product_import.file.name.startswith("imports/") and product_import.file.name.endswith(".csv")
        assert product_import.file.read().startswith(b"M\xc3\xa3 SKU")

        rows = rows_by_number(product_import)
        assert sorted(rows) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12]
        assert {number: row["outcome"] for number, row in rows.items()} == {
            2: "update",
            3: "unchanged",
            4: "create",
            5: "error",
            6: "error",
            7: "error",
            8: "error",
            9: "error",
            10: "error",
            12: "error",
        }
        assert errors_of(rows[5]) == [("sku", "foreign_sku")]
        assert errors_of(rows[6]) == [("certificate", "foreign_certificate")]
        assert errors_of(rows[7]) == [("certificate", "certificate_not_for_sale")]
        assert errors_of(rows[8]) == [("certificate", "unknown_certificate")]
        assert errors_of(rows[9]) == [("sku", "duplicate_sku")]
        assert errors_of(rows[10]) == [
            ("sku", "duplicate_sku"),
            ("price", "price_invalid"),
            ("stock", "stock_negative"),
        ]
        assert errors_of(rows[12]) == [("price", "missing")]
        assert (product_import.row_count, product_import.create_count, product_import.update_count) == (10, 1, 1)
        assert (product_import.unchanged_count, product_import.error_count) == (1, 7)

        # Nothing applied yet.
        assert StockRecord.objects.get(partner_sku="MO-500").price == Decimal("250000")
        assert not Product.objects.filter(stockrecords__partner_sku="MO-1KG").exists()
        assert not StockRecordChange.objects.exists()

        page = client_a.get(response["Location"])
        assert page.status_code == 200
        html = page.content.decode()
        assert "Áp dụng 2 dòng hợp lệ" in html or "Apply 2 valid rows" in html
        assert 'id="row-10"' in html
        assert "Cột E (Giá (VND))" in html or "Column E (Giá (VND))" in html
        assert "“12,5”" in html
        assert "<script>alert" not in html
        assert "Nem chua" not in html and "HTX Nem chua" not in html  # nothing of producer B leaks

    def test_preview_in_english(self, client_a, honey):
        client_a.cookies["django_language"] = "en"
        upload(client_a, csv_file("MO-500,,,,250000,7", 'MO-500,,,,"12,5",1'))
        html = client_a.get(ProductImport.objects.get().get_absolute_url()).content.decode()
        assert "Apply 1 valid row" in html
        assert "This SKU is already on row 2" in html
        assert "Column E (Price (VND))" in html
        assert "40 → 7" in html

    def test_only_the_rows_with_errors(self, client_a, mixed_sheet):
        upload(client_a, mixed_sheet)
        html = client_a.get(ProductImport.objects.get().get_absolute_url() + "?show=errors").content.decode()
        assert 'id="row-5"' in html and 'id="row-12"' in html
        assert 'id="row-2"' not in html and 'id="row-4"' not in html

    def test_xlsx(self, client_a, honey, fish_sauce):
        file = xlsx_file(
            [
                ["SKU", "Certificate number", "Price (VND)", "Stock"],
                ["MO-500", None, 260000, 40],
                [None, None, None, None],
                ["NM-1L", None, 120000.0, 9],
                ["MO-2", honey.certificate.number, 12.5, 1],
            ]
        )
        upload(client_a, file)
        product_import = ProductImport.objects.get()
        assert product_import.format == "xlsx"
        assert product_import.columns == {"sku": "A", "certificate": "B", "price": "C", "stock": "D"}
        rows = rows_by_number(product_import)
        assert rows[2]["changes"] == [{"field": "price", "before": 250000, "after": 260000, "reviewed": False}]
        assert rows[4]["changes"] == [{"field": "stock", "before": 10, "after": 9, "reviewed": False}]
        assert errors_of(rows[5]) == [("price", "price_invalid")]

    @pytest.mark.parametrize(
        ("file", "code"),
        [
            (SimpleUploadedFile("x.pdf", b"%PDF-1.4 ..."), "format"),
            (SimpleUploadedFile("x.xlsx", b"SKU,Price,Stock\n"), "format"),
            (SimpleUploadedFile("x.csv", b"PK\x03\x04 not really"), "format"),
            (SimpleUploadedFile("x.csv", "SKU,Tồn kho\nA,1\n".encode()), "missing_column"),
            (SimpleUploadedFile("x.xlsx", b"PK\x03\x04" + b"\x00" * 200), "unreadable"),
            (SimpleUploadedFile("x.csv", b"SKU,Price,Stock\n" + b"A,1,1\n" * 2001), "too_many_rows"),
        ],
    )
    def test_refused_files_are_not_kept(self, client_a, file, code):
        response = upload(client_a, file)
        assert response.status_code == 200
        [error] = response.context["form"].errors.as_data()["file"]
        assert error.code == code
        assert error.message in response.content.decode()
        assert not ProductImport.objects.exists()

    def test_the_missing_column_is_named(self, client_a):
        response = upload(client_a, SimpleUploadedFile("x.csv", "Mã SKU,Tồn kho\nA,1\n".encode()))
        assert "Giá (VND)" in response.content.decode()

    def test_file_over_5_mb(self, client_a):
        big = SimpleUploadedFile("x.csv", b"SKU,Price,Stock\n" + b"A" * (5 * 1024 * 1024))
        response = upload(client_a, big)
        assert response.status_code == 200
        assert "5 MB" in response.content.decode()
        assert not ProductImport.objects.exists()

    def test_get_on_the_upload_url_goes_to_the_list(self, client_a):
        response = client_a.get(CREATE_URL)
        assert response.status_code == 302 and response["Location"] == LIST_URL


class TestApply:
    def test_good_rows_are_applied_bad_rows_are_not(self, client_a, staff_a, producer_a, mixed_sheet, honey):
        upload(client_a, mixed_sheet)
        product_import = ProductImport.objects.get()
        response = client_a.post(product_import.get_absolute_url())
        assert response.status_code == 302
        product_import.refresh_from_db()
        assert product_import.status == ProductImport.Status.APPLIED
        assert product_import.applied_by == staff_a and product_import.applied_at is not None
        assert (product_import.applied_count, product_import.failed_count) == (2, 7)
        results = {row["row"]: row["result"] for row in product_import.rows}
        assert results == {
            2: "applied",
            3: "skipped",
            4: "applied",
            5: "failed",
            6: "failed",
            7: "failed",
            8: "failed",
            9: "failed",
            10: "failed",
            12: "failed",
        }

        updated = StockRecord.objects.get(partner=producer_a, partner_sku="MO-500")
        assert (updated.price, updated.num_in_stock) == (Decimal("300000"), 12)
        [change] = StockRecordChange.objects.all()
        assert change.stockrecord == updated and change.source == "import" and change.changed_by == staff_a
        assert (change.price_before, change.num_in_stock_before) == (Decimal("250000"), 40)

        created = Product.objects.get(stockrecords__partner_sku="MO-1KG")
        assert created.producer == producer_a and created.certificate == honey.certificate
        assert not created.is_public  # until its first review
        record = created.stockrecords.get()
        assert (record.partner, record.price, record.num_in_stock) == (producer_a, Decimal("450000"), 5)
        revision = ListingRevision.objects.get(product=created)
        assert revision.is_new_listing and revision.packaging == "Hũ 1 kg"
        assert revision.description == "<p>Mật ong</p>"
        assert rows_by_number(product_import)[4]["product"] == created.pk

        # Bad rows changed nothing: the duplicate did not overwrite row 2, TRA-01 kept its price.
        assert StockRecord.objects.get(partner_sku="TRA-01").num_in_stock == 40
        assert StockRecord.objects.get(partner_sku="NEM-01").num_in_stock == 100

        html = client_a.get(product_import.get_absolute_url()).content.decode()
        assert 'id="import_apply_form"' not in html
        assert "import-result-applied" in html and "import-result-failed" in html

    def test_packaging_change_goes_to_review_and_price_is_live(self, client_a, honey, staff_a):
        upload(client_a, csv_file("MO-500,,Hũ 1 kg,Mật ong mới,275000,40"))
        client_a.post(ProductImport.objects.get().get_absolute_url())
        honey.refresh_from_db()
        assert honey.packaging == "Hũ 500 g"  # live listing waits for the review
        revision = ListingRevision.objects.get(product=honey, status=ListingRevision.Status.PENDING)
        assert (revision.packaging, revision.description, revision.submitted_by) == ("Hũ 1 kg", "Mật ong mới", staff_a)
        assert StockRecord.objects.get(product=honey).price == Decimal("275000")

    def test_applying_twice_changes_nothing_more(self, client_a, honey):
        upload(client_a, csv_file("MO-500,,,,300000,12"))
        product_import = ProductImport.objects.get()
        client_a.post(product_import.get_absolute_url())
        StockRecord.objects.filter(partner_sku="MO-500").update(num_in_stock=3)  # sold since
        response = client_a.post(product_import.get_absolute_url(), follow=True)
        assert response.status_code == 200
        assert StockRecord.objects.get(partner_sku="MO-500").num_in_stock == 3
        assert StockRecordChange.objects.count() == 1
        product_import.refresh_from_db()
        assert product_import.applied_count == 1
        _again, applied_now = services.apply_import(product_import, user=None)
        assert applied_now is False

    def test_rows_are_checked_again_when_applied(self, client_a, honey, fish_sauce, producer_b):
        upload(
            client_a,
            csv_file(
                f"MO-1KG,{honey.certificate.number},Hũ 1 kg,,450000,5",
                "NM-1L,,,,130000,10",
                "MO-500,,,,250000,40",
            ),
        )
        product_import = ProductImport.objects.get()
        assert [row["outcome"] for row in product_import.rows] == ["create", "update", "unchanged"]
        # Meanwhile: the certificate is withdrawn, someone else sets NM-1L's price, MO-500's stock moves.
        OcopCertificate.objects.filter(pk=honey.certificate_id).update(
            status=OcopCertificate.Status.WITHDRAWN, withdrawn_on=today()
        )
        StockRecord.objects.filter(partner_sku="NM-1L").update(price=Decimal("130000"))
        StockRecord.objects.filter(partner_sku="MO-500").update(num_in_stock=39)
        client_a.post(product_import.get_absolute_url())
        product_import.refresh_from_db()
        rows = product_import.rows
        assert (rows[0]["result"], errors_of(rows[0])) == ("failed", [("certificate", "certificate_not_for_sale")])
        assert rows[1]["result"] == "skipped"  # nothing left to change
        assert rows[2]["result"] == "applied"
        assert rows[2]["changes"] == [{"field": "stock", "before": 39, "after": 40, "reviewed": False}]
        assert not Product.objects.filter(stockrecords__partner_sku="MO-1KG").exists()
        assert StockRecord.objects.get(partner_sku="MO-500").num_in_stock == 40

    def test_a_row_applies_entirely_or_not_at_all(self, client_a, honey, fish_sauce, monkeypatch):
        def refuse(*args, **kwargs):
            raise ValidationError({"packaging": "Bị từ chối"})

        monkeypatch.setattr(services.listings, "propose_listing_changes", refuse)
        upload(client_a, csv_file("MO-500,,Hũ 2 kg,,999000,1", "NM-1L,,,,125000,10"))
        client_a.post(ProductImport.objects.get().get_absolute_url())
        product_import = ProductImport.objects.get()
        first, second = product_import.rows
        assert first["result"] == "failed"
        assert first["errors"] == [{"column": "packaging", "message": "Bị từ chối"}]
        record = StockRecord.objects.get(partner_sku="MO-500")
        assert (record.price, record.num_in_stock) == (Decimal("250000"), 40)  # its price change was rolled back
        assert second["result"] == "applied"
        assert StockRecord.objects.get(partner_sku="NM-1L").price == Decimal("125000")
        assert StockRecordChange.objects.count() == 1
        assert "Bị từ chối" in client_a.get(product_import.get_absolute_url()).content.decode()

    def test_nothing_to_apply(self, client_a, honey):
        upload(client_a, csv_file("MO-500,,,,250000,40", "MO-9,,,,1,1"))
        html = client_a.get(ProductImport.objects.get().get_absolute_url()).content.decode()
        assert 'id="import_apply_form"' not in html


class TestList:
    def test_own_imports_with_their_counts(self, client_a, producer_b, honey, django_assert_max_num_queries):
        upload(client_a, csv_file("MO-500,,,,300000,12", "X,,,,1,1"))
        ProductImport.objects.create(
            producer=producer_b, original_name="cua-b.csv", format="csv", file="imports/b.csv", row_count=99
        )
        with django_assert_max_num_queries(12):
            response = client_a.get(LIST_URL)
        assert response.status_code == 200
        assert [product_import.original_name for product_import in response.context["imports"]] == ["san-pham.csv"]
        html = response.content.decode()
        assert "cua-b.csv" not in html
        assert reverse("dashboard:producer-import-template", kwargs={"fmt": "xlsx"}) in html
        assert 'enctype="multipart/form-data"' in html


def read_csv(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


class TestTemplate:
    @pytest.fixture
    def injected(self, honey):
        product = Product.objects.get(pk=honey.pk)
        product.description = '=HYPERLINK("http://evil.example","Bấm")'
        product.packaging = "+84 hũ"
        product.save()
        StockRecord.objects.filter(product=honey).update(partner_sku="@SKU")
        return product

    def test_csv_lists_own_products_and_escapes_formulas(self, client_a, injected, fish_sauce, nem_b):
        response = client_a.get(reverse("dashboard:producer-import-template", kwargs={"fmt": "csv"}))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        assert response.content.startswith("\ufeff".encode())
        rows = read_csv(response)
        assert rows[0] == ["Mã SKU", "Số giấy chứng nhận", "Quy cách đóng gói", "Mô tả", "Giá (VND)", "Tồn kho"]
        assert sorted(rows[1:]) == sorted(
            [
                [
                    "'@SKU",
                    injected.certificate.number,
                    "'+84 hũ",
                    '\'=HYPERLINK("http://evil.example","Bấm")',
                    "250000",
                    "40",
                ],
                ["NM-1L", fish_sauce.certificate.number, "", "", "120000", "10"],
            ]
        )
        assert "NEM-01" not in response.content.decode("utf-8-sig")

    def test_xlsx_lists_own_products_and_escapes_formulas(self, client_a, injected, nem_b):
        response = client_a.get(reverse("dashboard:producer-import-template", kwargs={"fmt": "xlsx"}))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == ["Mã SKU", "Số giấy chứng nhận", "Quy cách đóng gói", "Mô tả", "Giá (VND)", "Tồn kho"]
        assert rows[1:] == [
            ["'@SKU", injected.certificate.number, "'+84 hũ", '\'=HYPERLINK("http://evil.example","Bấm")', 250000, 40]
        ]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    def test_headings_in_english(self, client_a, honey):
        client_a.cookies["django_language"] = "en"
        response = client_a.get(reverse("dashboard:producer-import-template", kwargs={"fmt": "csv"}))
        assert read_csv(response)[0] == [
            "SKU",
            "Certificate number",
            "Packaging",
            "Description",
            "Price (VND)",
            "Stock",
        ]

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_the_template_reads_back_unchanged(self, client_a, injected, fish_sauce, fmt):
        response = client_a.get(reverse("dashboard:producer-import-template", kwargs={"fmt": fmt}))
        upload(client_a, SimpleUploadedFile(f"export.{fmt}", response.content))
        product_import = ProductImport.objects.get()
        assert [row["outcome"] for row in product_import.rows] == ["unchanged", "unchanged"]

    def test_other_formats_are_404(self, client_a):
        assert client_a.get(reverse("dashboard:producer-import-template", kwargs={"fmt": "xls"})).status_code == 404


class TestAccess:
    @pytest.fixture
    def import_of_b(self, producer_b, staff_b, nem_b):
        client_b = Client()
        client_b.force_login(staff_b)
        upload(client_b, csv_file("NEM-01,,,,60000,90"))
        return ProductImport.objects.get(producer=producer_b)

    def test_another_producers_import_is_404_for_get_and_post(self, client_a, import_of_b):
        url = reverse("dashboard:producer-import-detail", kwargs={"pk": import_of_b.pk})
        assert client_a.get(url).status_code == 404
        assert client_a.post(url).status_code == 404
        import_of_b.refresh_from_db()
        assert import_of_b.status == ProductImport.Status.PREVIEWED
        assert StockRecord.objects.get(partner_sku="NEM-01").price == Decimal("50000")

    def test_sales_point_staff_and_anonymous_users_are_kept_out(self, client, import_of_b):
        urls = [
            LIST_URL,
            reverse("dashboard:producer-import-template", kwargs={"fmt": "csv"}),
            reverse("dashboard:producer-import-detail", kwargs={"pk": import_of_b.pk}),
        ]
        for url in urls:
            assert client.get(url).status_code == 302  # to the login page
        client.force_login(partner_staff(SalesPointFactory().partner))
        for url in urls:
            assert client.get(url).status_code in (403, 404)
        assert client.post(CREATE_URL, {"file": csv_file("NEM-01,,,,1,1")}).status_code == 403
        assert ProductImport.objects.count() == 1
