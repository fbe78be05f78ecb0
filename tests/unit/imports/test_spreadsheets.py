"""Reading product sheets: both formats, the refusals of a whole file, and the number cells."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shop.imports import spreadsheets
from shop.imports.spreadsheets import CellError, parse_price, parse_stock, read_sheet

HEADINGS_VI = ["Mã SKU", "Số giấy chứng nhận", "Quy cách đóng gói", "Mô tả", "Giá (VND)", "Tồn kho"]


def xlsx_bytes(rows, *, sheets=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for title, extra_rows in (sheets or {}).items():
        extra = workbook.create_sheet(title)
        for row in extra_rows:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(name, data):
    with pytest.raises(ValidationError) as caught:
        read_sheet(name, data)
    return caught.value


class TestCsv:
    def test_utf8_with_bom_and_commas(self):
        data = ("\ufeff" + ",".join(HEADINGS_VI) + "\nMO-500,OCOP-1,Hũ 500 g,Mật ong rừng,250000,12\n").encode()
        sheet = read_sheet("san-pham.csv", data)
        assert sheet.format == "csv"
        assert sheet.columns == {
            "sku": "A",
            "certificate": "B",
            "packaging": "C",
            "description": "D",
            "price": "E",
            "stock": "F",
        }
        [row] = sheet.rows
        assert row.number == 2
        assert row.values == {
            "sku": "MO-500",
            "certificate": "OCOP-1",
            "packaging": "Hũ 500 g",
            "description": "Mật ong rừng",
            "price": "250000",
            "stock": "12",
        }

    def test_semicolons_without_bom_and_quoted_cells(self):
        data = 'Mã SKU;Giá (VND);Tồn kho\nMO-500;"250.000 ₫";12\n"NM;1";"1,250,000";3\n'.encode()
        sheet = read_sheet("x.CSV", data)
        assert [row.values for row in sheet.rows] == [
            {"sku": "MO-500", "price": "250.000 ₫", "stock": "12"},
            {"sku": "NM;1", "price": "1,250,000", "stock": "3"},
        ]

    def test_english_headings_in_any_case_and_without_diacritics(self):
        data = b"sku,PRICE (vnd),Stock,Notes\nA1,100000,2,ignored\n"
        sheet = read_sheet("x.csv", data)
        assert sheet.rows[0].values == {"sku": "A1", "price": "100000", "stock": "2"}
        data = b"ma sku,gia,TON KHO,quy cach dong goi\nA1,100000,2,Chai 1 l\n"
        assert read_sheet("x.csv", data).rows[0].values == {
            "sku": "A1",
            "price": "100000",
            "stock": "2",
            "packaging": "Chai 1 l",
        }

    def test_empty_rows_are_skipped_and_rows_keep_their_number(self):
        data = b"SKU,Price,Stock\n\nA1,100000,2\n,,\n  ,\t,\nA2,200000,3\n"
        sheet = read_sheet("x.csv", data)
        assert [(row.number, row.values["sku"]) for row in sheet.rows] == [(3, "A1"), (6, "A2")]

    def test_short_rows_give_empty_cells(self):
        sheet = read_sheet("x.csv", b"SKU,Price,Stock\nA1\n")
        assert sheet.rows[0].values == {"sku": "A1", "price": "", "stock": ""}

    def test_not_utf8(self):
        # Windows' Vietnamese code page, as Excel's plain "CSV" saves it.
        data = "SKU,Giá,Stock\nA,1,2\n".encode("cp1258")
        error = refusal("x.csv", data)
        assert error.code == "encoding"
        assert "UTF-8" in error.message


class TestXlsx:
    def test_first_sheet_numbers_and_text(self):
        data = xlsx_bytes(
            [
                HEADINGS_VI,
                ["MO-500", "OCOP-1", "Hũ 500 g", None, 250000, 12],
                [None],
                ["NM-1", None, None, None, 12.5, 3.0],
            ],
            sheets={"Other": [["SKU", "Price", "Stock"], ["ZZ", 1, 1]]},
        )
        sheet = read_sheet("san-pham.xlsx", data)
        assert sheet.format == "xlsx"
        assert [(row.number, row.values) for row in sheet.rows] == [
            (
                2,
                {
                    "sku": "MO-500",
                    "certificate": "OCOP-1",
                    "packaging": "Hũ 500 g",
                    "description": "",
                    "price": "250000",
                    "stock": "12",
                },
            ),
            (
                4,
                {"sku": "NM-1", "certificate": "", "packaging": "", "description": "", "price": "12.5", "stock": "3"},
            ),
        ]

    def test_formulas_are_read_as_their_value_never_run(self):
        # data_only: a formula without a cached value (openpyxl never computes) reads as an empty cell.
        data = xlsx_bytes([["SKU", "Price", "Stock"], ["A1", "=100000*2", 5]])
        assert read_sheet("x.xlsx", data).rows[0].values == {"sku": "A1", "price": "", "stock": "5"}

    def test_corrupt_workbook(self):
        data = xlsx_bytes([["SKU", "Price", "Stock"], ["A1", 1, 1]])
        damaged = data[: len(data) // 2]
        assert refusal("x.xlsx", damaged).code == "unreadable"

    def test_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
        assert refusal("x.xlsx", buffer.getvalue()).code == "format"

    def test_workbook_that_unpacks_to_too_much(self, monkeypatch):
        monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED_SIZE", 1000)
        data = xlsx_bytes([["SKU", "Price", "Stock"]] + [[f"A{n}", 1, 1] for n in range(200)])
        assert refusal("x.xlsx", data).code == "unreadable"


class TestRefusals:
    def test_other_extension(self):
        assert refusal("products.pdf", b"%PDF-1.4").code == "format"
        assert refusal("products", b"SKU,Price,Stock\n").code == "format"

    def test_content_must_match_the_name(self):
        xlsx = xlsx_bytes([["SKU", "Price", "Stock"], ["A", 1, 1]])
        assert refusal("products.csv", xlsx).code == "format"
        assert refusal("products.xlsx", b"SKU,Price,Stock\nA,1,1\n").code == "format"
        assert refusal("products.csv", b"MZ\x90\x00\x03\x00\x00\x00").code == "format"

    def test_old_xls(self):
        error = refusal("products.xlsx", spreadsheets.OLE2_SIGNATURE + b"\x00" * 100)
        assert error.code == "format"
        assert ".xls" in error.message

    def test_too_big(self):
        data = b"SKU,Price,Stock\n" + b"A,1,1\n" * (spreadsheets.MAX_FILE_SIZE // 6 + 1)
        assert len(data) > spreadsheets.MAX_FILE_SIZE
        assert refusal("x.csv", data).code == "too_big"

    def test_too_many_rows(self):
        rows = "".join(f"A{n},1,1\n" for n in range(spreadsheets.MAX_DATA_ROWS + 1))
        assert refusal("x.csv", ("SKU,Price,Stock\n" + rows).encode()).code == "too_many_rows"
        rows = "".join(f"A{n},1,1\n\n" for n in range(spreadsheets.MAX_DATA_ROWS))
        assert len(read_sheet("x.csv", ("SKU,Price,Stock\n" + rows).encode()).rows) == spreadsheets.MAX_DATA_ROWS

    def test_too_many_rows_in_xlsx(self):
        data = xlsx_bytes(
            [["SKU", "Price", "Stock"]] + [[f"A{n}", 1, 1] for n in range(spreadsheets.MAX_DATA_ROWS + 1)]
        )
        assert refusal("x.xlsx", data).code == "too_many_rows"

    def test_missing_columns_are_named(self):
        with translation.override("vi"):
            error = refusal("x.csv", b"SKU,Stock\nA,1\n")
        assert error.code == "missing_column"
        assert "Giá (VND)" in error.message
        with translation.override("en"):
            error = refusal("x.csv", b"Packaging\nA\n")
        assert "SKU" in error.message and "Price (VND)" in error.message and "Stock" in error.message

    def test_a_column_twice(self):
        with translation.override("en"):
            error = refusal("x.csv", "SKU,Price,Stock,Giá bán\nA,1,1,2\n".encode())
        assert error.code == "duplicate_column"
        assert "Price (VND)" in error.message

    def test_empty_file_and_headings_only(self):
        assert refusal("x.csv", b"").code == "empty"
        assert refusal("x.csv", b"\n\n").code == "empty"
        assert refusal("x.csv", b"SKU,Price,Stock\n,,\n").code == "no_rows"
        assert refusal("x.xlsx", xlsx_bytes([["SKU", "Price", "Stock"]])).code == "no_rows"


class TestNumbers:
    @pytest.mark.parametrize(
        "text",
        [
            "250000",
            "250.000",
            "250,000",
            "250 000 ₫",
            "250000đ",
            "250.000 VNĐ",
            "250000 vnd",
            "₫250.000",
            "250\u00a0000",
        ],
    )
    def test_price_written_every_usual_way(self, text):
        assert parse_price(text) == 250000

    def test_price_in_millions(self):
        assert parse_price("1.250.000") == 1250000
        assert parse_price("1,250,000 ₫") == 1250000

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("12,5", "price_invalid"),
            ("12.5", "price_invalid"),
            ("250.00", "price_invalid"),
            ("1,250.000", "price_invalid"),
            ("abc", "price_invalid"),
            ("-250000", "price_negative"),
            ("-250.000 ₫", "price_negative"),
            ("0", "price_zero"),
            ("99999999999", "too_large"),
        ],
    )
    def test_bad_prices(self, text, code):
        with pytest.raises(CellError) as caught:
            parse_price(text)
        assert caught.value.code == code

    def test_stock(self):
        assert parse_stock("0") == 0
        assert parse_stock("25") == 25
        assert parse_stock("1.000") == 1000

    @pytest.mark.parametrize(
        ("text", "code"),
        [("2,5", "stock_invalid"), ("2.5", "stock_invalid"), ("many", "stock_invalid"), ("-1", "stock_negative")],
    )
    def test_bad_stock(self, text, code):
        with pytest.raises(CellError) as caught:
            parse_stock(text)
        assert caught.value.code == code


class TestWriting:
    def test_csv_escapes_formulas_and_reads_back(self):
        data = spreadsheets.write_csv(
            ["SKU", "Price", "Stock", "Description"],
            [['=HYPERLINK("http://x")', 250000, 3, "+1"], ["@SUM(A1)", 1, None, "-2 hũ"]],
        )
        assert data.startswith("\ufeff".encode())
        text = data.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "'@SUM" in text and "'+1" in text and "'-2 hũ" in text
        sheet = read_sheet("x.csv", data)
        assert sheet.rows[0].values["sku"] == '=HYPERLINK("http://x")'
        assert sheet.rows[1].values["description"] == "-2 hũ"

    def test_xlsx_never_writes_a_formula(self):
        data = spreadsheets.write_xlsx(["SKU", "Price", "Stock"], [["=1+2", 250000, 3]], "Sản phẩm")
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        sheet = workbook.worksheets[0]
        assert sheet["A2"].value == "'=1+2"
        assert sheet["A2"].data_type == "s"
        assert sheet["B2"].value == 250000
        assert read_sheet("x.xlsx", data).rows[0].values == {"sku": "=1+2", "price": "250000", "stock": "3"}
