"""``./manage.py search_index --rebuild``: index every product (and every place) afresh, with a progress bar.

The rebuild fills a new index and swaps it in at the end (Elasticsearch: a new index behind the
alias; the database: one transaction), so the search answers throughout. ``--repair`` fixes only
what differs from the database, as the periodic task does.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from search.engines import database_engine, elasticsearch_engine, indexing_engines
from search.tasks import repair

BAR_WIDTH = 30


class Command(BaseCommand):
    help = _("Rebuild or repair the search index of the products, sales points and fairs.")

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help=_("index every product afresh"))
        action.add_argument("--repair", action="store_true", help=_("fix only what differs from the database"))
        parser.add_argument(
            "--engine",
            choices=("all", "database", "elasticsearch"),
            default="all",
            help=_("which engine (default: every engine in use)"),
        )

    def handle(self, *args, rebuild=False, repair=False, engine="all", **options):
        engines = self.engines(engine)
        if repair:
            repaired = self.repair(engines)
            for name, count in repaired.items():
                self.stdout.write(_("%(engine)s: %(count)s products repaired") % {"engine": name, "count": count})
            for name, count in repaired.places.items():
                self.stdout.write(_("%(engine)s: %(count)s places repaired") % {"engine": name, "count": count})
            return
        for each in engines:
            started = time.monotonic()
            count = each.rebuild(progress=self.progress_bar(each.name))
            self.stdout.write("")
            self.stdout.write(
                _("%(engine)s: %(count)s products indexed in %(seconds).1f s")
                % {"engine": each.name, "count": count, "seconds": time.monotonic() - started}
            )

    def engines(self, name):
        if name == "all":
            return indexing_engines()
        if name == "database":
            return [database_engine()]
        engine = elasticsearch_engine()
        if engine is None:
            raise CommandError(_("ELASTICSEARCH_URL is not set."))
        return [engine]

    def repair(self, engines):
        return repair(engines)

    def progress_bar(self, name):
        interactive = sys.stdout.isatty()
        last = {"shown": -1}

        def progress(done, total):
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            percent = 100 * done // total if total else 100
            if not interactive and percent // 10 == last["shown"] // 10 and done != total:
                return  # into a log: a line every 10 %
            last["shown"] = percent
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            line = f"{name:>13} [{bar}] {done}/{total} ({percent} %)"
            self.stdout.write(f"\r{line}" if interactive else line, ending="" if interactive else "\n")
            self.stdout.flush()

        return progress
