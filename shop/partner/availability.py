from oscar.apps.partner.availability import Unavailable


class NotForSale(Unavailable):
    """A product whose OCOP certificate does not allow it to be sold today."""

    code = "not-for-sale"

    def __init__(self, reason):
        self.reason = reason

    @property
    def message(self):
        return self.reason

    def is_purchase_permitted(self, quantity):
        return False, self.reason
