from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout.session import CheckoutSessionMixin as CoreCheckoutSessionMixin
from oscar.templatetags.currency_filters import currency

from shop.checkout.options import ChoiceNoLongerPossible, GroupChoice, resolve
from shop.checkout.shipping import GroupedFulfilment
from shop.order.allocation import shortages
from shop.partner.availability import NotForSale
from shop.payments.methods import available_methods


class CheckoutSessionMixin(CoreCheckoutSessionMixin):
    """Oscar's, with the buyer's way of receiving each producer's goods (shop.checkout.options) in place
    of one shipping address and method, and the way of paying."""

    def check_basket_is_valid(self, request):
        """Send the buyer back to the basket, saying why, when a product there can no longer be sold, is
        short of stock, or costs something else than when it was added.

        Every checkout step runs this, placing the order included, so a certificate that
        expires or is withdrawn while the buyer is checking out stops the order too.
        Too little stock left is said as at placing the order (shop.order.allocation);
        other reasons keep Oscar's wording.
        """
        not_for_sale = []
        for line in request.basket.all_lines():
            availability = request.strategy.fetch_for_line(line).availability
            if isinstance(availability, NotForSale):
                not_for_sale.append(
                    _("%(refusal)s Please remove it from your basket to continue.") % {"refusal": availability.refusal}
                )
        if not_for_sale:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), messages=not_for_sale)
        if sold_out := shortages(request.basket.all_lines()):
            raise exceptions.FailedPreCondition(
                url=reverse("basket:summary"), messages=[shortage.message for shortage in sold_out]
            )
        if repriced := self.reprice_changed_lines(request.basket):
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), messages=repriced)
        return super().check_basket_is_valid(request)

    def reprice_changed_lines(self, basket):
        """Lines whose price changed since they were added take today's price, and the buyer is told,
        so that nothing is charged that the buyer has not seen. Returns the messages."""
        changed = []
        for line in basket.all_lines():
            price = line.purchase_info.price
            if not (line.price_incl_tax and price.is_tax_known) or price.incl_tax == line.price_incl_tax:
                continue
            changed.append(
                _(
                    "The price of “%(title)s” changed from %(old)s to %(new)s. Your basket shows the new price; "
                    "check it and continue to checkout."
                )
                % {
                    "title": line.product.get_title(),
                    "old": currency(line.price_incl_tax),
                    "new": currency(price.incl_tax),
                }
            )
            line.price_incl_tax, line.price_excl_tax = price.incl_tax, price.excl_tax
            line.save(update_fields=["price_incl_tax", "price_excl_tax"])
        return changed

    # --- how each producer's goods are received ---------------------------------

    def fulfilment_choices(self):
        return [GroupChoice.from_session(data) for data in self.checkout_session._get("fulfilment", "choices") or []]

    def save_fulfilment_choices(self, choices):
        self.checkout_session._set("fulfilment", "choices", [choice.to_session() for choice in choices])
        self.checkout_session.use_shipping_method(GroupedFulfilment.code)

    def get_shipping_method(self, basket, shipping_address=None, **kwargs):
        """The buyer's choices, checked again now, as Oscar's shipping method; None when they no longer hold."""
        if self.checkout_session.shipping_method_code(basket) != GroupedFulfilment.code:
            return None
        try:
            return GroupedFulfilment(resolve(basket, self.fulfilment_choices()))
        except ChoiceNoLongerPossible:
            return None

    def check_shipping_data_is_captured(self, request):
        choose_again = reverse("checkout:shipping-address")
        choices = self.fulfilment_choices()
        if not choices or self.checkout_session.shipping_method_code(request.basket) != GroupedFulfilment.code:
            raise exceptions.FailedPreCondition(
                url=choose_again, message=_("Please choose how you want to receive your order.")
            )
        try:
            groups = resolve(request.basket, choices)
        except ChoiceNoLongerPossible as problem:
            raise exceptions.FailedPreCondition(url=choose_again, message=problem.message) from problem
        address = self.checkout_session.new_shipping_address_fields() or {}
        if not address.get("phone_number"):
            raise exceptions.FailedPreCondition(url=choose_again, message=_("Please tell us who receives the order."))
        if any(group.is_delivery for group in groups) and not address.get("ward_code"):
            raise exceptions.FailedPreCondition(url=choose_again, message=_("Please give the address to deliver to."))

    def get_shipping_address(self, basket):
        fields = self.checkout_session.new_shipping_address_fields()
        return super().get_shipping_address(basket) if fields else None

    # --- how the buyer pays --------------------------------------------------------

    def chosen_payment_method(self):
        return self.checkout_session._get("payment", "method")

    def save_payment_method(self, method):
        self.checkout_session._set("payment", "method", method)

    def check_payment_method_is_chosen(self, request):
        if self.chosen_payment_method() not in available_methods():
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-method"), message=_("Please choose how you want to pay.")
            )
