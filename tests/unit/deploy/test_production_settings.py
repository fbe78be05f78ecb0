"""shop.settings.production refuses to start without a secret key and hosts, and passes check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = secrets.token_urlsafe(64)


def manage(*args, **environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECRET_KEY"))}
    # Empty values win over a developer's .env (read with overwrite=False).
    env.update({"SECRET_KEY": "", "ALLOWED_HOSTS": "", "DJANGO_SETTINGS_MODULE": "shop.settings.production"})
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_a_secret_key_and_hosts():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="ocop.example.vn"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_a_weak_key():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="too-short", ALLOWED_HOSTS="ocop.example.vn"
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"ALLOWED_HOSTS": "ocop.example.vn"}, "SECRET_KEY must be set in production"),
        ({"ALLOWED_HOSTS": "ocop.example.vn", "SECRET_KEY": "insecure-development-key-change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must be set in production"),
    ],
    ids=["no-secret-key", "development-key", "no-allowed-hosts"],
)
def test_refuses_to_start_without_its_secrets(environment, message):
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
