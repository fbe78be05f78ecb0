"""The two commands: what `make run` and `make test` do, read from make's dry run."""

import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


def dry_run(target, tmp_path):
    """The commands `make TARGET` would run for a newcomer: no virtualenv yet (a path that does not exist)."""
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def position(lines, pattern):
    for index, line in enumerate(lines):
        if re.search(pattern, line):
            return index
    raise AssertionError(f"no command matches {pattern!r} in:\n" + "\n".join(lines))


def test_make_run_builds_everything_then_serves(tmp_path):
    lines = dry_run("run", tmp_path)
    steps = [
        r"python3(\.11)? -m venv ",
        r"pip install .*-r requirements\.txt",
        r"manage\.py migrate --noinput",
        r"manage\.py load_demo_data",
        r"manage\.py runserver 127\.0\.0\.1:8000$",
    ]
    positions = [position(lines, step) for step in steps]
    assert positions == sorted(positions)


def test_make_test_lints_then_runs_the_suite_on_the_test_settings(tmp_path):
    lines = dry_run("test", tmp_path)
    steps = [
        r"pip install .*-r requirements-test\.txt",
        r"ruff check \.$",
        r"ruff format --check \.$",
        r"DJANGO_SETTINGS_MODULE=shop\.settings\.test .*pytest",
    ]
    positions = [position(lines, step) for step in steps]
    assert positions == sorted(positions)
    # pytest's "no tests collected" (5) is not a failure; any other failure is.
    assert "-eq 5" in " ".join(lines[positions[-1] :])


def test_make_bench_runs_the_benchmark_script(tmp_path):
    assert position(dry_run("bench", tmp_path), r"python tests/bench/run_bench\.py$") >= 0


def requirement_pins(name):
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[a-z,]+\])?==([\w.]+)", line)
        assert match, f"{name}: {line!r} is not pinned with =="
        pins[match[1]] = match[3]
    return pins


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-test.txt"])
def test_requirements_are_pinned_to_what_the_suite_runs_with(name):
    pins = requirement_pins(name)
    assert pins
    for package, pinned in pins.items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            pytest.fail(f"{package} ({name}) is not installed: run make test")
        assert installed == pinned, f"{package}: {name} pins {pinned}, {installed} is installed"


def test_the_main_pieces_are_pinned_where_the_project_needs_them():
    pins = requirement_pins("requirements.txt")
    assert pins["Django"].startswith("5.2.")
    assert pins["django-oscar"] == "4.2.1"
    assert pins["wagtail"].startswith("8.0.")
    assert pins["elasticsearch"].startswith("8.") and tuple(map(int, pins["elasticsearch"].split(".")[:2])) >= (8, 18)
    assert pins["stripe"].startswith("16.")
    assert pins["celery"].startswith("5.")
