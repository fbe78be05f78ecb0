"""deploy/.env.example documents every variable the settings and compose.yaml read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = (ROOT / "deploy" / ".env.example").read_text()


def documented():
    """Names set or shown (commented out) in .env.example."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", EXAMPLE, flags=re.MULTILINE))


def read_by_settings():
    names = set()
    for module in (ROOT / "shop" / "settings").glob("*.py"):
        names |= set(re.findall(r"\benv(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", module.read_text()))
    return names


def test_the_settings_read_variables():
    # Guards the regular expression: these are read today and must be found.
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "STRIPE_SECRET_KEY"} <= read_by_settings()


def test_every_setting_read_from_the_environment_is_documented():
    missing = read_by_settings() - documented()
    assert not missing, f"add these to deploy/.env.example: {sorted(missing)}"


def test_every_variable_compose_interpolates_is_documented():
    compose = (ROOT / "deploy" / "compose.yaml").read_text()
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]+)", compose))
    assert interpolated >= {"POSTGRES_PASSWORD", "ELASTIC_PASSWORD"}
    assert not interpolated - documented()


def test_the_secrets_are_left_for_the_operator_to_fill_in():
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "ELASTIC_PASSWORD"):
        assert re.search(rf"^{name}=$", EXAMPLE, flags=re.MULTILINE), name
