"""Forms of the instrument pages: they parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.taxonomy import Aspect

from .models import CrosswalkKind, Instrument
from .schema import Problem
from .services.crosswalk import parse_rescale


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas instrumen"),
        help_text=_("YAML (.yaml, .yml) atau Excel (.xlsx), paling besar 5 MB."),
    )
    code = forms.SlugField(
        label=_("Kode baru"),
        required=False,
        max_length=50,
        help_text=_("Kosongkan untuk memakai kode di dalam berkas."),
    )
    name = forms.CharField(
        label=_("Nama baru"),
        required=False,
        max_length=200,
        help_text=_("Kosongkan untuk memakai nama di dalam berkas."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError(_("Pilih berkas .yaml, .yml atau .xlsx."))
        return upload

    @property
    def is_xlsx(self) -> bool:
        return self.cleaned_data["file"].name.lower().endswith(".xlsx")


class CopyForm(forms.Form):
    code = forms.SlugField(label=_("Kode instrumen baru"), max_length=50)
    name = forms.CharField(label=_("Nama instrumen baru"), max_length=200)


class AspectWeightsForm(forms.Form):
    """One weight field per evaluation aspect; the service checks the values."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Aspect.choices:
            self.fields[value] = forms.CharField(label=label, required=False, max_length=20)


class CrosswalkStartForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Instrumen lama"), queryset=Instrument.objects.order_by("-created_at")
    )
    target = forms.ModelChoiceField(
        label=_("Instrumen baru"), queryset=Instrument.objects.order_by("-created_at")
    )

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise forms.ValidationError(_("Pilih dua instrumen yang berbeda."))
        return data


def _labelled(label) -> dict:
    return {"aria-label": label}


class EntryForm(forms.Form):
    """One crosswalk entry; the rows are checked together by the crosswalk service."""

    kind = forms.ChoiceField(
        label=_("Jenis"),
        choices=CrosswalkKind.choices,
        widget=forms.Select(attrs=_labelled(_("Jenis"))),
    )
    source_code = forms.CharField(label=_("Kode lama"), required=False, max_length=30)
    target_code = forms.CharField(label=_("Kode baru"), required=False, max_length=30)
    rescale = forms.CharField(
        label=_("Pemetaan skala (JSON)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=_labelled(_("Pemetaan skala (JSON)"))),
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=_labelled(_("Catatan"))),
    )
    needs_review = forms.BooleanField(
        label=_("Perlu dicek"),
        required=False,
        widget=forms.CheckboxInput(attrs=_labelled(_("Perlu dicek"))),
    )

    def clean_rescale(self):
        try:
            return parse_rescale(self.cleaned_data["rescale"])
        except Problem as problem:
            raise forms.ValidationError(str(problem)) from None


class _EntryFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        """The delete box is named like the other cells of its row (it has no visible label)."""
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.update(_labelled(_("Hapus")))


EntryFormSet = forms.formset_factory(
    EntryForm, formset=_EntryFormSet, extra=1, can_delete=True, max_num=2000
)


class CrosswalkCsvForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV"), help_text=_("Kolom: kind,source_code,target_code,rescale,note")
    )
