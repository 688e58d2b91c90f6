"""The Django admin speaks the reader's language: app, model and field names of our models are
written in Indonesian through gettext (English in the catalogue, plural where plural)."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise


def our_registered_models():
    return [model for model in admin.site._registry if model.__module__.startswith("kotacerdas.")]


@pytest.mark.parametrize("model", our_registered_models(), ids=lambda model: model.__name__)
def test_every_name_of_a_model_in_the_admin_goes_through_gettext(model):
    meta = model._meta
    assert isinstance(meta.verbose_name, Promise) and isinstance(meta.verbose_name_plural, Promise)
    untranslated = [
        field.name
        for field in meta.get_fields()
        if field.concrete and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == [], f"{model.__name__}: {untranslated}"


def index_names(client, language: str) -> set[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("admin:index")).content.decode()
    return {re.sub(r"\s+", " ", name).strip() for name in re.findall(r">([^<>]+)</a>", html)}


def test_the_admin_index_in_indonesian_and_in_english(client, django_user_model):
    # A superuser sees every app, third-party ones included.
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x"))
    indonesian = index_names(client, "id")
    assert {"Daerah", "Siklus evaluasi", "Autentikator (TOTP)", "Pekerjaan latar belakang"} <= (
        indonesian
    )
    english = index_names(client, "en")
    assert {
        "Regions",
        "Accounts",
        "Users",
        "Evaluation cycles",
        "Self-assessments",
        "Assessor scores",
        "Indicators",
        "Appeal items",
        "Authenticator (TOTP)",
        "Backup sign-in codes",
        "Background jobs",
    } <= english
    assert not {"Region", "Evaluation cycle", "Otp_Totp", "Tasks Database Backend"} & english
