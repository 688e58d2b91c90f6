from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Untuk apa token ini, mis. 'Portal Satu Data Kota Jambi'."),
    )
    scope = forms.ChoiceField(
        label=_("Cakupan"), choices=TokenScope.choices, initial=TokenScope.READ
    )
    expires_on = forms.DateField(
        label=_("Kedaluwarsa pada (opsional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Kosongkan untuk token tanpa batas waktu."),
    )
