"""Search benchmark: ``make bench-search`` (also run by ``make bench``).

The issue asks, at 20,000 products, for the search's and the suggestions' median and p95 server
time for each engine, compared on the same data and machine with Oscar's stock search (haystack's
simple backend), whose p95 ours must beat at least tenfold; suggestions under 50 ms; a full reindex
of the 20,000 products under 60 s. This measures all of it:

- The data: the demo data and generated products (``load_demo_data --products 20000``) in a
  database of the benchmark's own, on PostgreSQL (production's database, with the Redis cache when
  Redis answers), then on SQLite (``make run``'s default, local memory cache); each is built and
  measured in a process of its own.
- Engines: the database engine on each database; the Elasticsearch engine on PostgreSQL, against a
  real Elasticsearch 8 when ``--elasticsearch-url`` (or $ELASTICSEARCH_URL) names one, else against
  an osmem-server started here. osmem is an in-memory emulator of the Elasticsearch REST API, not
  Elasticsearch: its figures are indicative only.
- Server time, in-process, with time.perf_counter around the work a request does:
  (a) search: the engine's search_products, then the page's products loaded as search.listing does
      (products_in_order), for each buyer query of tests/search_relevance.py, and for a few searches
      with facets, a sort order or a later page; also the whole ``/search/?q=`` view (middleware,
      form, engine, products, template) through Django's test client;
  (b) suggestions: the engine's suggest for the first 3, 5 and 8 letters of each buyer query, and
      the whole ``/search/suggest/?q=`` view;
  (c) Oscar's stock search for the same buyer queries: Oscar 4.2's own FacetedSearchView (haystack's
      FacetedSearchView, Oscar's SearchForm and base_sqs, the simple backend, Oscar's ProductIndex
      registered as Oscar's search app registers it), as far as its template: the count and the
      page of 24 results it loads (OSCAR_PRODUCTS_PER_PAGE). Its template is not rendered (the
      site's templates are not Oscar's), so the comparison with our whole view favours Oscar's.
  Each is warmed up first, then called in rounds (every query once a round), so that a slow moment
  of the machine spreads over all of them.
- A full reindex: each engine's rebuild() of every product (what ``manage.py search_index --rebuild``
  runs, without its progress bar).

Prints Markdown tables and writes var/bench/search.json. The databases, the media folders and the
osmem-server it starts are removed at the end, also when it fails (``--keep`` keeps the databases).
"""

import argparse
import contextlib
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.common import percentile, redis_answers  # noqa: E402 (after the path)

OUT = ROOT / "var" / "bench"

TARGET_RATIO = 10  # Oscar's stock p95 over ours, at least
SUGGEST_TARGET_MS = 50
REINDEX_TARGET_SECONDS = 60
PREFIX_LENGTHS = (3, 5, 8)
TARGETS = ("postgresql", "sqlite")

# Searches beyond the buyer queries, as the page's query string: facets, sort orders, a later page.
# ("province" is added at run time: the province with the most products.)
EXTRA_SEARCHES = [
    {"q": "mat ong", "stars": ["4", "5"]},
    {"q": "nuoc mam", "price": ["under-100k", "100k-200k"]},
    {"q": "tra", "group": ["food", "herbs"], "sort_by": "price_asc"},
    {"q": "cam", "sort_by": "stars"},
    {"q": "ruou", "at_sales_point": "on", "sort_by": "newest"},
    {"q": "mat ong", "page": "3"},
]


# --- the parent: databases, children, report ----------------------------------------------------


def sqlite_path():
    return OUT / "search.sqlite3"


def environment(args, target):
    """The environment a child runs with for ``target`` (postgresql or sqlite)."""
    env = dict(os.environ)
    if target == "postgresql":
        database_url = f"postgres://{args.user}@{args.host}:{args.port}/{args.database}"
        redis_url = f"redis://{args.redis_host}:{args.redis_port}/{args.redis_db}"
        redis_url = redis_url if redis_answers(redis_url) else ""
    else:
        database_url, redis_url = f"sqlite:///{sqlite_path()}", ""
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.dev",
        DEBUG="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # Indexing goes to the database engine only; the benchmark builds its Elasticsearch engine itself.
        ELASTICSEARCH_URL="",
        CELERY_BROKER_URL="memory://",
        MEDIA_ROOT=str(OUT / f"search-media-{target}"),
        PRIVATE_MEDIA_ROOT=str(OUT / f"search-private-{target}"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def admin_connection(args):
    import psycopg

    return psycopg.connect(host=args.host, port=args.port, user=args.user, dbname="postgres", autocommit=True)


def remove_data(args, targets):
    if "postgresql" in targets:
        with admin_connection(args) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    if "sqlite" in targets:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite_path()}{suffix}").unlink(missing_ok=True)
    for target in targets:
        for folder in (f"search-media-{target}", f"search-private-{target}"):
            shutil.rmtree(OUT / folder, ignore_errors=True)


def clear_redis(env):
    if env["REDIS_URL"]:
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def child_command(args, phase, target):
    command = [sys.executable, __file__, "--child", phase, "--target", target, "--products", str(args.products)]
    command += ["--rounds", str(args.rounds), "--es-rounds", str(args.es_rounds)]
    command += ["--stock-rounds", str(args.stock_rounds), "--warmup", str(args.warmup)]
    if args.elasticsearch_url:
        command += ["--elasticsearch-url", args.elasticsearch_url]
    return command


def run_child(args, phase, target):
    if subprocess.run(child_command(args, phase, target), cwd=ROOT, env=environment(args, target)).returncode:
        raise SystemExit(f"{phase} failed on {target}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--database", default="ocop_bench_search")
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=13, help="a Redis database of the benchmark's own")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the database engine's queries")
    parser.add_argument(
        "--es-rounds", type=int, default=1, help="rounds of the Elasticsearch engine's queries (osmem is slow)"
    )
    parser.add_argument("--stock-rounds", type=int, default=1, help="rounds of Oscar's stock search (seconds a query)")
    parser.add_argument("--warmup", type=int, default=1, help="calls of each query before the database's rounds")
    parser.add_argument(
        "--elasticsearch-url",
        default=os.environ.get("ELASTICSEARCH_URL", ""),
        help="a real Elasticsearch 8 to measure instead of osmem-server (default: $ELASTICSEARCH_URL); "
        "the benchmark works in indices of its own prefix and deletes them",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the databases a --keep run left")
    parser.add_argument("--child", choices=("build", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--target", choices=TARGETS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    targets = ["postgresql"] if args.no_sqlite else list(TARGETS)
    for target in targets:
        (OUT / f"search-{target}.json").unlink(missing_ok=True)
    postgres_env = environment(args, "postgresql")
    try:
        if not args.reuse:
            remove_data(args, targets)
            with admin_connection(args) as connection:
                connection.execute(f'CREATE DATABASE "{args.database}"')
        clear_redis(postgres_env)
        # One database after the other: built at once, on two CPUs, they took longer than in turn.
        for target in targets:
            if not args.reuse:
                print(f"\nbuilding {args.products:,} products on {target} ...", flush=True)
                run_child(args, "build", target)
            run_child(args, "measure", target)
    finally:
        clear_redis(postgres_env)
        if not args.keep:
            remove_data(args, targets)
    results = {
        "products": args.products,
        "cpus": os.cpu_count(),
        "rounds": args.rounds,
        "es_rounds": args.es_rounds,
        "stock_rounds": args.stock_rounds,
        "warmup": args.warmup,
        "osmem": f"the Elasticsearch of --elasticsearch-url ({redacted(args.elasticsearch_url)})"
        if args.elasticsearch_url
        else "osmem-server, an in-memory emulator of the Elasticsearch REST API, not Elasticsearch: "
        "its figures are indicative only",
        "elasticsearch_label": "elasticsearch" if args.elasticsearch_url else "elasticsearch (osmem, indicative)",
        "targets": {target: json.loads((OUT / f"search-{target}.json").read_text()) for target in targets},
    }
    for target in targets:
        (OUT / f"search-{target}.json").unlink()
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    (OUT / "search.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report(results)


# --- the children: build or measure one database -------------------------------------------------


def child(args):
    import django

    django.setup()
    if args.child == "build":
        return build(args)
    return measure_target(args)


def build(args):
    from django.core.management import call_command

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with contextlib.redirect_stdout(open(os.devnull, "w")):  # noqa: SIM115 - closed with the process
        call_command("load_demo_data", products=args.products, verbosity=0)
    timings["load_demo_data_seconds"] = round(time.perf_counter() - started, 1)
    (OUT / f"search-build-{args.target}.json").write_text(json.dumps(timings))


def measure_target(args):
    from django.conf import settings

    from catalog.models import Product
    from search.engines.database import DatabaseEngine
    from search.models import ProductSearchEntry

    built = OUT / f"search-build-{args.target}.json"
    results = json.loads(built.read_text()) if built.exists() else {}
    built.unlink(missing_ok=True)
    database = settings.DATABASES["default"]
    results.update(
        database="PostgreSQL" if "postgresql" in database["ENGINE"] else "SQLite",
        cache=settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        products=Product.objects.count(),
    )
    print(f"\n{results['database']}: {results['products']:,} products", flush=True)

    engines = {"database": DatabaseEngine()}
    with contextlib.ExitStack() as stack:
        if args.target == "postgresql":
            engines["elasticsearch"] = stack.enter_context(
                real_elasticsearch_engine(args.elasticsearch_url) if args.elasticsearch_url else osmem_engine()
            )
        results["reindex"] = {}
        for name, engine in engines.items():
            print(f"  {name}: full reindex ...", flush=True)
            shares = {}
            with waiting_share(shares, "waiting_for_osmem_share"):
                started = time.perf_counter()
                indexed = engine.rebuild()
                seconds = time.perf_counter() - started
            results["reindex"][name] = {"products": indexed, "seconds": round(seconds, 1)}
            if name == "elasticsearch":
                results["reindex"][name].update(shares)
        results["indexed_for_sale"] = ProductSearchEntry.objects.filter(searchable=True).count()

        workload = Workload()
        results["engines"] = {}
        for name, engine in engines.items():
            print(f"  {name}: searches and suggestions ...", flush=True)
            started = time.perf_counter()
            results["engines"][name] = measure_engine(name, engine, workload, args)
            results["engines"][name]["benchmark_seconds"] = round(time.perf_counter() - started, 1)
        print("  Oscar's stock search (haystack simple backend) ...", flush=True)
        started = time.perf_counter()
        results["stock"] = measure_stock(workload, args)
        results["stock"]["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    # Other work on the machine slows every figure: its 1-minute load average as the measures ended.
    results["load_average"] = round(os.getloadavg()[0], 2)
    (OUT / f"search-{args.target}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


@contextlib.contextmanager
def osmem_engine():
    """An ElasticsearchEngine on a clone of an osmem-server started here, stopped afterwards."""
    from django.conf import settings
    from osmem_server import OsmemServer

    from search.engines.elasticsearch import ElasticsearchEngine
    from tests.integration.search.conftest import OsmemNode

    settings.ELASTICSEARCH_INDEX_PREFIX = "bench"
    server = OsmemServer.start(freeze=False, japanese=False)
    try:
        with server.clone() as clone:
            yield ElasticsearchEngine(clone.url, node_class=timed(OsmemNode), timeout=60)
    finally:
        server.close()


@contextlib.contextmanager
def real_elasticsearch_engine(url):
    """An ElasticsearchEngine on the Elasticsearch at ``url``, in indices of a prefix of its own,
    deleted afterwards."""
    import uuid

    from django.conf import settings
    from elastic_transport import Urllib3HttpNode

    from search.engines.elasticsearch import ElasticsearchEngine

    settings.ELASTICSEARCH_INDEX_PREFIX = f"bench-{uuid.uuid4().hex[:8]}"
    engine = ElasticsearchEngine(url, node_class=timed(Urllib3HttpNode), timeout=60)
    try:
        yield engine
    finally:
        names = list(engine.client.indices.get(index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", allow_no_indices=True))
        if names:
            engine.client.indices.delete(index=",".join(names), ignore_unavailable=True)


def redacted(url):
    """``url`` without its password."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


WAITING_FOR_OSMEM = [0.0]  # seconds waiting for the Elasticsearch server's answers, in this process


def timed(node_class):
    """``node_class`` adding up the time spent waiting for the server's answers (WAITING_FOR_OSMEM)."""

    class TimedNode(node_class):
        def perform_request(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return super().perform_request(*args, **kwargs)
            finally:
                WAITING_FOR_OSMEM[0] += time.perf_counter() - started

    return TimedNode


@contextlib.contextmanager
def waiting_share(into, key):
    """Sets ``into[key]`` to the share of the block's time spent waiting for osmem's answers."""
    waited, started = WAITING_FOR_OSMEM[0], time.perf_counter()
    yield
    into[key] = round((WAITING_FOR_OSMEM[0] - waited) / (time.perf_counter() - started), 3)


class Workload:
    """What is asked: the buyer queries, the extra searches, the prefixes typed."""

    def __init__(self):
        from django.db.models import Count

        from search.models import ProductSearchEntry
        from tests.search_relevance import QUERIES

        self.buyer_texts = [text for text, _expected in QUERIES]
        province = (
            ProductSearchEntry.objects.exclude(province_code__isnull=True)
            .values_list("province_code", flat=True)
            .annotate(products=Count("pk"))
            .order_by("-products")
            .first()
        )
        self.extra_searches = [*EXTRA_SEARCHES, {"q": "che", "province": [str(province)], "sort_by": "price_desc"}]
        prefixes = []
        for text in self.buyer_texts:
            for length in PREFIX_LENGTHS:
                prefix = text[:length].rstrip()
                if len(prefix) >= 3 and prefix not in prefixes:
                    prefixes.append(prefix)
        self.prefixes = prefixes


def search_url(params):
    return "/search/?" + urlencode(params, doseq=True)


def product_query(params):
    """The ProductQuery the search page makes of these query parameters."""
    from django.conf import settings
    from django.http import QueryDict

    from search.forms import CatalogueFilterForm

    data = QueryDict(urlencode(params, doseq=True))
    form = CatalogueFilterForm(data)
    if not form.is_valid():
        raise SystemExit(f"{params}: {form.errors.as_text()}")
    return form.product_query(page=int(data.get("page", 1)), per_page=settings.OSCAR_PRODUCTS_PER_PAGE)


def measure(calls, rounds, warmup):
    """Each of ``calls`` ({key: function}) called ``warmup`` times, then once in each of ``rounds``
    rounds; {key: [milliseconds of each call]}."""
    for function in calls.values():
        for _ in range(warmup):
            function()
    samples = {key: [] for key in calls}
    for _ in range(rounds):
        for key, function in calls.items():
            started = time.perf_counter()
            function()
            samples[key].append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples):
    values = [value for values in samples.values() for value in values]
    medians = {key: statistics.median(values) for key, values in samples.items()}
    slowest = max(medians, key=medians.get)
    return {
        "calls": len(values),
        "median_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "max_ms": round(max(values), 2),
        "slowest": {"what": slowest, "median_ms": round(medians[slowest], 2)},
        "median_ms_of_each": {key: round(value, 2) for key, value in medians.items()},
    }


class FallbackCounter(logging.Handler):
    """Counts the warnings of search.engines: an Elasticsearch that did not answer, and the
    database engine answering in its place."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def measure_engine(name, engine, workload, args):
    """The engine's figures. The database engine: ``args.warmup`` calls of each, then ``args.rounds``
    rounds. Elasticsearch on osmem, which is slow: ``args.es_rounds`` rounds, no warm-up beyond a
    first search of each buyer query; and the share of its time spent waiting for osmem's answers."""
    from unittest import mock

    from django.test import Client

    from search.listing import products_in_order

    rounds, warmup = (args.rounds, args.warmup) if name == "database" else (args.es_rounds, 0)

    def search_page(query):
        return lambda: products_in_order(engine.search_products(query).product_ids)

    buyer = {text: product_query({"q": text}) for text in workload.buyer_texts}
    extra = {search_url(params): product_query(params) for params in workload.extra_searches}
    found = {text: engine.search_products(query).total for text, query in buyer.items()}
    waiting = {}
    result = {"buyer_queries_with_no_result": [text for text, total in found.items() if not total]}
    with waiting_share(waiting, "search"):
        result["search"] = summary(measure({t: search_page(q) for t, q in buyer.items()}, rounds, warmup))
    with waiting_share(waiting, "search_facets_sorts"):
        result["search_facets_sorts"] = summary(
            measure({url: search_page(q) for url, q in extra.items()}, rounds, warmup)
        )
    with waiting_share(waiting, "suggest"):
        result["suggest"] = summary(
            measure({p: (lambda p=p: engine.suggest(p)) for p in workload.prefixes}, rounds, warmup)
        )

    client = Client(HTTP_ACCEPT_LANGUAGE="vi")

    def get(url):
        def call():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")

        return call

    search_urls = [search_url({"q": text}) for text in workload.buyer_texts]
    suggest_urls = ["/search/suggest/?" + urlencode({"q": prefix}) for prefix in workload.prefixes]
    counter = FallbackCounter()
    logging.getLogger("search.engines").addHandler(counter)
    # The views ask search.engines for the site's engine: this one (the database engine is the
    # default when ELASTICSEARCH_URL is not set; Elasticsearch is asked for through its fallback).
    patch = mock.patch("search.engines.elasticsearch_engine", return_value=engine if name != "database" else None)
    try:
        with patch:
            with waiting_share(waiting, "search_view"):
                result["search_view"] = summary(measure({url: get(url) for url in search_urls}, rounds, warmup))
            with waiting_share(waiting, "suggest_view"):
                result["suggest_view"] = summary(measure({url: get(url) for url in suggest_urls}, rounds, warmup))
    finally:
        logging.getLogger("search.engines").removeHandler(counter)
    result["views_fell_back_to_database"] = counter.count
    if name != "database":
        result["waiting_for_osmem_share"] = waiting
    return result


def stock_search_view():
    """Oscar 4.2's stock search view as Oscar's own search app serves it, up to its template: a
    callable(request) that returns (count, the page's products)."""
    from haystack import connections
    from oscar.apps.search.forms import SearchForm
    from oscar.apps.search.search_indexes import ProductIndex
    from oscar.apps.search.views.search import FacetedSearchView

    # Oscar's search app registers ProductIndex with haystack (its search_indexes module); the site's
    # fork of the app has none, so it is registered here as stock Oscar would have it.
    unified_index = connections["default"].get_unified_index()
    if not unified_index.get_indexed_models():
        unified_index.build(indexes=[ProductIndex()])

    class StockSearchView(FacetedSearchView):
        form_class = SearchForm  # Oscar's (the site's fork has a SearchForm of its own)

        def render_to_response(self, context, **kwargs):
            # What Oscar's results.html reads: the page's results and each result's product.
            page = context["page_obj"]
            return context["paginator"].count, [result.object for result in page.object_list]

    return StockSearchView.as_view()


def measure_stock(workload, args):
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    view = stock_search_view()
    factory = RequestFactory()
    found = {}

    def search(text):
        def call():
            request = factory.get("/search/", {"q": text})
            request.session, request.user = SessionStore(), AnonymousUser()
            count, products = view(request)
            found[text] = (count, len(products))

        return call

    # No warm-up: a round of it takes a minute, and the database is warm from our engines' rounds.
    samples = measure({text: search(text) for text in workload.buyer_texts}, args.stock_rounds, 0)
    result = {"search": summary(samples)}
    result["results_per_query"] = {text: count for text, (count, _page) in found.items()}
    result["page_size"] = settings.OSCAR_PRODUCTS_PER_PAGE
    return result


# --- the report ---------------------------------------------------------------------------------


def stock_counts(data):
    return data["stock"]["results_per_query"]


def verdict(met):
    return "yes" if met else "**no**"


def report(results):
    print()
    print(f"## Search benchmark: {results['products']:,} products, {results['cpus']} CPUs, server time in-process")
    print()
    print(
        f"Rounds (every query once a round): the database engine {results['rounds']}, after {results['warmup']} "
        f"warm-up call(s) of each; Elasticsearch {results['es_rounds']}; Oscar's stock search "
        f"{results['stock_rounds']}. Elasticsearch figures come from {results['osmem']}."
    )
    for target, data in results["targets"].items():
        stock = data["stock"]["search"]
        print()
        print(
            f"### {data['database']} ({data['cache']} cache): {data['products']:,} products, "
            f"{data['indexed_for_sale']:,} indexed; migrate {data.get('migrate_seconds', '-')} s, "
            f"load_demo_data {data.get('load_demo_data_seconds', '-')} s; load average {data['load_average']}"
        )
        print()
        print("| engine | what | calls | median ms | p95 ms | Oscar's stock p95 / ours | target | met |")
        print("|---|---|---:|---:|---:|---:|---|---|")
        for name, engine in data["engines"].items():
            label = f"{name} ({target})" if name == "database" else results["elasticsearch_label"]
            rows = (
                ("search: buyer queries, engine + page's products", engine["search"], "ratio"),
                ("search: facets, sorts, page 3", engine["search_facets_sorts"], None),
                ("/search/?q= whole view (template included)", engine["search_view"], "ratio"),
                ("suggest: 3, 5, 8 letters, engine", engine["suggest"], "suggest"),
                ("/search/suggest/?q= whole view", engine["suggest_view"], "suggest"),
            )
            for what, row, target_kind in rows:
                ratio, goal, met = "", "", ""
                if target_kind == "ratio":
                    value = stock["p95_ms"] / row["p95_ms"]
                    ratio, goal, met = f"{value:.1f}x", f">= {TARGET_RATIO}x", verdict(value >= TARGET_RATIO)
                elif target_kind == "suggest":
                    goal, met = f"p95 < {SUGGEST_TARGET_MS} ms", verdict(row["p95_ms"] < SUGGEST_TARGET_MS)
                print(
                    f"| {label} | {what} | {row['calls']} | {row['median_ms']} | {row['p95_ms']} | {ratio} | "
                    f"{goal} | {met} |"
                )
        print(
            f"| Oscar's stock (haystack simple, {target}) | search: buyer queries, count + page of "
            f"{data['stock']['page_size']} products | {stock['calls']} | {stock['median_ms']} | {stock['p95_ms']} "
            "| 1x | | |"
        )
        print()
        print("| full reindex | products | seconds | target | met |")
        print("|---|---:|---:|---|---|")
        for name, row in data["reindex"].items():
            label = f"{name} ({target})" if name == "database" else results["elasticsearch_label"]
            met = verdict(row["seconds"] < REINDEX_TARGET_SECONDS)
            print(f"| {label} | {row['products']:,} | {row['seconds']} | < {REINDEX_TARGET_SECONDS} s | {met} |")
        print()
        for name, engine in data["engines"].items():
            slowest = engine["search"]["slowest"]
            print(
                f"- {name}: slowest buyer query {slowest['what']!r} ({slowest['median_ms']} ms median); "
                f"slowest suggestion {engine['suggest']['slowest']['what']!r} "
                f"({engine['suggest']['slowest']['median_ms']} ms)"
            )
            if engine["buyer_queries_with_no_result"]:
                print(f"  buyer queries it found nothing for: {', '.join(engine['buyer_queries_with_no_result'])}")
            if engine["views_fell_back_to_database"]:
                print(f"  WARNING: {engine['views_fell_back_to_database']} view calls fell back to the database engine")
            if "waiting_for_osmem_share" in engine:
                shares = engine["waiting_for_osmem_share"]
                reindex = data["reindex"][name].get("waiting_for_osmem_share", 0)
                print(
                    f"  of its time, waiting for the server's answers: searches {shares['search']:.0%}, suggestions "
                    f"{shares['suggest']:.0%}, reindex {reindex:.0%}"
                )
        slowest = stock["slowest"]
        everything = [text for text, count in stock_counts(data).items() if count >= data["products"] * 0.9]
        print(f"- Oscar's stock: slowest query {slowest['what']!r} ({slowest['median_ms']} ms median)")
        if everything:
            print(
                f"  (its simple backend keeps only the last word of a query, matched anywhere with icontains, and "
                f"loads every match: {len(everything)} buyer queries matched 90 % or more of the products)"
            )
    print()
    print(f"the search benchmark took {results['total_seconds']} s; figures in var/bench/search.json")


if __name__ == "__main__":
    main()
