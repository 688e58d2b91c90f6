from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif."),
    }


class OTPForm(forms.Form):
    token = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Enam angka dari aplikasi autentikator, atau satu kode pemulihan."),
    )


class EnrolForm(OTPForm):
    """The first code from a newly added authenticator app (recovery codes do not apply yet)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = _("Enam angka yang tampil di aplikasi autentikator.")


class LanguageForm(forms.ModelForm):
    """The language of the user's emails (and of the pages, once saved)."""

    class Meta:
        model = User
        fields = ["language"]
