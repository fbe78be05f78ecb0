"""The coordination office's review of new and changed listings, scoped to the officer's province."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from catalog.listings import approve_revision, reviewable_revisions, send_back_revision
from catalog.models import ListingRevision
from shop.dashboard.access import ListingReviewerMixin
from shop.dashboard.review.forms import ReviewDecisionForm, ReviewFilterForm
from shop.partner.places import province_name


class ReviewListView(ListingReviewerMixin, ListView):
    template_name = "oscar/dashboard/review/review_list.html"
    context_object_name = "revisions"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = ReviewFilterForm(self.request.GET or None)
        revisions = reviewable_revisions(self.province_code)
        if self.filter_form.is_valid() and self.filter_form.cleaned_data["status"]:
            revisions = revisions.filter(status=self.filter_form.cleaned_data["status"])
        pending_first = Case(
            When(status=ListingRevision.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return revisions.order_by(pending_first, "submitted_at", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["province_name"] = province_name(self.province_code) if self.province_code else None
        context["pending_count"] = (
            reviewable_revisions(self.province_code).filter(status=ListingRevision.Status.PENDING).count()
        )
        return context


class ReviewDetailView(ListingReviewerMixin, DetailView):
    template_name = "oscar/dashboard/review/review_detail.html"
    context_object_name = "revision"

    def get_object(self, queryset=None):
        return get_object_or_404(
            reviewable_revisions(self.province_code).prefetch_related("photos", "removed_images"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = self.object
        product = revision.product
        context["product"] = product
        context["certificate"] = product.certificate
        context["producer"] = product.producer
        context["stockrecords"] = product.stockrecords.filter(partner=product.producer)
        context.setdefault("form", ReviewDecisionForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        revision = self.object
        form = ReviewDecisionForm(request.POST)
        if not revision.is_pending:
            messages.error(request, _("This revision has already been decided."))
            return redirect("dashboard:review-detail", pk=revision.pk)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            if form.cleaned_data["decision"] == ReviewDecisionForm.APPROVE:
                approve_revision(revision, reviewer=request.user)
                messages.success(
                    request, _("“%(title)s” was approved; the producer is told.") % {"title": revision.proposed_title}
                )
            else:
                send_back_revision(revision, reviewer=request.user, reason=form.cleaned_data["reason"])
                messages.success(
                    request,
                    _("“%(title)s” was sent back to the producer with your reason.")
                    % {"title": revision.proposed_title},
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("dashboard:review-detail", pk=revision.pk)
        return redirect("dashboard:review-list")
