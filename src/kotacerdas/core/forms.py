"""Small helpers shared by the apps' forms and views."""

from __future__ import annotations

from django import forms


def error_text(form: forms.BaseForm) -> str:
    """Every error of a bound, invalid form as one line for a flash message: each error after the
    label of its field ("Berkas: Ukuran berkas melebihi 20 MB."), errors of the whole form bare."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label}: " if field is not None and field.label else ""
        parts.extend(f"{prefix}{error}" for error in errors)
    return " ".join(parts)
