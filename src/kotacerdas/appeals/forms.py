"""Forms of the appeals pages: they parse input only; every rule is in ``services/``."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.moments import WIB

# An appeal's new evidence follows the self-assessment's evidence rules, and its forms.
from kotacerdas.evaluations.forms import EvidenceFileForm, EvidenceLinkForm  # noqa: F401

from .choices import ItemCategory
from .services.filing import MAX_REASON

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class WindowForm(forms.Form):
    """Fields: ``date`` (YYYY-MM-DD) and ``time`` (HH:MM, WIB) of the deadline."""

    date = forms.DateField(label=_("Tanggal batas"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Jam batas (WIB)"),
        initial="23:59",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    @property
    def deadline(self) -> datetime:
        """The deadline as an aware datetime in WIB (Asia/Jakarta)."""
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=WIB)


class ItemForm(forms.Form):
    """Fields: ``indicator`` (code), ``category``, ``reason``."""

    indicator = forms.CharField(label=_("Indikator"), max_length=40)
    category = forms.ChoiceField(label=_("Jenis alasan"), choices=ItemCategory.choices)
    reason = forms.CharField(label=_("Alasan sanggahan"), max_length=MAX_REASON, widget=TEXTAREA)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].widget = forms.Select(
            choices=[(code, f"{code} · {question}") for code, question in indicators]
        )


class DecisionForm(forms.Form):
    """Fields: ``decision`` (accepted / rejected), ``value``, ``not_applicable``, ``reason``."""

    decision = forms.ChoiceField(
        label=_("Putusan"),
        choices=[("accepted", _("Terima")), ("rejected", _("Tolak"))],
        widget=forms.RadioSelect,
    )
    value = forms.CharField(
        label=_("Nilai akhir baru (jika diterima)"), required=False, max_length=40
    )
    not_applicable = forms.BooleanField(label=_("Tidak berlaku"), required=False)
    reason = forms.CharField(label=_("Alasan putusan"), max_length=MAX_REASON, widget=TEXTAREA)
