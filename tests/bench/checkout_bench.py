"""Checkout benchmark: ``make bench-checkout`` (also run by ``make bench``).

On PostgreSQL, in a database of its own (created here and dropped at the end), with the demo data
(``load_demo_data``, ``--products`` to scale it), signed-in buyers place orders through the real
checkout views, in-process (Django's test Client, no web server): each order its own basket of two
producers' products, one delivered, the other delivered or (every second order) picked up at a sales
point that holds it, paid in cash on delivery. Each order is the buyer's whole way:

    add two products to the basket, /checkout/ (which leads to the delivery-or-pickup page), post that
    page, post the payment method (cash), the preview, "place order", the confirmation page.

Measured: orders per second, one buyer after another (sequential) and with ``--buyers`` buyers at
once, each with its own client and database connection: first as threads of this process (which
share its interpreter's lock, so they show the checkout staying correct under concurrency more than
any gain in speed), then as processes of their own (forked, as gunicorn's workers are: what several
CPUs give); and the time of the "place order" request alone (median, p95, max; its database queries
in the sequential run). The baskets come from a
pool of product pairs of the demo's producers, so that concurrent buyers sometimes want the same stock
rows, as they do in a shop. The stock of those products is raised first so that no order runs out.

Celery: the memory broker (``--celery memory``, the default), tasks not eager. What an order sends
after its commit (the buyer's, producers' and sales points' e-mails through the outbox, the search
index's update for the stock change) is enqueued as the request would enqueue it to Redis, and not run:
in production a worker does that work, outside the request. ``--celery eager`` runs those tasks inside
the request instead (e-mails to Django's in-memory backend), which measures their cost too.

The cache is Redis (``--redis-db``, flushed before and after) when Redis answers, else Django's
in-process cache. Settings: shop.settings.dev with DEBUG off. Figures go to stdout and
var/bench/checkout.json; the orders placed are checked afterwards (two fulfilment groups each, cash to
collect, the sales points' units reserved).
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.common import percentile, redis_answers  # noqa: E402 (after the path)

OUT = ROOT / "var" / "bench"
#: Units each product of the pool is given, so that no order of the benchmark finds it sold out.
PLENTY = 1_000_000
ADDRESS = {
    "recipient_name": "Trần Ngọc Anh",
    "phone_number": "0912 345 678",
    "street": "12 Phan Đình Phùng",
    "notes": "",
}


# --- the database -------------------------------------------------------------------------------


def admin_connection(args):
    import psycopg

    return psycopg.connect(host=args.host, port=args.port, user=args.user, dbname="postgres", autocommit=True)


def drop_database(args):
    with admin_connection(args) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


def configure(args):
    """The environment of the site under test, before Django is set up."""
    redis_url = f"redis://{args.redis_host}:{args.redis_port}/{args.redis_db}"
    redis_url = redis_url if redis_answers(redis_url) else ""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shop.settings.dev",
        DEBUG="false",
        DATABASE_URL=f"postgres://{args.user}@{args.host}:{args.port}/{args.database}",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL="memory://localhost/",  # a host named: kombu warns without one
        CELERY_TASK_ALWAYS_EAGER="true" if args.celery == "eager" else "false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ELASTICSEARCH_URL="",
        STRIPE_SECRET_KEY="",
        MEDIA_ROOT=str(OUT / "checkout-media"),
        PRIVATE_MEDIA_ROOT=str(OUT / "checkout-private"),
        LOG_LEVEL="WARNING",
    )
    return redis_url


def clear_redis(redis_url):
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


# --- the baskets --------------------------------------------------------------------------------


def basket_pool(size):
    """Up to ``size`` (delivered product, other product, sales point holding the other) of the demo's
    products for sale, of two different producers, their stock raised for the benchmark."""
    from catalog.models import Product
    from shop.outlets.models import SalesPoint
    from shop.partner.models import Partner, StockRecord

    for_sale = list(Product.objects.for_sale().filter(producer__isnull=False).select_related("producer").order_by("pk"))
    held = {}
    for record in StockRecord.objects.filter(
        partner__kind=Partner.Kind.SALES_POINT,
        partner__sales_point__status=SalesPoint.Status.OPERATING,
        product__in=for_sale,
    ).order_by("partner_id"):
        held.setdefault(record.product_id, record.partner_id)
    pickups = [product for product in for_sale if product.pk in held]
    pool, used = [], set()
    for other in pickups:
        delivered = next(
            (p for p in for_sale if p.producer_id != other.producer_id and p.pk not in used and p.pk != other.pk),
            None,
        )
        if delivered is None or other.pk in used:
            continue
        used.update({delivered.pk, other.pk})
        pool.append((delivered, other, SalesPoint.objects.get(partner_id=held[other.pk])))
        if len(pool) == size:
            break
    if not pool:
        raise SystemExit("the demo data has no two producers' products for sale with one held by a sales point")
    products = [product for pair in pool for product in pair[:2]]
    points = [point.partner_id for *_pair, point in pool]
    StockRecord.objects.filter(product__in=products).filter(
        partner_id__in=[product.producer_id for product in products] + points
    ).update(num_in_stock=PLENTY)
    return pool


def buyers(count):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return [
        User.objects.get_or_create(
            username=f"bench-buyer-{n}@ocop.test",
            defaults={"email": f"bench-buyer-{n}@ocop.test", "first_name": "Bench", "last_name": f"Buyer {n}"},
        )[0]
        for n in range(count)
    ]


# --- one order ----------------------------------------------------------------------------------


class Refused(Exception):
    pass


def expect(response, status, where=None):
    if response.status_code != status or (where and response.get("Location", "") != where):
        body = response.content.decode(errors="replace")[:1500] if response.status_code == 200 else ""
        raise Refused(f"{response.request['PATH_INFO']}: {response.status_code} {response.get('Location', '')} {body}")
    return response


def place_one(client, basket, pickup, province, ward, capture=None):
    """One buyer's order, through the checkout's pages; returns the "place order" request's
    (milliseconds, queries or None)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    delivered, other, point = basket
    for product in (delivered, other):
        expect(client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1}), 302)
    expect(client.get(reverse("checkout:index")), 302, reverse("checkout:shipping-address"))
    expect(client.get(reverse("checkout:shipping-address")), 200)
    data = {**ADDRESS, "province_code": province, "ward_code": ward, f"method_{delivered.producer_id}": "delivery"}
    if pickup:
        data[f"method_{other.producer_id}"] = "sales_point_pickup"
        data[f"sales_point_{other.producer_id}"] = point.pk
    else:
        data[f"method_{other.producer_id}"] = "delivery"
    expect(client.post(reverse("checkout:shipping-address"), data), 302, reverse("checkout:payment-method"))
    expect(client.post(reverse("checkout:payment-method"), {"method": "cash"}), 302, reverse("checkout:preview"))
    expect(client.get(reverse("checkout:preview")), 200)
    queries = None
    if capture:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(reverse("checkout:preview"), {"action": "place_order"})
            elapsed = time.perf_counter() - started
        queries = len(captured)
    else:
        started = time.perf_counter()
        response = client.post(reverse("checkout:preview"), {"action": "place_order"})
        elapsed = time.perf_counter() - started
    expect(response, 302, reverse("checkout:thank-you"))
    expect(client.get(reverse("checkout:thank-you")), 200)
    return elapsed * 1000, queries


def signed_in(user):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


def buyer_orders(user, pool, n, count, province, ward, capture=False):
    """Buyer ``n`` places ``count`` orders, one after the other: its ``k``-th basket is the pool's pair
    ``n + k``, the second product picked up when ``k`` is odd. Returns (milliseconds of each "place
    order", its queries, pickups, refusals)."""
    from django.db import connection

    timings, queries, failures, pickups = [], [], [], 0
    client = signed_in(user)
    try:
        for k in range(count):
            basket, pickup = pool[(n + k) % len(pool)], k % 2 == 1
            try:
                ms, queried = place_one(client, basket, pickup, province, ward, capture)
            except Refused as refused:
                failures.append(str(refused))
                continue
            timings.append(ms)
            pickups += pickup
            if queried is not None:
                queries.append(queried)
    finally:
        connection.close()
    return timings, queries, pickups, failures


def _in_process(queue, *arguments):
    try:
        queue.put(buyer_orders(*arguments))
    except BaseException as error:  # noqa: BLE001 - whatever it is, the parent says so
        queue.put(([], [], 0, [f"{type(error).__name__}: {error}"]))


def run(phase, users, pool, orders, buyers_at_once, province, ward, *, capture=False, mode="threads"):
    """``orders`` orders by ``buyers_at_once`` buyers, each in a thread of this process or (``mode``
    "processes") in a process of its own; returns the phase's figures."""
    import multiprocessing

    from django.db import connections

    share = [orders // buyers_at_once + (1 if n < orders % buyers_at_once else 0) for n in range(buyers_at_once)]
    arguments = [(users[n], pool, n, share[n], province, ward, capture) for n in range(buyers_at_once)]
    results = []
    started = time.perf_counter()
    if buyers_at_once == 1:
        results.append(buyer_orders(*arguments[0]))
    elif mode == "threads":
        lock = threading.Lock()

        def buyer(n):
            outcome = buyer_orders(*arguments[n])
            with lock:
                results.append(outcome)

        workers = [threading.Thread(target=buyer, args=(n,)) for n in range(buyers_at_once)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    else:
        # Forked after the connections are closed: each process opens its own.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        workers = [context.Process(target=_in_process, args=(queue, *arguments[n])) for n in range(buyers_at_once)]
        for worker in workers:
            worker.start()
        results = [queue.get() for _worker in workers]
        for worker in workers:
            worker.join()
    wall = time.perf_counter() - started
    timings = [ms for outcome in results for ms in outcome[0]]
    queries = [count for outcome in results for count in outcome[1]]
    failures = [failure for outcome in results for failure in outcome[3]]
    if failures:
        raise SystemExit(f"{phase}: {len(failures)} orders refused; the first: {failures[0]}")
    figures = {
        "buyers_at_once": buyers_at_once,
        "mode": "one buyer" if buyers_at_once == 1 else mode,
        "orders": len(timings),
        "sales_point_pickups": sum(outcome[2] for outcome in results),
        "seconds": round(wall, 2),
        "orders_per_second": round(len(timings) / wall, 2),
        "place_order_median_ms": round(statistics.median(timings), 1),
        "place_order_p95_ms": round(percentile(timings, 0.95), 1),
        "place_order_max_ms": round(max(timings), 1),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }
    if queries:
        figures["place_order_queries_median"] = statistics.median(queries)
    return figures


def reserved_at_sales_points():
    from django.db.models import Sum

    from shop.partner.models import Partner, StockRecord

    return (
        StockRecord.objects.filter(partner__kind=Partner.Kind.SALES_POINT).aggregate(n=Sum("num_allocated"))["n"] or 0
    )


def check_orders(users, expected, pickups, reserved_before):
    """What the buyers placed (the demo data has orders of its own): every order with two groups and cash
    to collect; the units the sales points reserved for them."""
    from django.db.models import Count
    from oscar.core.loading import get_model

    from shop.order.models import FulfilmentChannel, FulfilmentGroup
    from shop.payments.models import PaymentMethod, PaymentState

    Order = get_model("order", "Order")
    orders = Order.objects.filter(user__in=users).annotate(groups=Count("fulfilment_groups"))
    problems = []
    if orders.count() != expected:
        problems.append(f"{orders.count()} orders, not {expected}")
    if orders.exclude(groups=2).exists():
        problems.append("orders without two fulfilment groups")
    if orders.exclude(payment__method=PaymentMethod.CASH, payment__state=PaymentState.TO_COLLECT).exists():
        problems.append("orders not paid in cash on delivery")
    picked_up = FulfilmentGroup.objects.filter(order__in=orders, method=FulfilmentChannel.SALES_POINT_PICKUP).count()
    reserved = reserved_at_sales_points() - reserved_before
    if picked_up != pickups or reserved != pickups:
        problems.append(f"{picked_up} pickups and {reserved} units reserved at sales points, not {pickups}")
    if problems:
        raise SystemExit("the orders placed are not what was asked: " + "; ".join(problems))
    return {"orders": expected, "sales_point_pickups": picked_up, "sales_point_units_reserved": reserved}


# --- main ---------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--database", default="ocop_bench_checkout")
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=14, help="a Redis database of the benchmark's own")
    parser.add_argument("--products", type=int, default=None, help="scale the demo catalogue (load_demo_data)")
    parser.add_argument("--orders", type=int, default=200, help="orders of each phase")
    parser.add_argument(
        "--buyers", type=int, default=4, help="buyers at once in the concurrent phases (threads, then processes)"
    )
    parser.add_argument("--warmup", type=int, default=5, help="orders placed first, not counted")
    parser.add_argument("--pool", type=int, default=8, help="product pairs the baskets are made of")
    parser.add_argument("--celery", choices=("memory", "eager"), default="memory")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    redis_url = configure(args)
    drop_database(args)
    with admin_connection(args) as connection:
        connection.execute(f'CREATE DATABASE "{args.database}"')
    clear_redis(redis_url)
    try:
        results = bench(args, redis_url)
    finally:
        from django.db import connections

        connections.close_all()
        clear_redis(redis_url)
        if not args.keep:
            drop_database(args)
    (OUT / "checkout.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report(results)


def bench(args, redis_url):
    import contextlib

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from tests.factories import HA_TINH, HA_TINH_WARD

    results = {
        "database": f"PostgreSQL ({args.database})",
        "cache": "Redis" if redis_url else "in-process",
        "celery": "memory broker, tasks enqueued and not run (a worker's work in production)"
        if args.celery == "memory"
        else "eager: the order's tasks (e-mails, index update) run inside the request",
        "cpus": os.cpu_count(),
    }
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    results["migrate_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    demo = {"products": args.products} if args.products else {}
    with contextlib.redirect_stdout(open(os.devnull, "w")):  # noqa: SIM115 - closed with the process
        call_command("load_demo_data", verbosity=0, **demo)
    results["load_demo_data_seconds"] = round(time.perf_counter() - started, 1)
    assert not settings.DEBUG

    from catalog.models import Product

    results["products"] = Product.objects.count()
    pool = basket_pool(args.pool)
    results["basket_pool"] = [
        {"delivered": delivered.title, "delivered_or_picked_up": other.title, "sales_point": point.name}
        for delivered, other, point in pool
    ]
    users = buyers(max(args.buyers, 1))
    reserved_before = reserved_at_sales_points()
    phases = []
    if args.warmup:
        phases.append(run("warm-up", users, pool, args.warmup, 1, HA_TINH, HA_TINH_WARD))
    print(f"sequential: {args.orders} orders ...", flush=True)
    results["sequential"] = run("sequential", users, pool, args.orders, 1, HA_TINH, HA_TINH_WARD, capture=True)
    phases.append(results["sequential"])
    if args.buyers > 1:
        for mode in ("threads", "processes"):
            print(f"concurrent ({mode}): {args.orders} orders by {args.buyers} buyers at once ...", flush=True)
            results[f"concurrent_{mode}"] = run(
                f"concurrent ({mode})", users, pool, args.orders, args.buyers, HA_TINH, HA_TINH_WARD, mode=mode
            )
            phases.append(results[f"concurrent_{mode}"])
    results["checked"] = check_orders(
        users,
        sum(phase["orders"] for phase in phases),
        sum(phase["sales_point_pickups"] for phase in phases),
        reserved_before,
    )
    return results


def report(results):
    print()
    print(
        f"## Checkout benchmark: {results['database']}, {results['products']} products, {results['cpus']} CPUs, "
        f"cache {results['cache']}"
    )
    print(f"Celery: {results['celery']}")
    print(f"migrate {results['migrate_seconds']} s, load_demo_data {results['load_demo_data_seconds']} s")
    print()
    print("| phase | buyers at once | orders | seconds | orders/s | place order p50 ms | p95 ms | max ms | queries |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for phase in ("sequential", "concurrent_threads", "concurrent_processes"):
        if phase not in results:
            continue
        row = results[phase]
        print(
            f"| {phase.replace('_', ', ')} | {row['buyers_at_once']} | {row['orders']} | {row['seconds']} | {row['orders_per_second']} | "
            f"{row['place_order_median_ms']} | {row['place_order_p95_ms']} | {row['place_order_max_ms']} | "
            f"{row.get('place_order_queries_median', '')} |"
        )
    checked = results["checked"]
    print()
    print(
        f"Checked: {checked['orders']} orders, each with two fulfilment groups and cash to collect; "
        f"{checked['sales_point_pickups']} picked up at sales points, {checked['sales_point_units_reserved']} "
        "units reserved there."
    )
    print(f"Figures in {OUT / 'checkout.json'}")


if __name__ == "__main__":
    main()
