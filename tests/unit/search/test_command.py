"""``manage.py search_index``: its progress bar, and the choice of engines."""

import io

import pytest
from django.core.management import CommandError, call_command

from search.management.commands.search_index import Command


def test_the_progress_bar_into_a_log_is_a_line_every_ten_percent():
    out = io.StringIO()
    command = Command(stdout=out)
    progress = command.progress_bar("database")
    for done in range(0, 201, 20):
        progress(done, 200)
    lines = out.getvalue().splitlines()
    assert lines[0] == "     database [..............................] 0/200 (0 %)"
    assert lines[-1] == "     database [##############################] 200/200 (100 %)"
    assert len(lines) == 11


def test_elasticsearch_alone_needs_its_url(settings):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL"):
        call_command("search_index", "--rebuild", "--engine", "elasticsearch")


def test_one_action_is_required():
    with pytest.raises(CommandError):
        call_command("search_index")
