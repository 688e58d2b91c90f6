"""The one-line form error text used in flash messages."""

from django import forms

from kotacerdas.core.forms import error_text


class _Form(forms.Form):
    name = forms.CharField(label="Nama", max_length=3)
    note = forms.CharField(required=False)

    def clean(self):
        raise forms.ValidationError("Formulir ditolak.")


def test_each_field_error_follows_its_label_and_form_errors_stand_bare():
    form = _Form(data={"name": "terlalu panjang"})
    assert not form.is_valid()
    text = error_text(form)
    assert text.startswith("Nama: Pastikan nilai ini mengandung paling banyak 3 karakter")
    assert text.endswith(" Formulir ditolak.")


def test_a_valid_form_has_no_error_text():
    class Plain(forms.Form):
        name = forms.CharField()

    form = Plain(data={"name": "Jambi"})
    assert form.is_valid()
    assert error_text(form) == ""
