"""Forms of the assessor's workspace, assignments, sessions and moderation.

Forms only parse and check the shape of input; the services decide what is allowed now.
Field names are stable (tests and the whole-cycle test post them): see each form.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.accounts.models import User
from kotacerdas.core.moments import WIB
from kotacerdas.regions.models import Region

from .models import Assignment, Feedback
from .services.assignments import MAX_REASON, assessors
from .services.moderation import MAX_REASON as MAX_SETTLE_REASON
from .services.moderation import QueueReason
from .services.scoring import MAX_JUDGEMENT, MAX_NOTE

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class AssessorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class RegionCodeField(forms.ModelChoiceField):
    """A region chosen by its Kemendagri code (``15.71``)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Region.objects.order_by("code"), to_field_name="code", **kwargs)

    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.code} {obj.name}"


class ScoreForm(forms.Form):
    """Fields: ``value`` (a number; ``,`` or ``.`` as decimal mark; empty = not scored yet),
    ``not_applicable``, ``note``, ``evidence_missing``, ``version`` (the score's version the page
    was loaded with; 0 if none)."""

    value = forms.CharField(label=_("Nilai"), required=False, max_length=40)
    not_applicable = forms.BooleanField(label=_("Tidak berlaku"), required=False)
    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=MAX_NOTE, widget=forms.Textarea
    )
    evidence_missing = forms.BooleanField(label=_("Data dukung kurang"), required=False)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class JudgementForm(forms.ModelForm):
    """Fields: ``weaknesses``, ``strengths``, ``recommendations`` (one item per line),
    ``interview_notes``, ``version`` (of the judgement the page was loaded with; 0 if never
    saved)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Assignment
        fields = ["weaknesses", "strengths", "recommendations", "interview_notes"]
        widgets = dict.fromkeys(fields, TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].max_length = MAX_JUDGEMENT
        self.fields["version"].initial = self.instance.version


def rebased(form: forms.BaseForm, version: int) -> forms.BaseForm:
    """The bound ``form`` with its hidden ``version`` moved to ``version`` (the stored one).

    After a stale save the page shows the stored text beside the sender's unsaved text, so a
    second save is a decision taken with both in view, never a blind overwrite.
    """
    form.data = form.data.copy()
    form.data["version"] = str(version)
    return form


class ConflictForm(forms.Form):
    """Fields: ``region`` (code), ``reason``, and for admins ``assessor`` (a user id)."""

    assessor = AssessorChoiceField(label=_("Asesor"), queryset=User.objects.none())
    region = RegionCodeField(label=_("Daerah"))
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=MAX_REASON,
        help_text=_("mis. provinsi asal, bekas tempat kerja, hubungan keluarga"),
    )

    def __init__(self, *args, for_admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_admin:
            self.fields["assessor"].queryset = assessors()
        else:
            del self.fields["assessor"]


class AssignForm(forms.Form):
    """Fields: ``region`` (code), ``assessor`` (a user id)."""

    region = RegionCodeField(label=_("Daerah"))
    assessor = AssessorChoiceField(label=_("Asesor"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors()


class SessionForm(forms.Form):
    """Fields: ``date`` (YYYY-MM-DD), ``time`` (HH:MM, WIB), ``duration_minutes``,
    ``meeting_url``, ``location``, ``assessors`` (user ids, repeated), ``note``."""

    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Jam mulai (WIB)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Durasi (menit)"), min_value=15, max_value=600, initial=90
    )
    meeting_url = forms.URLField(
        label=_("Tautan rapat daring"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    location = forms.CharField(label=_("Tempat (jika tatap muka)"), required=False, max_length=200)
    assessors = forms.ModelMultipleChoiceField(
        label=_("Asesor"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=2000, widget=TEXTAREA)

    def __init__(self, *args, panel=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assessors"]
        field.queryset = panel if panel is not None else User.objects.none()
        field.label_from_instance = lambda user: user.display_name

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("meeting_url") and not cleaned.get("location"):
            raise forms.ValidationError(_("Isi tautan rapat daring atau tempat pertemuan."))
        return cleaned

    @property
    def starts_at(self) -> datetime:
        """The start as an aware datetime in WIB (Asia/Jakarta)."""
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=WIB)


class SettleForm(forms.Form):
    """Fields: ``value``, ``not_applicable``, ``reason``, ``version`` (of the final value the
    page was loaded with; 0 when there was none)."""

    value = forms.CharField(label=_("Nilai akhir"), required=False, max_length=40)
    not_applicable = forms.BooleanField(label=_("Tidak berlaku"), required=False)
    reason = forms.CharField(
        label=_("Alasan"), max_length=MAX_SETTLE_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, initial=0)


class FeedbackForm(forms.ModelForm):
    """Fields: ``weaknesses``, ``strengths``, ``recommendations`` (one item per line),
    ``version`` (of the feedback the page was loaded with; 0 when none was settled)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Feedback
        fields = ["weaknesses", "strengths", "recommendations"]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in fields}
        help_texts = {name: _("Satu butir per baris.") for name in fields}


class QueueFilterForm(forms.Form):
    """GET filters of the moderation queue: ``region`` (code), ``dimension`` (code), ``reason``."""

    region = forms.CharField(label=_("Daerah"), required=False, max_length=5)
    dimension = forms.CharField(label=_("Dimensi"), required=False, max_length=10)
    reason = forms.ChoiceField(
        label=_("Alasan"), required=False, choices=[("", _("Semua")), *QueueReason.choices]
    )
