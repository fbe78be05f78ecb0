from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shop.imports import spreadsheets


class ImportUploadForm(forms.Form):
    """A producer's sheet of products and stock; once clean, ``sheet`` holds its rows and ``content`` its bytes."""

    file = forms.FileField(
        label=_("Sheet of products (CSV or XLSX)"),
        help_text=_("Up to 5 MB and 2,000 products. Start from the template: it lists your current products."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv," + spreadsheets.XLSX_CONTENT_TYPE}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > spreadsheets.MAX_FILE_SIZE:
            # Refused before it is read into memory.
            raise ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": spreadsheets.MAX_FILE_SIZE // (1024 * 1024)},
                code="too_big",
            )
        self.content = uploaded.read()
        self.sheet = spreadsheets.read_sheet(uploaded.name, self.content)
        return uploaded
