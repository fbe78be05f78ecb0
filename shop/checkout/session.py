from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout.session import CheckoutSessionMixin as CoreCheckoutSessionMixin

from shop.order.allocation import shortages
from shop.partner.availability import NotForSale


class CheckoutSessionMixin(CoreCheckoutSessionMixin):
    def check_basket_is_valid(self, request):
        """Send the buyer back to the basket, saying why, when a product there can no longer be sold.

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
        return super().check_basket_is_valid(request)
