"""Forms of the masterplan pages: they parse input; the services validate and save."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.taxonomy import DIMENSIONS, DimensionCode, ProgramKind
from kotacerdas.core.uploads import accept_attribute

from .choices import ProgrammeStatus
from .models import Kpi, Masterplan, Programme
from .services.catalogue import CatalogueQuery
from .services.editing import KPI_FIELDS, MASTERPLAN_FIELDS, YearAmounts


class MasterplanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Masterplan
        fields = MASTERPLAN_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
        }


def element_choices() -> list:
    """Elements grouped by dimension, for a <select> with <optgroup>s."""
    return [("", "—")] + [
        (dimension.name, [(e.code, f"{e.code} {e.label}") for e in dimension.elements])
        for dimension in DIMENSIONS
    ]


class ProgrammeForm(forms.ModelForm):
    """A programme; the dimension follows from the chosen element."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quick_win_years = forms.TypedMultipleChoiceField(
        label=_("Tahun quick win"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = (
            "code",
            "name",
            "description",
            "element",
            "kind",
            "agency",
            "start_year",
            "end_year",
            "status",
            "published",
            "internal_notes",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, masterplan: Masterplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.masterplan = masterplan
        self.fields["element"].choices = element_choices()
        years = masterplan.years
        self.fields["quick_win_years"].choices = [(year, str(year)) for year in years]
        if self.instance.pk:
            self.fields["quick_win_years"].initial = list(
                self.instance.quick_wins.values_list("year", flat=True)
            )
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["start_year"].initial = masterplan.start_year
            self.fields["end_year"].initial = masterplan.end_year

    def _post_clean(self):
        element = self.cleaned_data.get("element")
        if element:
            self.instance.dimension = element.split(".")[0]
        super()._post_clean()

    def data_for_service(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["dimension"] = data["element"].split(".")[0]
        return data


class RupiahField(forms.CharField):
    """Whole rupiah: ``1234567``, ``1.234.567``, ``1 234 567`` or ``Rp 1.234.567``; never negative."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "class": "money"})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        digits = text.lower().removeprefix("rp").strip().replace(".", "").replace(" ", "")
        if digits.startswith("-"):
            raise forms.ValidationError(_("Jumlah uang tidak boleh negatif."))
        if not digits.isdigit():
            raise forms.ValidationError(_("Isi rupiah penuh tanpa desimal, mis. 1.250.000."))
        if len(digits) > 18:
            raise forms.ValidationError(_("Jumlah terlalu besar."))
        return Decimal(digits)


class YearGridForm(forms.Form):
    """Two amounts per year of the masterplan's period (budget or KPI target/realisation)."""

    first_label = _("Rencana (Rp)")
    second_label = _("Realisasi (Rp)")

    def make_field(self, label: str, value) -> forms.Field:
        return RupiahField(label=label, required=False, initial=value)

    def __init__(self, *args, years: list[int], initial_rows: dict[int, tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            first, second = initial_rows.get(year, (None, None))
            self.fields[f"first_{year}"] = self.make_field(f"{self.first_label} {year}", first)
            self.fields[f"second_{year}"] = self.make_field(f"{self.second_label} {year}", second)
        # The grid's cells have no visible label (the year heads the row, the column says what):
        # each field carries its own name for screen readers.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def rows(self) -> list[YearAmounts]:
        return [
            YearAmounts(
                year, self.cleaned_data[f"first_{year}"], self.cleaned_data[f"second_{year}"]
            )
            for year in self.years
        ]

    def grid(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(year, self[f"first_{year}"], self[f"second_{year}"]) for year in self.years]


class BudgetForm(YearGridForm):
    pass


class KpiValuesForm(YearGridForm):
    first_label = _("Target")
    second_label = _("Realisasi")

    def make_field(self, label: str, value) -> forms.Field:
        return forms.DecimalField(
            label=label,
            required=False,
            max_digits=20,
            decimal_places=4,
            initial=value,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = KPI_FIELDS


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
    )
    url = forms.URLField(
        label=_("atau tautan"), required=False, max_length=1000, assume_scheme="https"
    )
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=200)
    dimension = forms.ChoiceField(
        label=_("Dimensi"), required=False, choices=[("", _("Semua")), *DimensionCode.choices]
    )
    kind = forms.ChoiceField(
        label=_("Jenis program"), required=False, choices=[("", _("Semua")), *ProgramKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua")), *ProgrammeStatus.choices]
    )
    quick_win_year = forms.TypedChoiceField(
        label=_("Quick win tahun"), required=False, coerce=int, empty_value=None, choices=[]
    )
    province = forms.ChoiceField(label=_("Provinsi"), required=False, choices=[])

    def __init__(self, *args, provinces, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("Semua"))] + [(p.code, p.name) for p in provinces]
        self.fields["quick_win_year"].choices = [("", _("Semua"))] + [(y, str(y)) for y in years]

    def query(self) -> CatalogueQuery:
        if not self.is_valid():
            return CatalogueQuery(text=self.data.get("q", "")[:200])
        data = self.cleaned_data
        return CatalogueQuery(
            text=data["q"],
            dimension=data["dimension"],
            kind=data["kind"],
            status=data["status"],
            province=data["province"],
            quick_win_year=data["quick_win_year"],
        )
