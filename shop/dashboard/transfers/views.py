"""VietQR transfers awaited, and marking one received: shop staff for every order, a producer's staff
for the orders holding their goods (another order is a 404). Coordination officers and sales points
have no part in it (403)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic

from shop.dashboard.access import is_officer, producer_of
from shop.dashboard.transfers.forms import TransferReceivedForm
from shop.order.fulfilment import buyer_name
from shop.order.models import Line
from shop.payments.models import Payment, PaymentMethod, PaymentState
from shop.payments.services import record_payment_received
from shop.payments.transfer import bank_name


def is_shop_staff(user):
    """Shop staff check payments; a coordination-office officer is staff too, but not for money."""
    return user.is_superuser or (user.is_staff and not is_officer(user))


class TransferAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_shop_staff(request.user) and producer_of(request.user) is None:
            raise PermissionDenied(_("This page is for shop staff and the staff of an OCOP producer."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def producer(self):
        """The producer whose orders this user sees; None for shop staff (every order)."""
        return None if is_shop_staff(self.request.user) else producer_of(self.request.user)

    def visible_payments(self):
        payments = Payment.objects.filter(method=PaymentMethod.VIETQR).select_related(
            "order__user", "order__shipping_address"
        )
        if self.producer is not None:
            payments = payments.filter(Exists(Line.objects.filter(order=OuterRef("order"), partner=self.producer)))
        return payments


class TransferListView(TransferAccessMixin, generic.ListView):
    """The VietQR payments still awaited, the nearest deadline first."""

    template_name = "oscar/dashboard/transfers/transfer_list.html"
    context_object_name = "payments"
    paginate_by = settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE
    submitted = None

    def get_queryset(self):
        return self.visible_payments().filter(state=PaymentState.AWAITING).order_by("pay_by", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for payment in context["payments"]:
            payment.buyer_name = buyer_name(payment.order)
            if self.submitted is not None and self.submitted.payment.pk == payment.pk:
                payment.form = self.submitted
            else:
                payment.form = TransferReceivedForm(payment=payment, auto_id=f"id_payment{payment.pk}_%s")
        context.update(
            account=settings.VIETQR_ACCOUNT_NUMBER,
            holder=settings.VIETQR_ACCOUNT_NAME,
            bank=bank_name(settings.VIETQR_BANK_BIN) or settings.VIETQR_BANK_BIN,
            sees_everything=self.producer is None,
        )
        return context


class TransferReceivedView(TransferListView):
    """The transfer of one payment reached the account (POST only): the order is paid, once."""

    def get_payment(self):
        return get_object_or_404(self.visible_payments(), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.get_payment()  # a payment of an order that is not the producer's is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        payment = self.get_payment()
        number = payment.order.number
        if payment.is_settled:
            messages.info(request, _("The transfer for order %(number)s was already received.") % {"number": number})
            return redirect("dashboard:transfer-list")
        form = TransferReceivedForm(request.POST, payment=payment, auto_id=f"id_payment{payment.pk}_%s")
        if not form.is_valid():
            problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
            messages.error(
                request,
                _("The transfer for order %(number)s was not marked received: %(problems)s")
                % {"number": number, "problems": problems},
            )
            self.submitted = form
            self.object_list = self.get_queryset()
            return self.render_to_response(self.get_context_data())
        if record_payment_received(payment, form.cleaned_data["amount"], by=request.user):
            messages.success(request, _("Order %(number)s is paid; the buyer is told by e-mail.") % {"number": number})
        else:
            messages.info(request, _("The transfer for order %(number)s was already received.") % {"number": number})
        return redirect("dashboard:transfer-list")
