"""Two producers, A (Hà Tĩnh) and B (Thanh Hóa), their staff, a certified product of each, and the
coordination officers."""

import pytest

from shop.accounts.roles import Role
from tests.factories import (
    HA_TINH,
    THANH_HOA,
    THANH_HOA_WARD,
    ProducerFactory,
    government_officer,
    partner_staff,
)
from tests.functional.dashboard.listings.helpers import certified_for


@pytest.fixture
def producer_a(db):
    return ProducerFactory(name="HTX Mật ong Hương Sơn", code="htx-mat-ong-huong-son")


@pytest.fixture
def producer_b(db):
    return ProducerFactory(
        name="HTX Nem chua Thanh Hóa",
        code="htx-nem-chua-thanh-hoa",
        province_code=THANH_HOA,
        ward_code=THANH_HOA_WARD,
    )


@pytest.fixture
def staff_a(producer_a):
    return partner_staff(producer_a, "staff-a@example.vn")


@pytest.fixture
def staff_b(producer_b):
    return partner_staff(producer_b, "staff-b@example.vn")


@pytest.fixture
def client_a(client, staff_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def ha_tinh_reviewer(db):
    return government_officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp-hatinh@example.vn")


@pytest.fixture
def thanh_hoa_reviewer(db):
    return government_officer(Role.COORDINATION_OFFICER, THANH_HOA, "vpdp-thanhhoa@example.vn")


@pytest.fixture
def oranges(producer_a):
    return certified_for(producer_a, name="Cam bù Vũ Quang")


@pytest.fixture
def nem_b(producer_b):
    return certified_for(producer_b, name="Nem chua Thanh Hóa")
