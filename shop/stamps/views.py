"""The public pages of a stamp: ``/t/<code>`` (HTML or JSON) and the counterfeit report."""

import functools
import time

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from shop.stamps import throttle
from shop.stamps.facts import FACTS_TIMEOUT
from shop.stamps.forms import CounterfeitReportForm
from shop.stamps.scans import client_address, network_of
from shop.stamps.verification import MAX_CODE_INPUT, Verdict, find_stamp, verify

JSON = "application/json"
HTML = "text/html"


def stamp_page(view):
    """What every stamp page answers with: no caching anywhere (each answer counts a scan and
    its verdict can change), no search engine indexing, and the view's time in Server-Timing."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        started = time.perf_counter()
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    return wrapped


def prefers_json(request):
    """Whether the client asks for JSON before HTML (``Accept: application/json``)."""
    return request.get_preferred_type([HTML, JSON]) == JSON


def refused(request, refusal, *, as_json=False, template="stamps/refused.html", context=None):
    """429 Too Many Requests, with Retry-After and a message in the visitor's language."""
    if as_json:
        response = JsonResponse(
            {
                "error": "rate_limited",
                "reason": refusal.reason,
                "message": refusal.message,
                "retry_after": refusal.retry_after,
            },
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(request, template, {"refusal": refusal, **(context or {})}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


@stamp_page
@require_safe
def verify_stamp(request, code, as_json=None):
    """A stamp's verdict. Each GET of a known code counts as a scan; HEAD counts nothing.

    Unknown codes answer 404 with the "unknown" verdict; rate-limited clients 429 (see throttle).
    """
    as_json = prefers_json(request) if as_json is None else as_json
    refusal = throttle.lookup_refusal(request)
    if refusal is not None:
        response = refused(request, refusal, as_json=as_json)
    else:
        network = network_of(client_address(request)) if request.method == "GET" else None
        verification = verify(code, scan_network=network)
        if not verification.is_known:
            throttle.count_unknown_code(request)
        status = 404 if verification.verdict == Verdict.UNKNOWN else 200
        if as_json:
            response = JsonResponse(verification.as_json(), status=status, json_dumps_params={"ensure_ascii": False})
        else:
            context = {"verification": verification, "facts_timeout": FACTS_TIMEOUT}
            response = render(request, "stamps/verify.html", context, status=status)
    patch_vary_headers(response, ("Accept",))
    return response


@stamp_page
@require_http_methods(["GET", "HEAD", "POST"])
def report_counterfeit(request, code):
    """The buyer's counterfeit report, for any code given (a stamp's, or one that matches none)."""
    address_code = code  # as in the address, for the links back (never empty)
    code = code.strip()[:MAX_CODE_INPUT]
    refusal = throttle.lookup_refusal(request)  # the form shows the stamp's province: a look-up too
    if refusal is not None:
        return refused(request, refusal)
    stamp = find_stamp(code)
    if stamp is not None:
        code = address_code = stamp.code
    context = {"stamp": stamp, "code": code}
    if request.method != "POST":
        if stamp is None:
            throttle.count_unknown_code(request)
        form = CounterfeitReportForm(stamp=stamp, code=code)
        return render(request, "stamps/report.html", {"form": form, **context})

    refusal = throttle.report_refusal(request)
    if refusal is not None:
        form = CounterfeitReportForm(request.POST, stamp=stamp, code=code)  # the photo is not looked at
        return refused(request, refusal, template="stamps/report.html", context={"form": form, **context})
    form = CounterfeitReportForm(request.POST, request.FILES, stamp=stamp, code=code)
    if form.is_valid():
        form.save(network=network_of(client_address(request)))
        return redirect("stamps:report-thanks", code=address_code)
    return render(request, "stamps/report.html", {"form": form, **context})


@stamp_page
@require_safe
def report_thanks(request, code):
    return render(request, "stamps/report_thanks.html", {"code": code.strip()[:MAX_CODE_INPUT]})
