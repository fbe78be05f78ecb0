from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from shop.health.checks import run_checks


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    checks = run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
