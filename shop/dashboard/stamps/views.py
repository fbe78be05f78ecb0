"""Traceability stamps in the dashboard.

Coordination-office officers issue, follow and revoke the stamp batches of their province and handle
its counterfeit reports; a producer's staff see and download their own batches. Every object is looked
up through the user's scope (shop.dashboard.access), so another province's or producer's is a 404.
"""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from catalog.models import today
from shop.dashboard.access import StampBatchViewerMixin, StampOfficerMixin
from shop.dashboard.stamps.forms import (
    REVOCATION_FORMS,
    REVOCATION_PREFIXES,
    BatchFilterForm,
    BatchIssueForm,
    ReportFilterForm,
    ReportHandlingForm,
)
from shop.stamps.issuing import issuable_products, issue_batch
from shop.stamps.models import CounterfeitReport, StampBatch, StampRevocation
from shop.stamps.revocation import revoke

MOST_SCANNED_SHOWN = 10
# The detail page asks for the batch's progress this often while its stamps or print files are made.
PROGRESS_POLL_MS = 2000


def with_revoked_count(batches):
    """Each batch annotated with ``revoked_count``, the stamps revoked in it, in the same query."""
    revoked = (
        StampRevocation.objects.filter(batch=OuterRef("pk"))
        .order_by()
        .values("batch")
        .annotate(total=Sum("stamp_count"))
        .values("total")
    )
    return batches.annotate(revoked_count=Coalesce(Subquery(revoked, output_field=IntegerField()), 0))


def open_flag_count(province_code):
    return StampBatch.objects.in_province(province_code).flagged().count()


def progress_of(batch):
    """What the detail page and its progress endpoint tell about a batch being made."""
    counts = {
        "done": number_format(batch.generated_count, force_grouping=True),
        "total": number_format(batch.quantity, force_grouping=True),
    }
    if batch.status == StampBatch.Status.GENERATING:
        summary = _("%(done)s of %(total)s stamps generated.") % counts
    elif batch.status == StampBatch.Status.PRINTING:
        summary = _("All %(total)s stamps generated; the print files are being prepared.") % counts
    else:
        summary = _("All %(total)s stamps and their print files are ready.") % counts
    return {
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "generated": batch.generated_count,
        "quantity": batch.quantity,
        "percent": batch.progress_percent,
        "summary": summary,
        "ready": batch.status == StampBatch.Status.READY,
    }


class BatchListView(StampBatchViewerMixin, ListView):
    template_name = "oscar/dashboard/stamps/batch_list.html"
    context_object_name = "batches"
    paginate_by = 25

    def get_queryset(self):
        batches = self.visible_batches()
        self.filter_form = BatchFilterForm(self.request.GET or None, batches=batches, for_officer=self.is_officer)
        batches = self.filter_form.filter(batches)
        return with_revoked_count(batches.select_related("product", "producer"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["is_officer"] = self.is_officer
        context["producer"] = self.producer
        if self.is_officer:
            context["open_flag_count"] = open_flag_count(self.province_code)
            context["new_report_count"] = (
                CounterfeitReport.objects.in_province(self.province_code)
                .filter(status=CounterfeitReport.Status.NEW)
                .count()
            )
        return context


class FlaggedBatchListView(StampOfficerMixin, ListView):
    """Batches whose stamps are scanned as no single item would be, and that no officer has reviewed."""

    template_name = "oscar/dashboard/stamps/flagged_list.html"
    context_object_name = "batches"
    paginate_by = 25

    def get_queryset(self):
        return (
            StampBatch.objects.in_province(self.province_code)
            .flagged()
            .select_related("product", "producer")
            .order_by("-flagged_at", "-pk")
        )


class BatchCreateView(StampOfficerMixin, FormView):
    template_name = "oscar/dashboard/stamps/batch_form.html"
    form_class = BatchIssueForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["products"] = issuable_products(self.province_code)
        return kwargs

    def get_initial(self):
        return {"produced_on": today()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            batch = issue_batch(
                product=data["product"],
                quantity=data["quantity"],
                lot=data["lot"],
                produced_on=data["produced_on"],
                expires_on=data["expires_on"],
                notes=data["notes"].strip(),
                issued_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Batch %(first)s – %(last)s was issued; its stamps are being generated.")
            % {"first": batch.first_serial, "last": batch.last_serial},
        )
        return redirect("dashboard:stamp-batch-detail", pk=batch.pk)


class BatchMixin(StampBatchViewerMixin):
    """A page of one batch, ``self.batch``, looked up through the user's scope: another province's or
    producer's batch is a 404, whatever the method."""

    @cached_property
    def batch(self):
        return get_object_or_404(
            self.visible_batches().select_related(
                "product", "producer", "certificate", "issued_by", "flag_reviewed_by"
            ),
            pk=self.kwargs["pk"],
        )

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.batch  # noqa: B018 - another's batch is a 404 before a 405 tells that the method is wrong
        return super().http_method_not_allowed(request, *args, **kwargs)


class BatchDetailView(BatchMixin, DetailView):
    """A batch's facts, progress, downloads and revocations; officers revoke and review flags here."""

    template_name = "oscar/dashboard/stamps/batch_detail.html"
    context_object_name = "batch"

    def get_object(self, queryset=None):
        return self.batch

    def revocation_forms(self, bound=None):
        """The three revocation forms; ``bound`` is the one the officer sent back, with its errors."""
        forms = {}
        for action, form_class in REVOCATION_FORMS.items():
            if bound is not None and bound.action == action:
                forms[action] = bound
            else:
                forms[action] = form_class(batch=self.batch, prefix=REVOCATION_PREFIXES[action])
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.batch
        revocations = list(batch.revocations.select_related("revoked_by"))
        for revocation in revocations:
            revocation.batch = batch  # its serials are the batch's: no query each
        context.update(
            {
                "is_officer": self.is_officer,
                "certificate": batch.certificate,
                "certificate_problem": batch.certificate.reason_not_for_sale(today()),
                "progress": progress_of(batch),
                "progress_url": reverse("dashboard:stamp-batch-progress", kwargs={"pk": batch.pk}),
                "progress_poll_ms": PROGRESS_POLL_MS,
                "is_ready": batch.status == StampBatch.Status.READY,
                "has_pdf": bool(batch.pdf_file),
                "has_zip": bool(batch.zip_file),
                "revocations": revocations,
                "revoked_count": sum(revocation.stamp_count for revocation in revocations),
                "most_scanned": self.most_scanned(),
            }
        )
        if self.is_officer:
            context["revocation_forms"] = kwargs.get("revocation_forms") or self.revocation_forms()
            context["open_action"] = kwargs.get("open_action")
        return context

    def most_scanned(self):
        stamps = self.batch.stamps.filter(scan_count__gt=0).order_by("-scan_count", "number")[:MOST_SCANNED_SHOWN]
        stamps = list(stamps.select_related("revocation"))
        for stamp in stamps:
            stamp.batch = self.batch
        return stamps

    def post(self, request, *args, **kwargs):
        batch = self.batch
        if not self.is_officer:
            raise PermissionDenied(_("Only coordination-office officers revoke stamps."))
        self.object = batch
        action = request.POST.get("action")
        if action == "review_flag":
            return self.review_flag()
        form_class = REVOCATION_FORMS.get(action)
        if form_class is None:
            messages.error(request, _("Choose what to revoke: one stamp, a range of serials or the whole batch."))
            return redirect("dashboard:stamp-batch-detail", pk=batch.pk)
        form = form_class(request.POST, batch=batch, prefix=REVOCATION_PREFIXES[action])
        if form.is_valid():
            first, last = form.numbers()
            try:
                revocation = revoke(
                    batch,
                    first,
                    last,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"].strip(),
                    revoked_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, revoked_message(revocation))
                return redirect(reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch.pk}) + "#revocations")
        return self.render_to_response(
            self.get_context_data(revocation_forms=self.revocation_forms(bound=form), open_action=action), status=200
        )

    def review_flag(self):
        batch = self.batch
        if not batch.is_flagged:
            messages.info(self.request, _("This batch has no open suspicious-scan flag."))
        else:
            batch.flag_reviewed_at = timezone.now()
            batch.flag_reviewed_by = self.request.user
            batch.save(update_fields=["flag_reviewed_at", "flag_reviewed_by"])
            messages.success(
                self.request,
                _("The flag is marked as reviewed; it opens again if more of the batch's stamps turn suspicious."),
            )
        return redirect("dashboard:stamp-batch-detail", pk=batch.pk)


def revoked_message(revocation):
    if revocation.first_number == revocation.last_number:
        return _("Stamp %(serial)s was revoked.") % {"serial": revocation.first_serial}
    skipped = revocation.last_number - revocation.first_number + 1 - revocation.stamp_count
    message = _("%(count)s stamps from %(first)s to %(last)s were revoked.") % {
        "count": revocation.stamp_count,
        "first": revocation.first_serial,
        "last": revocation.last_serial,
    }
    if skipped:
        message += " " + _("%(skipped)s of them had been revoked before and keep their first revocation.") % {
            "skipped": skipped
        }
    return message


class BatchProgressView(BatchMixin, View):
    """The batch's progress as JSON, for the detail page to follow while its stamps are made."""

    def get(self, request, *args, **kwargs):
        response = JsonResponse(progress_of(self.batch))
        response["Cache-Control"] = "no-store"
        return response


class BatchDownloadView(BatchMixin, View):
    """The batch's printable PDF or ZIP of QR images, from the private storage, as an attachment."""

    CONTENT_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}

    def get(self, request, *args, **kwargs):
        batch = self.batch
        kind = self.kwargs["kind"]
        file = batch.pdf_file if kind == "pdf" else batch.zip_file
        if batch.status != StampBatch.Status.READY or not file or not file.storage.exists(file.name):
            raise Http404(_("The print files of this batch are not ready yet."))
        filename = f"tem-ocop-{batch.first_serial}_{batch.last_serial}.{kind}"
        response = FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=self.CONTENT_TYPES[kind]
        )
        # The files hold every code of the batch: no shared cache keeps them.
        response["Cache-Control"] = "private, no-store"
        return response


class ReportListView(StampOfficerMixin, ListView):
    template_name = "oscar/dashboard/stamps/report_list.html"
    context_object_name = "reports"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = ReportFilterForm(self.request.GET or None)
        reports = CounterfeitReport.objects.in_province(self.province_code).select_related("stamp__batch")
        if self.filter_form.is_valid() and self.filter_form.cleaned_data["status"]:
            reports = reports.filter(status=self.filter_form.cleaned_data["status"])
        return reports

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["new_report_count"] = (
            CounterfeitReport.objects.in_province(self.province_code)
            .filter(status=CounterfeitReport.Status.NEW)
            .count()
        )
        for report in context["reports"]:
            report.batch_in_scope = batch_in_scope(report, self.province_code)
        return context


def batch_in_scope(report, province_code):
    """The batch of the report's stamp when the officer may open it (a report made in one province can
    be about another province's stamp), else None."""
    if report.stamp is None:
        return None
    batch = report.stamp.batch
    return batch if province_code is None or batch.province_code == province_code else None


class ReportMixin(StampOfficerMixin):
    """A page of one counterfeit report of the officer's province; another province's is a 404."""

    def get_report(self):
        return get_object_or_404(
            CounterfeitReport.objects.in_province(self.province_code).select_related(
                "stamp__batch__product", "handled_by"
            ),
            pk=self.kwargs["pk"],
        )

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_report()  # another province's report is a 404 before a 405 tells that the method is wrong
        return super().http_method_not_allowed(request, *args, **kwargs)


class ReportDetailView(ReportMixin, DetailView):
    template_name = "oscar/dashboard/stamps/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return self.get_report()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ReportHandlingForm(report=self.object)
        context["batch"] = batch_in_scope(self.object, self.province_code)
        return context

    def post(self, request, *args, **kwargs):
        self.object = report = self.get_object()
        form = ReportHandlingForm(request.POST, report=report)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        report.status = form.cleaned_data["status"]
        report.officer_note = form.cleaned_data["officer_note"]
        report.handled_by = request.user
        report.handled_at = timezone.now()
        report.save(update_fields=["status", "officer_note", "handled_by", "handled_at"])
        messages.success(request, _("The report is now “%(status)s”.") % {"status": report.get_status_display()})
        return redirect("dashboard:counterfeit-report-detail", pk=report.pk)


class ReportPhotoView(ReportMixin, View):
    """The photo a buyer attached to a report, from the private storage, for the province's officers."""

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        if not report.photo or not report.photo.storage.exists(report.photo.name):
            raise Http404(_("This report has no photo."))
        content_type = mimetypes.guess_type(report.photo.name)[0] or "application/octet-stream"
        response = FileResponse(
            report.photo.open("rb"), content_type=content_type, filename=PurePath(report.photo.name).name
        )
        response["Cache-Control"] = "private, no-store"
        return response
