"""Stamp benchmark: ``make bench-stamps`` (also run by ``make bench``).

On PostgreSQL, in a database of its own (created here and dropped at the end):

(a) how long issuing and generating a batch of 100,000 stamps takes (shop.stamps.issuing.issue_batch,
    then generate_stamps, which the Celery task runs): the issue asks for under 30 s;
(b) ``/t/<code>`` under gunicorn, with 1,000 stamps in the table and with 1,000,000: two databases
    (the second a copy of the first, then grown), each served by its own gunicorn, loaded in turn in
    alternating rounds (1k, 1M, 1M, 1k, ...) so that neither size gets the machine's quieter moments.
    Clients (one process each, keep-alive connections) ask for random existing codes: one client
    alone (the page's latency: what the issue's target is about), then four at once (the throughput
    of the two CPUs, where requests queue for a CPU behind each other and behind the clients
    themselves). The figures are the median and p95 of
      - the view's time (its ``Server-Timing: app;dur=`` header),
      - the server's time for the whole request (gunicorn's access log, ``%(D)s``: middleware, the
        request's transaction and its commit included),
      - the latency the clients see,
    and the requests answered per second. The issue asks for a p95 under 25 ms, and no slower with
    1,000,000 stamps than with 1,000.

The server runs as deployed: ``deploy/gunicorn.conf.py`` (gthread workers, keep-alive, worker
recycling) with shop.settings.production (DEBUG off, persistent database connections, WhiteNoise
and its manifest, the Redis cache when Redis answers). Requests carry ``X-Forwarded-Proto: https``
as nginx sends it, so that the HTTPS redirect does not answer instead of the page. Each request
counts a real scan (a StampScan row, the stamp's counters). The rate limits of the page would
refuse a benchmark from one address: they are raised through the environment
(OCOP_STAMP_LOOKUPS_PER_MINUTE, OCOP_STAMP_UNKNOWN_CODES_PER_HOUR), nothing else is changed.

The other 899,000 stamps of the large table are issued in batches of 100,000 whose stamps are
written with COPY (the same rows generate_stamps makes, faster; generate_stamps itself is what (a)
times). Figures go to stdout and var/bench/stamps.json.
"""

import argparse
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.common import percentile, redis_answers  # noqa: E402 (after the path)

OUT = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent

LARGE_BATCH = 100_000
SMALL_TABLE = 1_000
LARGE_TABLE = 1_000_000
SERVER_TIMING = re.compile(r"app;dur=([\d.]+)")
UNLIMITED = str(10**9)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the database -------------------------------------------------------------------------------


def admin_connection(args):
    import psycopg

    return psycopg.connect(host=args.host, port=args.port, user=args.user, dbname="postgres", autocommit=True)


def large_database(args):
    return f"{args.database}_1m"


def recreate_database(args):
    with admin_connection(args) as connection:
        for name in (args.database, large_database(args)):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{args.database}"')


def copy_database(args):
    """The large table's database starts as a copy of the small one (its data, its photo)."""
    from django.db import connections

    connections.close_all()
    with admin_connection(args) as connection:
        connection.execute(f'CREATE DATABASE "{large_database(args)}" TEMPLATE "{args.database}"')


def use_database(name):
    """Point this process's Django connection at another database."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name


def drop_databases(args):
    from django.db import connections

    connections.close_all()
    with admin_connection(args) as connection:
        for name in (args.database, large_database(args)):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def minimal_data():
    """A Hà Tĩnh producer and its certified honey, with a photo (the page shows its thumbnail)."""
    import io

    from django.core.files.base import ContentFile
    from oscar.core.loading import get_model
    from PIL import Image

    from tests.factories import ProducerFactory, certified_product

    ProductImage = get_model("catalogue", "ProductImage")
    producer = ProducerFactory(name="HTX Nuôi ong Hương Khê", code="htx-nuoi-ong-huong-khe")
    product = certified_product(title="Mật ong hoa rừng Hương Khê – chai 500 ml", producer=producer)
    picture = io.BytesIO()
    Image.new("RGB", (1200, 900), (222, 170, 60)).save(picture, format="JPEG", quality=85)
    image = ProductImage(product=product, caption=product.title, display_order=0)
    image.original.save("bench-honey.jpg", ContentFile(picture.getvalue()), save=True)
    return product


def issue(product, quantity, lot):
    """Issue a batch and generate its stamps, as the officer's form and the Celery task do;
    returns (batch, seconds). The print files are not rendered (the task would, afterwards)."""
    from catalog.models import today
    from shop.stamps.issuing import generate_stamps, issue_batch
    from shop.stamps.models import StampBatch

    started = time.perf_counter()
    batch = issue_batch(product=product, quantity=quantity, lot=lot, produced_on=today() - timedelta(days=3))
    generate_stamps(batch)
    elapsed = time.perf_counter() - started
    StampBatch.objects.filter(pk=batch.pk).update(status=StampBatch.Status.READY)
    return batch, elapsed


def copy_batch(product, quantity, lot):
    """Issue a batch and write its stamps with COPY: the same rows as generate_stamps makes (codes of
    shop.stamps.codes.new_code), only faster, to fill the table."""
    from django.db import connection, transaction

    from catalog.models import today
    from shop.stamps.codes import new_code
    from shop.stamps.issuing import issue_batch
    from shop.stamps.models import StampBatch

    batch = issue_batch(product=product, quantity=quantity, lot=lot, produced_on=today() - timedelta(days=3))
    with transaction.atomic(), connection.cursor() as cursor:
        columns = "batch_id, number, code, scan_count"
        with cursor.cursor.copy(f"COPY stamps_stamp ({columns}) FROM STDIN") as copy:
            for number in range(batch.first_number, batch.last_number + 1):
                copy.write_row((batch.pk, number, new_code(), 0))
    StampBatch.objects.filter(pk=batch.pk).update(generated_count=quantity, status=StampBatch.Status.READY)


def analyze():
    """Fresh statistics, and the bulk load's writes flushed to disk before a measured run (a
    checkpoint), so that the run does not pay for the load before it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE stamps_stamp")
        cursor.execute("VACUUM ANALYZE stamps_stampscan")
        cursor.execute("CHECKPOINT")


def sample_codes(count):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM stamps_stamp ORDER BY random() LIMIT %s", [count])
        return [row[0] for row in cursor.fetchall()]


# --- the server and its clients -------------------------------------------------------------------


class Server:
    """gunicorn with deploy/gunicorn.conf.py on a free port; its access log gives each request's time."""

    def __init__(self, env, workers, name):
        self.port = free_port()
        self.access_log = OUT / f"stamps-{name}-access.log"
        self.error_log = OUT / f"stamps-{name}-gunicorn.log"
        self.access_log.unlink(missing_ok=True)
        command = [
            str(BIN / "gunicorn"),
            "shop.wsgi:application",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            "%(s)s %(D)s %(U)s",
            "--error-logfile",
            str(self.error_log),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def wait_until_up(self, code, timeout=60):
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {self.error_log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("HEAD", f"/t/{code}", headers={"X-Forwarded-Proto": "https"})
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return
                raise SystemExit(f"/t/{code} answered {status}; see {self.error_log}")
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout} s; see {self.error_log}")

    def logged_lines(self):
        try:
            return self.access_log.read_text().splitlines()
        except FileNotFoundError:
            return []

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def client(port, codes, seconds, seed, results):
    """One client: keep-alive requests for random codes for ``seconds``; sends back
    (client ms, app ms, status) of each request."""
    import http.client

    rng = random.Random(seed)
    headers = {"X-Forwarded-Proto": "https", "Accept": "text/html", "Accept-Language": "vi"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rows = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        path = f"/t/{rng.choice(codes)}"
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            # The server closed an idle or recycled worker's connection: open another, ask again.
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        elapsed = (time.perf_counter() - started) * 1000
        match = SERVER_TIMING.search(response.getheader("Server-Timing") or "")
        rows.append((elapsed, float(match.group(1)) if match else None, response.status))
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    results.put(rows)


def load(port, codes, clients, seconds):
    """Run ``clients`` client processes at once; returns their rows and the wall time."""
    results = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=client, args=(port, codes, seconds, seed, results)) for seed in range(clients)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    rows = []
    for _process in processes:
        rows.extend(results.get())
    for process in processes:
        process.join()
    return rows, time.perf_counter() - started


def measure(sizes, args):
    """Each size's server warmed up, then for each number of clients of ``args.clients``, the sizes
    loaded in turn in ``args.rounds`` alternating rounds: a row for each size and number of clients.

    ``sizes``: (name, stamps in the table, server, codes) for each table size.
    """
    rows = []
    round_seconds = args.seconds / args.rounds
    for _name, _stamps, server, codes in sizes:
        server.wait_until_up(codes[0])
        load(server.port, codes, max(args.clients), args.warmup)  # every worker warm: templates, connections
    for clients in args.clients:
        measured = {name: {"answers": [], "logged": [], "wall": 0.0, "load": []} for name, *_rest in sizes}
        for number in range(args.rounds):
            for name, _stamps, server, codes in sizes if number % 2 == 0 else reversed(sizes):
                time.sleep(0.5)
                logged_before = len(server.logged_lines())
                measured[name]["load"].append(os.getloadavg()[0])
                answers, wall = load(server.port, codes, clients, round_seconds)
                time.sleep(0.5)
                measured[name]["answers"].extend(answers)
                measured[name]["logged"].extend(server.logged_lines()[logged_before:])
                measured[name]["wall"] += wall
        for name, stamps, server, _codes in sizes:
            run = measured[name]
            load_average = statistics.mean(run["load"])
            rows.append(
                summarize(name, stamps, clients, run["answers"], run["wall"], run["logged"], load_average, server)
            )
    return rows


def summarize(name, stamps_in_table, clients, answers, wall, logged, load_average, server):
    statuses = {}
    for _client_ms, _app_ms, status in answers:
        statuses[status] = statuses.get(status, 0) + 1
    if set(statuses) != {200}:
        raise SystemExit(f"{name}: answers {statuses}; see {server.error_log}")
    client_ms = [row[0] for row in answers]
    app_ms = [row[1] for row in answers if row[1] is not None]
    if len(app_ms) != len(answers):
        raise SystemExit(f"{name}: {len(answers) - len(app_ms)} answers without a Server-Timing header")
    server_ms = [int(line.split()[1]) / 1000 for line in logged if line.startswith("200 ") and "/t/" in line]
    return {
        "stamps_in_table": stamps_in_table,
        "clients": clients,
        "requests": len(answers),
        "seconds": round(wall, 1),
        "requests_per_second": round(len(answers) / wall, 1),
        "app_median_ms": round(statistics.median(app_ms), 2),
        "app_p95_ms": round(percentile(app_ms, 0.95), 2),
        "server_median_ms": round(statistics.median(server_ms), 2),
        "server_p95_ms": round(percentile(server_ms, 0.95), 2),
        "client_median_ms": round(statistics.median(client_ms), 2),
        "client_p95_ms": round(percentile(client_ms, 0.95), 2),
        "load_average": round(load_average, 2),
    }


# --- the run --------------------------------------------------------------------------------------


def environment(args, database, redis_db):
    """What this process and a gunicorn run with: a database, and a Redis database of its own."""
    redis_url = f"redis://{args.redis_host}:{args.redis_port}/{redis_db}"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.production",
        SECRET_KEY=args.secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"postgres://{args.user}@{args.host}:{args.port}/{database}",
        REDIS_URL=redis_url if redis_answers(redis_url) else "",
        # No task leaves this process: issue_batch's "generate" task goes to an in-memory broker that
        # nobody reads (the stamps are generated here, timed), never to another worker's queue.
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="false",
        STATIC_ROOT=str(OUT / "static"),
        MEDIA_ROOT=str(OUT / "stamps-media"),
        PRIVATE_MEDIA_ROOT=str(OUT / "stamps-private"),
        SITE_URL="https://ocop.example.vn",
        OCOP_STAMP_LOOKUPS_PER_MINUTE=UNLIMITED,
        OCOP_STAMP_UNKNOWN_CODES_PER_HOUR=UNLIMITED,
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--database", default="ocop_bench_stamps")
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument(
        "--redis-db", type=int, default=12, help="the first of two Redis databases of the benchmark's own"
    )
    parser.add_argument("--workers", type=int, default=min(4, max(2, os.cpu_count() or 2)))
    parser.add_argument(
        "--clients",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 4],
        help="concurrent client processes, one run for each (comma-separated)",
    )
    parser.add_argument("--seconds", type=float, default=20, help="measured load per table size and clients")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds the seconds are split into")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--codes", type=int, default=20_000, help="random existing codes asked for")
    parser.add_argument("--large-table", type=int, default=LARGE_TABLE, help="stamps in the large table")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    args.secret_key = secrets.token_urlsafe(50)

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    for folder in ("stamps-media", "stamps-private"):
        shutil.rmtree(OUT / folder, ignore_errors=True)
    small_env = environment(args, args.database, args.redis_db)
    large_env = environment(args, large_database(args), args.redis_db + 1)
    os.environ.update(small_env)
    recreate_database(args)
    # WhiteNoise's manifest, which production's templates need, is collected meanwhile.
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=small_env
    )

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache.backends.redis import RedisCache
    from django.core.management import call_command

    from shop.stamps.models import Stamp

    results = {
        "settings": small_env["DJANGO_SETTINGS_MODULE"],
        "database": f"PostgreSQL ({args.database}, {large_database(args)})",
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "workers": args.workers,
        "threads_per_worker": int(os.environ.get("GUNICORN_THREADS", 2)),
        "clients": args.clients,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "rate_limits": "raised through OCOP_STAMP_LOOKUPS_PER_MINUTE and OCOP_STAMP_UNKNOWN_CODES_PER_HOUR",
    }
    servers = []
    try:
        for env in (small_env, large_env):  # the benchmark's own Redis databases: nothing of an earlier run
            if env["REDIS_URL"]:
                RedisCache(env["REDIS_URL"], {}).clear()
        step = time.perf_counter()
        call_command("migrate", verbosity=0)
        results["migrate_seconds"] = round(time.perf_counter() - step, 1)
        product = minimal_data()
        issue(product, SMALL_TABLE, "BENCH-0001")
        analyze()
        small_codes = sample_codes(args.codes)
        small_stamps = Stamp.objects.count()
        copy_database(args)
        use_database(large_database(args))

        print(f"issuing and generating a batch of {LARGE_BATCH:,} stamps ...", flush=True)
        _batch, seconds = issue(product, LARGE_BATCH, "BENCH-0002")
        results["generate_100k"] = {
            "stamps": LARGE_BATCH,
            "seconds": round(seconds, 1),
            "stamps_per_second": round(LARGE_BATCH / seconds),
        }

        print(f"filling the large table up to {args.large_table:,} stamps ...", flush=True)
        step = time.perf_counter()
        lot = 3
        while (missing := args.large_table - Stamp.objects.count()) > 0:
            copy_batch(product, min(LARGE_BATCH, missing), f"BENCH-{lot:04d}")
            lot += 1
        results["fill_seconds"] = round(time.perf_counter() - step, 1)
        analyze()
        large_codes = sample_codes(args.codes)
        large_stamps = Stamp.objects.count()
        if collect.wait() != 0:
            raise SystemExit("collectstatic failed")

        print(
            f"/t/<code> with {small_stamps:,} and with {large_stamps:,} stamps, in alternating rounds ...", flush=True
        )
        servers = [Server(small_env, args.workers, "1k"), Server(large_env, args.workers, "1M")]
        sizes = [("1k", small_stamps, servers[0], small_codes), ("1M", large_stamps, servers[1], large_codes)]
        rows = measure(sizes, args)
        results["small_table"] = [row for row in rows if row["stamps_in_table"] == small_stamps]
        results["large_table"] = [row for row in rows if row["stamps_in_table"] == large_stamps]
    finally:
        for server in servers:
            server.stop()
        if collect.poll() is None:
            collect.kill()
        if not args.keep:
            drop_databases(args)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    (OUT / "stamps.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report(results)


def report(results):
    generation = results["generate_100k"]
    clients = ", ".join(str(count) for count in results["clients"])
    print()
    print(
        f"Stamps on {results['database']}, {results['settings']}, cache {results['cache']}; gunicorn "
        f"{results['workers']} workers x {results['threads_per_worker']} threads (deploy/gunicorn.conf.py), "
        f"{clients} keep-alive client processes, {results['cpus']} CPUs; rate limits {results['rate_limits']}."
    )
    verdict = "meets" if generation["seconds"] < 30 else "MISSES"
    print(
        f"(a) a batch of {generation['stamps']:,} stamps issued and generated in {generation['seconds']} s "
        f"({generation['stamps_per_second']:,} stamps/s; {verdict} the 30 s target)"
    )
    filled = results["large_table"][0]["stamps_in_table"]
    print(f"    (the large table was then filled to {filled:,} stamps with COPY in {results['fill_seconds']} s;")
    print(f"    migrate took {results['migrate_seconds']} s)")
    print(
        f"(b) GET /t/<code> of random existing codes, each a recorded scan, {results['rounds']} alternating rounds; ms"
    )
    columns = ("stamps", "clients", "requests", "req/s", "view med", "view p95", "server med", "server p95")
    columns += ("client med", "client p95", "load avg")
    print("    " + "".join(f"{column:>11}" for column in columns))
    rows = sorted(
        results["small_table"] + results["large_table"], key=lambda row: (row["clients"], row["stamps_in_table"])
    )
    for row in rows:
        values = (
            f"{row['stamps_in_table']:,}",
            row["clients"],
            row["requests"],
            row["requests_per_second"],
            row["app_median_ms"],
            row["app_p95_ms"],
            row["server_median_ms"],
            row["server_p95_ms"],
            row["client_median_ms"],
            row["client_p95_ms"],
            row["load_average"],
        )
        print("    " + "".join(f"{value:>11}" for value in values))
    print(
        "    view: the page's Server-Timing header (the view alone); server: gunicorn's time for the whole request "
        "(middleware, transaction, commit);\n    client: what the clients measured; load avg: the machine's "
        "1-minute load average as each round began, averaged"
    )
    for small, large in zip(results["small_table"], results["large_table"], strict=True):
        worst = max(small["server_p95_ms"], large["server_p95_ms"])
        ratio = large["server_p95_ms"] / small["server_p95_ms"]
        sizes = f"with {large['stamps_in_table']:,} stamps / with {small['stamps_in_table']:,}: p95 {ratio:.2f}"
        sizes += f", median {large['server_median_ms'] / small['server_median_ms']:.2f}"
        if small["clients"] == 1:
            target = "meets" if worst < 25 else "MISSES"
            print(f"    1 client: p95 server time {target} the 25 ms target (worst {worst} ms); {sizes}")
        else:
            print(
                f"    {small['clients']} clients: {small['requests_per_second']} and {large['requests_per_second']} "
                f"requests/s, p95 server time up to {worst} ms, time spent waiting for a CPU; {sizes}"
            )
    print(f"the stamps benchmark took {results['total_seconds']} s; figures in var/bench/stamps.json")


if __name__ == "__main__":
    main()
