"""Storefront and producer dashboard benchmark: ``make bench``.

Builds a catalogue of ``--products`` products (20,000 by default) in a
database of its own, then requests the catalogue list, a category page and
product pages in-process, and the dashboard pages of the producer with the most
products (home panel, products, stock, orders, monthly report) signed in as its staff, and reports
median and p95 server time and the number of queries per request. Figures go
to stdout and var/bench/storefront.json.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.common import percentile  # noqa: E402 (after the path)


def measure(client, urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        timings.append(elapsed * 1000)
        queries.append(len(captured))
    return {
        "requests": len(urls),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "queries_per_request": max(queries),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database", default=str(ROOT / "var" / "bench" / "bench.sqlite3"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark database")
    args = parser.parse_args()

    database = Path(args.database)
    database.parent.mkdir(parents=True, exist_ok=True)
    if not args.reuse and database.exists():
        database.unlink()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    # The demo stamp batches' print files: not into the site's own private folder, whose batch
    # folders (stamps/<pk>/) another database's batches would overwrite.
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(database.parent / "private"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings.dev"
    os.environ["DEBUG"] = "false"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from catalog.models import Category, Product

    results = {"database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1], "products": args.products}
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo_data", products=args.products, verbosity=0)
    results["load_demo_data_seconds"] = round(time.perf_counter() - started, 1)

    setup_test_environment()
    client = Client()
    client.get("/catalogue/")  # warm up caches and template loading
    random.seed(2026)
    for_sale = list(Product.objects.for_sale().values_list("pk", flat=True))
    sample = [Product.objects.get(pk=pk) for pk in random.sample(for_sale, min(args.requests, len(for_sale)))]
    group = Category.objects.exclude(ocop_group="").filter(ocop_subgroup="").order_by("path").first()
    pages = max(1, min(50, len(for_sale) // settings.OSCAR_PRODUCTS_PER_PAGE))

    results["catalogue_list"] = measure(
        client, [f"/catalogue/?page={random.randint(1, pages)}" for _ in range(args.requests)]
    )
    results["category_page"] = measure(client, [group.get_absolute_url() for _ in range(args.requests)])
    results["product_page"] = measure(client, [product.get_absolute_url() for product in sample])

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from shop.accounts.roles import Role
    from shop.partner.models import Partner

    # The producer with the most products, and a member of its staff.
    producer = Partner.objects.producers().annotate(listed=Count("products")).order_by("-listed", "pk").first()
    producer_staff, _created = get_user_model().objects.get_or_create(
        username="bench-producer", defaults={"email": "bench-producer@ocop.test"}
    )
    producer_staff.groups.add(Group.objects.get(name=Role.PRODUCER_STAFF))
    producer.users.add(producer_staff)
    results["producer_products"] = producer.listed
    dashboard = Client()
    dashboard.force_login(producer_staff)
    dashboard.get("/dashboard/")
    product_pages = max(1, results["producer_products"] // 20)
    stock_pages = max(1, results["producer_products"] // settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE)
    results["dashboard_home"] = measure(dashboard, ["/dashboard/"] * args.requests)
    results["dashboard_products"] = measure(
        dashboard, [f"/dashboard/listings/?page={random.randint(1, product_pages)}" for _ in range(args.requests)]
    )
    results["dashboard_stock"] = measure(
        dashboard, [f"/dashboard/stock/?page={random.randint(1, stock_pages)}" for _ in range(args.requests)]
    )
    results["dashboard_orders"] = measure(dashboard, ["/dashboard/fulfilment/"] * args.requests)
    results["monthly_report"] = measure(dashboard, ["/dashboard/monthly-report/"] * args.requests)

    out = ROOT / "var" / "bench" / "storefront.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(
        f"{results['products']} products on {results['database']}; load_demo_data {results['load_demo_data_seconds']} s"
    )
    print(f"the busiest producer's dashboard holds {results['producer_products']} of its products")
    print(f"{'page':<20}{'median ms':>12}{'p95 ms':>10}{'queries':>10}")
    pages = ("catalogue_list", "category_page", "product_page")
    pages += ("dashboard_home", "dashboard_products", "dashboard_stock", "dashboard_orders", "monthly_report")
    for page in pages:
        row = results[page]
        print(f"{page:<20}{row['median_ms']:>12}{row['p95_ms']:>10}{row['queries_per_request']:>10}")


if __name__ == "__main__":
    main()
