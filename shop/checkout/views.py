"""Oscar's checkout, forked: one page to choose how each producer's goods are received (Oscar's shipping
address step, whose URL it keeps), one to choose how to pay, then Oscar's preview and confirmation."""

from datetime import timedelta

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import generic
from oscar.apps.checkout import views
from oscar.core.loading import get_model

from shop.checkout.forms import FulfilmentForm, GroupOptions, PaymentMethodForm
from shop.checkout.options import (
    ChoiceNoLongerPossible,
    booth_day_value,
    fair_booths,
    pickup_sales_points,
    producer_groups,
    resolve,
)
from shop.checkout.session import CheckoutSessionMixin
from shop.partner.places import ward_choices
from shop.payments.methods import available_methods, card_payments_enabled

Order = get_model("order", "Order")

#: How long after placing an order a repeated "place order" is taken for the same click.
REPEATED_PLACE_ORDER_WINDOW = timedelta(minutes=10)


def buyer_location(params):
    """(latitude, longitude) the buyer's browser shared, or None."""
    try:
        latitude, longitude = float(params.get("latitude", "")), float(params.get("longitude", ""))
    except ValueError:
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    return None


class ShippingAddressView(CheckoutSessionMixin, generic.FormView):
    """How each producer's goods reach the buyer, who receives them and, for deliveries, where."""

    template_name = "oscar/checkout/fulfilment.html"
    form_class = FulfilmentForm
    success_url = reverse_lazy("checkout:payment-method")
    pre_conditions = ["check_basket_is_not_empty", "check_basket_is_valid", "check_user_email_is_captured"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        near = buyer_location(params)
        province = params.get("province_code") or kwargs["initial"].get("province_code")
        province = int(province) if str(province or "").isdigit() else None
        kwargs["group_options"] = [
            GroupOptions(
                group=group,
                sales_points=pickup_sales_points(group, near=near, province_code=province),
                booths=fair_booths(group.producer),
            )
            for group in producer_groups(self.request.basket)
        ]
        return kwargs

    def get_initial(self):
        address = self.checkout_session.new_shipping_address_fields() or {}
        user = self.request.user
        initial = {
            "recipient_name": address.get("first_name") or (user.get_full_name() if user.is_authenticated else ""),
            "phone_number": address.get("phone_number", ""),
            "province_code": address.get("province_code"),
            "ward_code": address.get("ward_code"),
            "street": address.get("line1", ""),
            "notes": address.get("notes", ""),
        }
        for choice in self.fulfilment_choices():
            initial[f"method_{choice.producer_id}"] = choice.method
            initial[f"sales_point_{choice.producer_id}"] = choice.sales_point_id
            if choice.booth_id and choice.pickup_on:
                initial[f"booth_day_{choice.producer_id}"] = booth_day_value(choice.booth_id, choice.pickup_on)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        context["buyer_location"] = buyer_location(params)
        return context

    def form_valid(self, form):
        choices = form.choices()
        try:
            resolve(self.request.basket, choices)
        except ChoiceNoLongerPossible as problem:
            form.add_error(None, problem.message)
            return self.form_invalid(form)
        self.checkout_session.ship_to_new_address(form.address_fields())
        self.save_fulfilment_choices(choices)
        return super().form_valid(form)


class ShippingMethodView(CheckoutSessionMixin, generic.RedirectView):
    """Each producer's way of receipt is chosen with the address, on one page."""

    url = reverse_lazy("checkout:shipping-address")


class WardsView(generic.View):
    """The communes and wards of a province, for the address form's second list."""

    def get(self, request):
        province = request.GET.get("province", "")
        wards = ward_choices(int(province)) if province.isdigit() else []
        return JsonResponse({"wards": [{"code": code, "name": name} for code, name in wards]})


class PaymentMethodView(CheckoutSessionMixin, generic.FormView):
    template_name = "oscar/checkout/payment_method.html"
    form_class = PaymentMethodForm
    success_url = reverse_lazy("checkout:preview")
    pre_conditions = [
        "check_basket_is_not_empty",
        "check_basket_is_valid",
        "check_user_email_is_captured",
        "check_shipping_data_is_captured",
    ]
    skip_conditions = []

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["methods"] = available_methods()
        return kwargs

    def get_initial(self):
        return {"method": self.chosen_payment_method()} if self.chosen_payment_method() else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["card_payments_enabled"] = card_payments_enabled()
        context["payment_deadline_hours"] = settings.PAYMENT_DEADLINE_HOURS
        return context

    def form_valid(self, form):
        self.save_payment_method(form.cleaned_data["method"])
        return super().form_valid(form)


class PaymentDetailsView(views.PaymentDetailsView):
    """Oscar's preview and place-order step (its OrderPlacementMixin is ours, shop.checkout.mixins). There are no payment details to enter before the order:
    the payment-details URL leads to the preview."""

    pre_conditions = [
        "check_basket_is_not_empty",
        "check_basket_is_valid",
        "check_user_email_is_captured",
        "check_shipping_data_is_captured",
        "check_payment_method_is_chosen",
    ]
    skip_conditions = []

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("action") == "place_order" and request.basket.is_empty:
            placed = self.just_placed_order(request)
            if placed is not None:
                return redirect(self.after_placing_url(placed))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.preview:
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    @staticmethod
    def just_placed_order(request):
        """The order this browser placed a moment ago, when a second click on "place order" arrives after it."""
        order_id = request.session.get("checkout_order_id")
        if order_id is None:
            return None
        return Order.objects.filter(pk=order_id, date_placed__gte=timezone.now() - REPEATED_PLACE_ORDER_WINDOW).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        method = context.get("shipping_method")
        context["fulfilment_groups"] = getattr(method, "groups", [])
        context["payment_method"] = self.chosen_payment_method()
        return context


class ThankYouView(views.ThankYouView):
    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        order = context["order"]
        context["fulfilment_groups"] = order.fulfilment_groups.select_related(
            "producer", "sales_point__partner", "booth__fair"
        )
        context["payment"] = getattr(order, "payment", None)
        return context
