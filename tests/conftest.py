import os

import pytest

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def vietnamese(client):
    client.cookies["django_language"] = "vi"
    return client


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client
