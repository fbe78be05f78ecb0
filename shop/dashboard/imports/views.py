from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import DetailView, ListView, View

from catalog.models import today
from shop.dashboard.access import ProducerDashboardMixin
from shop.dashboard.imports.forms import ImportUploadForm
from shop.imports import services, spreadsheets
from shop.imports.models import ProductImport

OUTCOME_LABELS = {
    services.CREATE: gettext_lazy("New product"),
    services.UPDATE: gettext_lazy("Update"),
    services.UNCHANGED: gettext_lazy("No change"),
    services.ERROR: gettext_lazy("Error"),
}
RESULT_LABELS = {
    services.APPLIED: gettext_lazy("Applied"),
    services.FAILED: gettext_lazy("Not applied"),
    services.SKIPPED: gettext_lazy("Nothing to change"),
}


class ImportListView(ProducerDashboardMixin, ListView):
    """The producer's past imports, and the form to upload a new sheet."""

    template_name = "oscar/dashboard/imports/import_list.html"
    context_object_name = "imports"
    paginate_by = 20

    def get_queryset(self):
        return ProductImport.objects.filter(producer=self.producer).select_related("uploaded_by").defer("rows")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportUploadForm())
        kwargs["columns"] = spreadsheets.COLUMNS
        kwargs["max_rows"] = spreadsheets.MAX_DATA_ROWS
        return super().get_context_data(**kwargs)


class ImportCreateView(ImportListView):
    """Upload a sheet: it is read and checked and kept as a preview; a refused file is not kept at all."""

    def get(self, request, *args, **kwargs):
        return redirect("dashboard:producer-import-list")

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self.object_list = self.get_queryset()
            return self.render_to_response(self.get_context_data(form=form))
        product_import = services.preview_import(
            producer=self.producer,
            user=request.user,
            original_name=form.cleaned_data["file"].name,
            data=form.content,
            sheet=form.sheet,
        )
        return redirect(product_import)


def _row_for_display(row, columns):
    def column_of(key):
        column = spreadsheets.COLUMNS_BY_KEY.get(key)
        return {"letter": columns.get(key, ""), "heading": column.heading if column else ""}

    return {
        "number": row["row"],
        "sku": row["sku"],
        "title": row["title"],
        "product": row["product"],
        "outcome": row["outcome"],
        "outcome_label": OUTCOME_LABELS[row["outcome"]],
        "result": row.get("result"),
        "result_label": RESULT_LABELS.get(row.get("result"), ""),
        "changes": [
            dict(change, heading=spreadsheets.COLUMNS_BY_KEY[change["field"]].heading) for change in row["changes"]
        ],
        "errors": [dict(column_of(error["column"]), message=services.error_message(error)) for error in row["errors"]],
    }


class ImportDetailView(ProducerDashboardMixin, DetailView):
    """The preview of an import, every row's outcome; POST applies its good rows, once."""

    template_name = "oscar/dashboard/imports/import_detail.html"
    context_object_name = "product_import"

    def get_queryset(self):
        return ProductImport.objects.filter(producer=self.producer).select_related("uploaded_by", "applied_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product_import = self.object
        rows = [_row_for_display(row, product_import.columns) for row in product_import.rows]
        only_errors = self.request.GET.get("show") == "errors"
        if only_errors:
            rows = [row for row in rows if row["outcome"] == services.ERROR or row["result"] == services.FAILED]
        context.update(rows=rows, only_errors=only_errors, columns=spreadsheets.COLUMNS)
        return context

    def post(self, request, *args, **kwargs):
        product_import, applied_now = services.apply_import(self.get_object(), user=request.user)
        if not applied_now:
            messages.info(request, _("This import was already applied; nothing was changed again."))
            return redirect(product_import)
        message = ngettext(
            "%(count)s row applied.",
            "%(count)s rows applied.",
            product_import.applied_count,
        ) % {"count": product_import.applied_count}
        if product_import.failed_count:
            message += " " + ngettext(
                "%(count)s row was not applied: see why below.",
                "%(count)s rows were not applied: see why below.",
                product_import.failed_count,
            ) % {"count": product_import.failed_count}
            messages.warning(request, message)
        else:
            messages.success(request, message)
        return redirect(product_import)


class ImportTemplateView(ProducerDashboardMixin, View):
    """The template sheet, pre-filled with the producer's current products (so it is also an export)."""

    def get(self, request, fmt):
        if fmt not in (spreadsheets.CSV, spreadsheets.XLSX):
            raise Http404
        headings, rows = services.template_rows(self.producer)
        filename = f"san-pham-ocop-{today():%Y-%m-%d}.{fmt}"
        if fmt == spreadsheets.CSV:
            response = HttpResponse(spreadsheets.write_csv(headings, rows), content_type="text/csv; charset=utf-8")
        else:
            content = spreadsheets.write_xlsx(headings, rows, title=_("Products"))
            response = HttpResponse(content, content_type=spreadsheets.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
