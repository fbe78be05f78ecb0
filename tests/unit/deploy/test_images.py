"""The Dockerfile and the gunicorn configuration."""

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()


def instructions():
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def test_built_on_python_3_11_slim():
    assert instructions()[0] == ("FROM", "python:3.11-slim")


def test_runs_as_an_unprivileged_user():
    users = [arguments for instruction, arguments in instructions() if instruction == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert "useradd --system --uid 10001 --gid ocop" in DOCKERFILE


def test_installs_the_requirements_before_copying_the_code():
    steps = [" ".join(step) for step in instructions()]
    install = next(i for i, step in enumerate(steps) if "pip install -r requirements.txt" in step)
    copy_all = steps.index("COPY . .")
    assert install < copy_all


def test_collects_the_static_files_with_the_production_settings():
    environment = " ".join(arguments for instruction, arguments in instructions() if instruction == "ENV")
    assert "DJANGO_SETTINGS_MODULE=shop.settings.production" in environment.split()
    assert "manage.py collectstatic --noinput" in DOCKERFILE


def test_serves_with_gunicorn():
    assert instructions()[-1] == (
        "CMD",
        '["gunicorn", "--config", "deploy/gunicorn.conf.py", "shop.wsgi:application"]',
    )


def test_gunicorn_configuration(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["bind"] == "0.0.0.0:8000"
    assert conf["workers"] == 3
    assert conf["accesslog"] == "-"
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert 1 <= runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"] <= 8
