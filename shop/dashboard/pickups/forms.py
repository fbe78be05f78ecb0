from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.dashboard.fulfilment.forms import cancellation_reason_field
from shop.order.pickups import CANCEL, COLLECTED, READY, cancel_group, mark_collected, mark_ready


class PickupActionForm(forms.Form):
    """One step for a whole pickup (a sales point's or a fair booth's). The group comes from the URL."""

    action = forms.ChoiceField(
        choices=[(READY, _("Ready for pickup")), (COLLECTED, _("Collected")), (CANCEL, _("Cancel"))],
        widget=forms.HiddenInput,
    )
    reason = cancellation_reason_field()

    def apply(self, group, user):
        """Take the step; returns the number of lines it moved (0: already taken). ValidationError when
        it cannot be taken."""
        action = self.cleaned_data["action"]
        if action == READY:
            return mark_ready(group, user=user)
        if action == COLLECTED:
            return mark_collected(group, user=user)
        return cancel_group(group, user=user, reason=self.cleaned_data["reason"])


def pickup_form(group, data=None):
    return PickupActionForm(data, auto_id=f"id_group{group.pk}_%s")


def apply_pickup_action(request, group, on_error):
    """Run the posted step on ``group`` and say how it went in the messages; returns the bound form
    when it could not be taken (to show with its errors), else None."""
    form = pickup_form(group, request.POST)
    if form.is_valid():
        try:
            moved = form.apply(group, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            values = {"number": group.order.number}
            if moved:
                messages.success(request, MESSAGES[form.cleaned_data["action"]] % values)
            else:
                messages.info(request, gettext("Order %(number)s: nothing to change.") % values)
            return None
    messages.error(request, on_error)
    return form


MESSAGES = {
    READY: _("Order %(number)s is ready for pickup; the buyer is told."),
    COLLECTED: _("Order %(number)s was collected."),
    CANCEL: _("The pickup of order %(number)s is cancelled; its stock is free again."),
}
