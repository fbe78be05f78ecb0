"""``/search/suggest/?q=``: what to offer as a buyer types in the search box, as JSON."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from search.engines import search_engine
from search.text import fold

MIN_LETTERS = 2
MAX_INPUT = 100

KIND_LABELS = {"product": _("Product"), "producer": _("Producer"), "province": _("Province")}


@require_safe
def suggestions(request):
    text = request.GET.get("q", "")[:MAX_INPUT]
    found = search_engine().suggest(text) if len(fold(text).replace(" ", "")) >= MIN_LETTERS else []
    response = JsonResponse(
        {
            "query": text,
            "suggestions": [
                {"kind": item.kind, "kind_label": str(KIND_LABELS[item.kind]), "text": item.text, "url": item.url}
                for item in found
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "max-age=60"
    return response
