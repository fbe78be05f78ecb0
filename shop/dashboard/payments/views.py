"""Card payments in the dashboard, for shop staff: the list with Stripe's flags, and refunds."""

import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from oscar.templatetags.currency_filters import currency

from shop.dashboard.payments.forms import CardPaymentFilterForm, RefundForm
from shop.payments import refunds
from shop.payments.models import Payment, PaymentMethod, ReconciliationFlag

logger = logging.getLogger(__name__)


def card_payments():
    return (
        Payment.objects.filter(method=PaymentMethod.CARD)
        .select_related("order")
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
    )


class CardPaymentListView(generic.ListView):
    template_name = "oscar/dashboard/payments/payment_list.html"
    context_object_name = "payments"
    paginate_by = settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE

    def get_queryset(self):
        self.form = CardPaymentFilterForm(self.request.GET or None)
        payments = card_payments()
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["state"]:
                payments = payments.filter(state=data["state"])
            if data["number"]:
                payments = payments.filter(order__number__icontains=data["number"].strip())
            if data["flagged"]:
                payments = payments.filter(open_flags__gt=0)
        return payments.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["open_flags"] = ReconciliationFlag.objects.filter(resolved_at__isnull=True).select_related(
            "payment__order"
        )[:50]
        return context


class RefundView(generic.TemplateView):
    """An order's card payment: what was received and refunded, and forms to refund it all or per line."""

    template_name = "oscar/dashboard/payments/refund.html"

    def dispatch(self, request, *args, **kwargs):
        self.payment = get_object_or_404(card_payments(), order__number=kwargs["number"])
        self.order = self.payment.order
        return super().dispatch(request, *args, **kwargs)

    def lines(self, submitted=None):
        lines = list(self.order.lines.annotate(refunded=Coalesce(Sum("refunds__amount"), Value(Decimal(0)))))
        for line in lines:
            line.refundable = min(refunds.line_refundable(line, refunded=line.refunded), self.payment.refundable)
            if submitted is not None and submitted.data.get("line") == str(line.pk):
                line.form = submitted
            else:
                line.form = self.refund_form(line.refundable, line)
        return lines

    def refund_form(self, amount, line=None):
        return RefundForm(
            initial={
                "line": line.pk if line else None,
                "amount": int(amount),
                "expected_refunded": int(self.payment.amount_refunded),
            },
            auto_id=f"id_refund_{line.pk if line else 'order'}_%s",
        )

    def get_context_data(self, submitted=None, **kwargs):
        context = super().get_context_data(**kwargs)
        whole = submitted if submitted is not None and not submitted.data.get("line") else None
        context.update(
            order=self.order,
            payment=self.payment,
            lines=self.lines(submitted),
            full_form=whole or self.refund_form(self.payment.refundable),
            refund_list=self.payment.refunds.select_related("line", "created_by"),
            flags=self.payment.flags.all(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RefundForm(request.POST)
        line_pk = request.POST.get("line") or ""
        form.auto_id = f"id_refund_{line_pk or 'order'}_%s"
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(submitted=form), status=400)
        line = None
        if form.cleaned_data["line"]:
            line = self.order.lines.filter(pk=form.cleaned_data["line"]).first()
            if line is None:
                form.add_error(None, _("This line is not part of the order."))
                return self.render_to_response(self.get_context_data(submitted=form), status=400)
        try:
            refund = refunds.refund(
                self.payment,
                form.cleaned_data["amount"],
                line=line,
                reason=form.cleaned_data["reason"],
                by=request.user,
                expected_refunded=form.cleaned_data["expected_refunded"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            self.payment.refresh_from_db()
            return self.render_to_response(self.get_context_data(submitted=form), status=400)
        except stripe.StripeError as error:
            logger.exception("Stripe refused a refund of order %s", self.order.number)
            form.add_error(
                None,
                _("Stripe refused the refund; nothing was refunded. Stripe said: %(message)s")
                % {"message": error.user_message or _("no reason given")},
            )
            return self.render_to_response(self.get_context_data(submitted=form), status=400)
        messages.success(
            request,
            _("Refunded %(amount)s of order %(number)s.")
            % {"amount": currency(refund.amount, "VND"), "number": self.order.number},
        )
        return redirect(reverse("dashboard:card-payment-refund", kwargs={"number": self.order.number}))
