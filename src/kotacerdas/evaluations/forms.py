"""Forms of the admin's cycle pages and the operator's self-assessment.

Forms only parse and check the shape of input; the services decide what is allowed now.
Field names are stable (tests and the whole-cycle test post them): see each form.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.uploads import accept_attribute, allowed_labels
from kotacerdas.regions.models import Region
from kotacerdas.results.forms import release_at_field

from .models import Cycle, CycleState
from .services.answers import MAX_JUSTIFICATION
from .services.cycles import METHOD_FIELDS, SCHEDULE_FIELDS
from .services.evidence import MAX_DESCRIPTION, MAX_URL_LENGTH

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleCreateForm(forms.Form):
    """Fields: ``year``, ``name``, ``copy_from`` (a cycle id; empty = the default instrument)."""

    year = forms.IntegerField(label=_("Tahun"), min_value=2017, max_value=2100)
    name = forms.CharField(
        label=_("Nama"),
        max_length=200,
        required=False,
        help_text=_("Kosongkan untuk «Evaluasi Smart City <tahun>»."),
    )
    copy_from = forms.ModelChoiceField(
        label=_("Instrumen"),
        queryset=Cycle.objects.order_by("-year"),
        required=False,
        empty_label=_("Instrumen bawaan (model 2022)"),
        help_text=_("Salin instrumen siklus terdahulu, atau mulai dari instrumen bawaan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].label_from_instance = lambda cycle: (
            _("Salinan instrumen %(cycle)s") % {"cycle": cycle}
        )
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class PredicateBandsField(forms.CharField):
    """Predicate bands as lines ``label: minimum`` (highest first), cleaned to
    ``[{"label": ..., "min": ...}]`` sorted from the highest minimum."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{band['label']}: {band['min']}" for band in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        bands, errors = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            label, colon, minimum = line.rpartition(":")
            label = label.strip()
            try:
                value = Decimal(minimum.strip().replace(",", "."))
            except InvalidOperation:
                value = None
            if not colon or not label or value is None or not value.is_finite():
                errors.append(
                    _("Baris %(n)d: tulis «predikat: nilai minimal», mis. «Baik: 2.6».")
                    % {"n": number}
                )
                continue
            bands.append({"label": label, "min": float(value)})
        if errors:
            raise forms.ValidationError(errors)
        labels = [band["label"] for band in bands]
        minima = [band["min"] for band in bands]
        if len(set(labels)) != len(labels) or len(set(minima)) != len(minima):
            raise forms.ValidationError(_("Setiap predikat dan nilai minimalnya harus berbeda."))
        if not bands or min(minima) != 0:
            raise forms.ValidationError(
                _("Predikat terendah harus bermula dari 0 agar setiap nilai mendapat predikat.")
            )
        return sorted(bands, key=lambda band: band["min"], reverse=True)


class CycleSettingsForm(forms.ModelForm):
    """The cycle's schedule and method; field names are the Cycle model's."""

    SCHEDULE = SCHEDULE_FIELDS
    predicate_bands = PredicateBandsField(
        label=_("Predikat"),
        help_text=_("Satu baris per predikat: «nama: nilai minimal» pada skala tampilan."),
    )

    class Meta:
        model = Cycle
        fields = [*SCHEDULE_FIELDS, *METHOD_FIELDS, "previous"]
        widgets = {
            "opens_on": DATE_INPUT,
            "publication_date": DATE_INPUT,
            "submission_deadline": DATETIME_INPUT,
            "review_deadline": DATETIME_INPUT,
            "moderation_deadline": DATETIME_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = Cycle.objects.filter(year__lt=self.instance.year)

    def clean(self):
        cleaned = super().clean()
        scale = cleaned.get("display_scale")
        bands = cleaned.get("predicate_bands")
        if scale and bands and max(band["min"] for band in bands) > int(scale):
            self.add_error(
                "predicate_bands",
                _("Nilai minimal predikat melebihi skala tampilan (0–%(scale)s).")
                % {"scale": int(scale)},
            )
        order = ["submission_deadline", "review_deadline", "moderation_deadline"]
        moments = [(name, cleaned.get(name)) for name in order if cleaned.get(name)]
        for (first, earlier), (second, later) in pairwise(moments):
            if later <= earlier:
                self.add_error(
                    second,
                    _("Harus sesudah %(field)s.")
                    % {"field": Cycle._meta.get_field(first).verbose_name},
                )
        return cleaned

    def schedule_fields(self) -> list:
        return [self[name] for name in self.SCHEDULE]

    def method_fields(self) -> list:
        return [self[name] for name in self.Meta.fields if name not in self.SCHEDULE]

    def changes(self) -> dict:
        """The cleaned values, for ``cycles.update_settings``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TransitionForm(forms.Form):
    """Fields: ``to_state`` (a CycleState value), ``reason`` (needed to step back) and
    ``release_at`` (moving to published: when the public sees the results; empty: at once)."""

    to_state = forms.ChoiceField(choices=CycleState.choices)
    reason = forms.CharField(label=_("Alasan"), max_length=2000, required=False)
    release_at = release_at_field()


class EnrolPickForm(forms.Form):
    """Field: ``regions`` (region codes, repeated)."""

    regions = forms.ModelMultipleChoiceField(
        queryset=Region.objects.all(), to_field_name="code", label=_("Daerah")
    )


class EnrolCsvForm(forms.Form):
    """Field: ``file`` (a CSV with one region code per line; an optional header ``kode``)."""

    file = forms.FileField(
        label=_("Berkas CSV kode daerah"),
        help_text=_(
            "Satu kode per baris pada kolom pertama, mis. 15.71; baris judul «kode» boleh."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ReturnForm(forms.Form):
    """Field: ``reason``."""

    reason = forms.CharField(
        label=_("Alasan pengembalian"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionForm(forms.Form):
    """Fields: ``until`` (the region's new deadline, Jakarta time) and ``reason``."""

    until = forms.DateTimeField(
        label=_("Batas waktu baru (WIB)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=DATETIME_INPUT,
    )
    reason = forms.CharField(
        label=_("Alasan perpanjangan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tercatat di riwayat dan terlihat oleh operator daerah ini."),
    )


class CancelExtensionForm(forms.Form):
    """Field: ``reason``."""

    reason = forms.CharField(
        label=_("Alasan pembatalan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    """Fields: ``value`` (text; a number, ``,`` or ``.`` as decimal mark), ``not_applicable``,
    ``justification``, ``version`` (the answer's version the page was loaded with; 0 if none)."""

    value = forms.CharField(required=False, max_length=40)
    not_applicable = forms.BooleanField(required=False)
    justification = forms.CharField(required=False, max_length=MAX_JUSTIFICATION)
    version = forms.IntegerField(min_value=0)


class EvidenceFileForm(forms.Form):
    """Fields: ``file``, ``description``, ``valid_until``."""

    file = forms.FileField(
        label=_("Berkas"),
        help_text=format_lazy(_("Jenis yang diterima: {kinds}."), kinds=allowed_labels()),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
    )
    description = forms.CharField(label=_("Keterangan"), max_length=MAX_DESCRIPTION, required=False)
    valid_until = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Isi bila dokumen punya masa berlaku (SK, sertifikat, MoU)."),
    )


class EvidenceLinkForm(forms.Form):
    """Fields: ``url``, ``description``, ``valid_until``."""

    url = forms.CharField(
        label=_("Tautan"),
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = forms.CharField(label=_("Keterangan"), max_length=MAX_DESCRIPTION, required=False)
    valid_until = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Isi bila dokumen punya masa berlaku (SK, sertifikat, MoU)."),
    )


class EvidenceReplaceForm(forms.Form):
    """Fields: ``file`` or ``url`` (one of them), ``description``, ``valid_until``."""

    file = forms.FileField(
        label=_("Berkas pengganti"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
    )
    url = forms.CharField(
        label=_("atau tautan pengganti"),
        max_length=MAX_URL_LENGTH,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = forms.CharField(label=_("Keterangan"), max_length=MAX_DESCRIPTION, required=False)
    valid_until = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Isi bila dokumen punya masa berlaku (SK, sertifikat, MoU)."),
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("file")) == bool(cleaned.get("url")):
            raise forms.ValidationError(_("Pilih satu: unggah berkas pengganti atau isi tautan."))
        return cleaned


class WorkbookUploadForm(forms.Form):
    """Fields: ``file`` (the filled offline workbook, XLSX)."""

    file = forms.FileField(
        label=_("Lembar kerja XLSX yang sudah diisi"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class WorkbookApplyForm(forms.Form):
    """Fields: ``plan`` (the fingerprint of the previewed plan), ``take`` (indicator codes of the
    conflicts to apply; several)."""

    plan = forms.CharField(max_length=64)
    take = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, conflicts: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["take"].choices = [(code, code) for code in conflicts]
