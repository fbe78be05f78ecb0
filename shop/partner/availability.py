from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.availability import Unavailable


class NotForSale(Unavailable):
    """A product whose OCOP certificate does not allow it to be sold today.

    ``reason`` is a clause from ``Product.reason_not_for_sale`` ("the OCOP certificate
    was withdrawn on 05/03/2026"); each message sets it in a whole sentence, so that the
    buyer reads the same reason on the product page, in the basket, when adding to the
    basket and at checkout.
    """

    code = "not-for-sale"

    def __init__(self, reason, title=""):
        self.reason = reason
        self.title = title

    @property
    def message(self):
        return _("Not for sale: %(reason)s") % {"reason": self.reason}

    @property
    def short_message(self):
        return _("Not for sale")

    @property
    def refusal(self):
        """Why the product cannot be bought, as a sentence that names it."""
        if self.title:
            return _("“%(title)s” cannot be bought: %(reason)s.") % {"title": self.title, "reason": self.reason}
        return _("This product cannot be bought: %(reason)s.") % {"reason": self.reason}

    def is_purchase_permitted(self, quantity):
        return False, self.refusal
