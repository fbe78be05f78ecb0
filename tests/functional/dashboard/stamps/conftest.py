"""Stamp batches of producers A (Hà Tĩnh) and B (Thanh Hóa), clients for every kind of user, and a
private storage of the test's own."""

import pytest

from shop.accounts.roles import Role
from tests.factories import HA_TINH, SalesPointPartnerFactory, government_officer, partner_staff, stamp_batch
from tests.functional.dashboard.stamps.helpers import use_private_folder


@pytest.fixture(autouse=True)
def private_storage_dir(tmp_path, monkeypatch):
    """Print files and report photos go to the test's own folder, not var/test-private."""
    return use_private_folder(monkeypatch, tmp_path / "private")


@pytest.fixture
def batch_a(oranges, ha_tinh_reviewer):
    return stamp_batch(oranges, quantity=20, issued_by=ha_tinh_reviewer, lot="CAM-2026-01")


@pytest.fixture
def batch_b(nem_b, thanh_hoa_reviewer):
    return stamp_batch(nem_b, quantity=10, issued_by=thanh_hoa_reviewer, lot="NEM-07")


@pytest.fixture
def ha_tinh_client(client, ha_tinh_reviewer):
    client.force_login(ha_tinh_reviewer)
    return client


@pytest.fixture
def thanh_hoa_client(client, thanh_hoa_reviewer):
    client.force_login(thanh_hoa_reviewer)
    return client


@pytest.fixture
def client_b(client, staff_b):
    client.force_login(staff_b)
    return client


@pytest.fixture
def sales_point_operator(db):
    return partner_staff(SalesPointPartnerFactory(name="Điểm bán OCOP Hồng Lĩnh"), "diemban-hl@example.vn")


@pytest.fixture
def trade_officer(db):
    return government_officer(Role.TRADE_OFFICER, HA_TINH, "soct-hatinh@example.vn")
