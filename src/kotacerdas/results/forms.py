"""Forms of the results pages: the ranking filters, the admin's compute and republish, and the
review of an integrity flag."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions.models import RegionKind
from kotacerdas.regions.sizes import SizeClass

from .choices import FlagKind, predicate_label
from .services.ranking import SORTS, Filters
from .services.reviews import NOTE_LENGTH

SORT_CHOICES = [
    ("rank", _("Peringkat")),
    ("name", _("Nama daerah")),
    ("index", _("Indeks")),
    ("improvement", _("Kenaikan")),
    ("interval", _("Lebar interval peringkat")),
]


class RankingFilterForm(forms.Form):
    """Filters of the public ranking. Invalid values are dropped, never an error page."""

    q = forms.CharField(label=_("Cari nama atau kode"), required=False, max_length=100)
    province = forms.ChoiceField(label=_("Provinsi"), required=False)
    kind = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua")), *RegionKind.choices]
    )
    predicate = forms.ChoiceField(label=_("Predikat"), required=False)
    size = forms.ChoiceField(
        label=_("Kelompok ukuran"),
        required=False,
        choices=[("", _("Semua")), *SizeClass.choices],
    )
    sort = forms.ChoiceField(label=_("Urutkan"), required=False, choices=SORT_CHOICES)
    order = forms.ChoiceField(
        label=_("Arah"),
        required=False,
        choices=[("asc", _("Naik")), ("desc", _("Turun"))],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, provinces: list[tuple[str, str]], predicates: list[str]):
        super().__init__(data)
        self.fields["province"].choices = [("", _("Semua")), *provinces]
        self.fields["predicate"].choices = [
            ("", _("Semua")),
            *((p, predicate_label(p)) for p in predicates),
        ]

    def filters(self) -> Filters:
        """The valid filters; a field with an invalid value counts as not set."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name, "") for name in self.fields}
        sort = data["sort"] if data["sort"] in SORTS else "rank"
        return Filters(
            province=data["province"] or "",
            kind=data["kind"] or "",
            predicate=data["predicate"] or "",
            size=data["size"] or "",
            q=(data["q"] or "").strip(),
            sort=sort,
            descending=data["order"] == "desc",
            page=data["page"] or 1,
        )


class ComputeForm(forms.Form):
    """The admin's "compute results" button, with the number of Monte Carlo samples."""

    samples = forms.IntegerField(
        label=_("Sampel Monte Carlo"), min_value=100, max_value=20000, initial=1000
    )


def release_at_field() -> forms.DateTimeField:
    """The release time of a (re)publication: Jakarta time; empty means at publication."""
    return forms.DateTimeField(
        label=_("Waktu rilis ke publik (WIB)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Kosongkan untuk merilis saat dipublikasikan. Bila diisi, hasil dibekukan sekarang "
            "tetapi publik baru melihatnya pada waktu ini (embargo)."
        ),
    )


class RepublishForm(forms.Form):
    """Republishing replaces the public results: a reason is required and published."""

    reason = forms.CharField(
        label=_("Alasan publikasi ulang"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    samples = forms.IntegerField(
        label=_("Sampel Monte Carlo"), min_value=100, max_value=20000, initial=1000
    )
    release_at = release_at_field()


class FlagReviewForm(forms.Form):
    """Mark a flag of the integrity page as reviewed (the service checks the values again)."""

    kind = forms.ChoiceField(label=_("Jenis tanda"), choices=FlagKind.choices)
    fingerprint = forms.RegexField(
        label=_("Sidik tanda"), regex=r"^[0-9a-f]{64}$", max_length=64, min_length=64
    )
    note = forms.CharField(label=_("Catatan tinjauan"), max_length=NOTE_LENGTH, strip=True)


class FlagUnreviewForm(forms.Form):
    """Take back the review of a flag."""

    fingerprint = forms.RegexField(
        label=_("Sidik tanda"), regex=r"^[0-9a-f]{64}$", max_length=64, min_length=64
    )
