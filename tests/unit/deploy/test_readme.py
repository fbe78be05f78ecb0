"""The README says the two commands exactly and lists every demo account."""

import re
from pathlib import Path

import pytest

from fixtures.accounts import DEMO_ACCOUNTS

README = (Path(__file__).resolve().parents[3] / "README.md").read_text()


def test_the_two_commands_and_the_address():
    assert re.search(r"^make run$", README, flags=re.MULTILINE)
    assert re.search(r"^make test$", README, flags=re.MULTILINE)
    assert "http://127.0.0.1:8000" in README
    assert "Python 3.11" in README


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.email)
def test_every_demo_account_is_listed_with_its_password(account):
    rows = [line for line in README.splitlines() if line.startswith("|") and f"`{account.email}`" in line]
    assert len(rows) == 1, f"{account.email} is not listed once in the README's demo accounts"
    assert f"`{account.password}`" in rows[0]


def test_the_public_addresses_are_documented():
    for address in ("/catalogue/", "/search/?q=", "/sales-points/", "/fairs/", "/producers/", "/t/<code>", "/healthz"):
        assert f"`{address}`" in README, address
    for admin in ("/dashboard/", "/cms/", "/django-admin/"):
        assert f"`{admin}`" in README, admin
