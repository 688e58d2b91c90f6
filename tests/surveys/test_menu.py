"""The citizen survey is in the menu for everyone but admins (they manage it in the admin)."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from kotacerdas.core.context_processors import navigation


def _labels(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [str(item["label"]) for item in navigation(request)["nav_items"]]


def test_the_survey_is_in_the_menu_of_the_public_and_operators_not_of_admins(
    db, admin_user, operator
):
    assert "Survei warga" in _labels(AnonymousUser())
    assert "Survei warga" in _labels(operator)
    assert "Survei warga" not in _labels(admin_user)
