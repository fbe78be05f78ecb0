from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import generic

from shop.dashboard.access import ProducerDashboardMixin
from shop.dashboard.delivery.forms import ShippingRateForm
from shop.partner.models import ShippingRate
from shop.partner.shipping import UNKNOWN_WEIGHT_GRAMS, charge_for_rate, shipping_rate_of

#: The baskets the page prices with the producer's rate, so they see what a buyer would pay:
#: (weight in grams, goods value in đồng).
EXAMPLES = [(800, Decimal(150000)), (2500, Decimal(400000)), (6200, Decimal(1200000))]


def examples(rate):
    """What ``rate`` (None: the site's default) charges for each of EXAMPLES."""
    return [
        {"grams": grams, "goods": goods, "charge": charge_for_rate(rate, weight_grams=grams, goods_value=goods)}
        for grams, goods in EXAMPLES
    ]


class ShippingRateView(ProducerDashboardMixin, generic.FormView):
    """The producer's own delivery charge, with what it comes to for a few baskets."""

    template_name = "oscar/dashboard/delivery/shipping_rate.html"
    form_class = ShippingRateForm

    def get_rate(self):
        return shipping_rate_of(self.producer)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_rate() or ShippingRate(producer=self.producer)
        return kwargs

    def get_context_data(self, **kwargs):
        rate = self.get_rate()
        return super().get_context_data(**kwargs) | {
            "producer": self.producer,
            "rate": rate,
            "examples": examples(rate),
            "default_charge": Decimal(settings.DEFAULT_SHIPPING_CHARGE),
            "unknown_weight_grams": UNKNOWN_WEIGHT_GRAMS,
        }

    def form_valid(self, form):
        rate = form.save(commit=False)
        rate.producer = self.producer
        rate.save()
        messages.success(self.request, _("Your delivery charge is saved; new orders are charged with it."))
        return redirect("dashboard:producer-shipping-rate")

    def form_invalid(self, form):
        messages.error(self.request, _("The delivery charge was not saved; see below."))
        return super().form_invalid(form)
