"""The public survey form: one block of questions per quick-win programme, and a honeypot.

A citizen answers one or several programmes; a block left empty is skipped, a block begun must
say whether they know the programme and whether they used it, and a rating (1–5) when they used
it. The honeypot (``situs_web``) is hidden from people by CSS; a bot that fills it is refused.
"""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kotacerdas.masterplans.models import Programme

from .choices import YesNo
from .models import COMMENT_MAX_LENGTH
from .services.submission import Answer

RATING_CHOICES = [
    ("1", _("1 · tidak memperbaiki")),
    ("2", _("2 · sedikit")),
    ("3", _("3 · cukup")),
    ("4", _("4 · banyak")),
    ("5", _("5 · sangat banyak")),
]
HONEYPOT = "situs_web"


def _comment_help() -> str:
    """The comment's help text in the reader's language (a lazy text formatted at class
    definition would be fixed in the default language)."""
    return gettext(
        "Paling banyak %(n)d karakter. Hanya dibaca pemerintah daerah, asesor dan kementerian."
    ) % {"n": COMMENT_MAX_LENGTH}


class ProgrammeAnswerForm(forms.Form):
    """The three questions and the comment about one programme."""

    knows = forms.ChoiceField(
        label=_("Apakah Anda mengetahui program ini?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Pilih Ya atau Tidak.")},
    )
    used = forms.ChoiceField(
        label=_("Apakah Anda pernah memanfaatkan/merasakan manfaatnya?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Pilih Ya atau Tidak.")},
    )
    rating = forms.ChoiceField(
        label=_("Seberapa besar program ini memperbaiki layanan/kehidupan Anda?"),
        help_text=_(
            "1 = tidak memperbaiki, 5 = sangat banyak. Boleh kosong bila belum pernah memanfaatkannya."
        ),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Nilai harus salah satu dari 1, 2, 3, 4 atau 5.")},
    )
    comment = forms.CharField(
        label=_("Komentar (tidak dipublikasikan)"),
        help_text=lazy(_comment_help, str)(),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        error_messages={
            "max_length": _(
                "Komentar paling banyak %(limit_value)d karakter (sekarang %(show_value)d)."
            )
        },
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, prefix=f"p{programme.pk}", **kwargs)
        self.programme = programme

    @property
    def is_blank(self) -> bool:
        """Nothing was answered about this programme (it is skipped)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) for name in ("knows", "used", "rating", "comment"))

    def clean(self):
        data = super().clean()
        if self.is_blank:
            return data
        if not data.get("knows"):
            self.add_error("knows", _("Pilih Ya atau Tidak: apakah Anda mengetahui program ini?"))
        if not data.get("used"):
            self.add_error(
                "used", _("Pilih Ya atau Tidak: apakah Anda pernah memanfaatkan program ini?")
            )
        elif data["used"] == YesNo.YES and not data.get("rating"):
            self.add_error(
                "rating",
                _("Beri nilai 1–5 karena Anda pernah memanfaatkan atau merasakan manfaatnya."),
            )
        return data

    def answer(self) -> Answer:
        data = self.cleaned_data
        return Answer(
            programme=self.programme,
            knows=data["knows"] == YesNo.YES,
            used=data["used"] == YesNo.YES,
            rating=int(data["rating"]) if data.get("rating") else None,
            comment=data.get("comment", ""),
        )


class GuardForm(forms.Form):
    """The honeypot: people never see it (hidden by CSS, skipped by the keyboard)."""

    situs_web = forms.CharField(
        label=_("Jangan isi kolom ini"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_situs_web(self) -> str:
        if self.cleaned_data.get(HONEYPOT):
            raise forms.ValidationError(
                _(
                    "Maaf, tanggapan ini tidak dapat kami terima. Bila Anda mengisi formulir "
                    "secara langsung, muat ulang halaman dan coba sekali lagi."
                )
            )
        return ""


class SurveyForm:
    """The whole page: the guard and one ProgrammeAnswerForm per programme. The page shows a
    form only for the programmes this browser has not answered (``open_blocks``); answers to the
    others are still parsed, so that the service refuses them by name."""

    def __init__(self, programmes: list[Programme], data=None, answered=frozenset()):
        self.guard = GuardForm(data)
        self.blocks = [ProgrammeAnswerForm(data, programme=p) for p in programmes]
        self.open_blocks = [b for b in self.blocks if b.programme.pk not in answered]
        self.answered = [p for p in programmes if p.pk in answered]
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        valid = self.guard.is_valid()
        if not valid:
            self.errors.extend(self.guard.errors.get(HONEYPOT, []))
        for block in self.blocks:
            valid = block.is_valid() and valid
        if valid and not self.answers():
            self.errors.append(str(_("Isi jawaban untuk setidaknya satu program.")))
            valid = False
        return valid

    def answers(self) -> list[Answer]:
        return [block.answer() for block in self.blocks if not block.is_blank]
