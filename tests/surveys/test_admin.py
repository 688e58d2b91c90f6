"""The survey window in the Django admin: admins set it and open or close it at once; nobody
else reaches it; responses are read-only there."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import CycleState
from kotacerdas.surveys.models import SurveyWindow
from kotacerdas.surveys.services import window as windows
from tests.factories import make_cycle

from .builders import add_responses, make_quick_wins, open_window


def test_admin_creates_a_window_and_the_end_must_follow_the_start(client, admin_user):
    cycle = make_cycle(2030, CycleState.REVIEW)
    client.force_login(admin_user)
    url = reverse("admin:surveys_surveywindow_add")
    data = {
        "cycle": cycle.pk,
        "starts_at_0": "2030-10-01",
        "starts_at_1": "08:00:00",
        "ends_at_0": "2030-09-01",
        "ends_at_1": "08:00:00",
    }
    page = client.post(url, data)
    assert "Masa survei harus ditutup sesudah waktu dibukanya." in page.content.decode()
    assert not SurveyWindow.objects.exists()
    data["ends_at_0"] = "2030-11-01"
    assert client.post(url, data).status_code == 302
    window = SurveyWindow.objects.get()
    assert window.starts_at.isoformat() == "2030-10-01T01:00:00+00:00"  # 08:00 WIB
    assert window.history.first().history_user == admin_user


def test_others_do_not_reach_the_admin_pages(client, operator):
    client.force_login(operator)
    assert client.get(reverse("admin:surveys_surveywindow_changelist")).status_code in (302, 403)


def test_open_now_and_close_now(admin_user, operator, jambi):
    cycle = make_cycle(2030, CycleState.REVIEW)
    window = open_window(cycle, days_before=-2, days_after=9)  # opens in two days
    assert window.state() == "upcoming"
    with pytest.raises(PermissionDenied):
        windows.open_now(window, by=operator)
    window = windows.open_now(window, by=admin_user)
    assert window.is_open()
    with pytest.raises(ServiceError, match="sudah dibuka"):
        windows.open_now(window, by=admin_user)
    programme = make_quick_wins(jambi, 2030)[0]
    add_responses(window, programme, [(True, False, None)])
    window = windows.close_now(window, by=admin_user)
    assert window.state() == "closed" and window.ends_at <= timezone.now()
    assert window.responses.count() == 1  # closing keeps what was received
    with pytest.raises(ServiceError, match="tidak sedang dibuka"):
        windows.close_now(window, by=admin_user)
    # Reopening a window whose end has passed gives it 30 days.
    window = windows.open_now(window, by=admin_user)
    assert window.ends_at - window.starts_at == timedelta(days=30)


def test_responses_are_read_only_in_the_admin(client, admin_user, jambi):
    window = open_window(make_cycle(2030, CycleState.REVIEW))
    programme = make_quick_wins(jambi, 2030)[0]
    add_responses(window, programme, [(True, True, 4)], comment="Terima kasih")
    client.force_login(admin_user)
    page = client.get(reverse("admin:surveys_surveyresponse_changelist")).content.decode()
    assert "Terima kasih" in page
    assert client.get(reverse("admin:surveys_surveyresponse_add")).status_code == 403
    delete = reverse("admin:surveys_surveywindow_delete", args=[window.pk])
    assert client.get(delete).status_code == 403  # a window with responses stays
