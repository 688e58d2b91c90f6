"""Virtual sessions: scheduling in WIB, who sees them, the .ics file and its SEQUENCE."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from icalendar import Calendar

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked
from kotacerdas.evaluations.models import CycleState, VirtualSession
from kotacerdas.evaluations.services import sessions
from kotacerdas.evaluations.services.sessions import SessionRefused
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle

WIB = ZoneInfo("Asia/Jakarta")
OCT_3 = datetime(2022, 10, 3, 9, 0, tzinfo=WIB)


@pytest.fixture
def setup(jambi, bandung):
    cycle = make_cycle(state=CycleState.REVIEW)
    enrol(cycle, jambi, bandung)
    first = make_user("asesor1", Role.ASSESSOR, email="asesor1@example.org")
    second = make_user("asesor2", Role.ASSESSOR, email="asesor2@example.org")
    assign(cycle, jambi, first, second)
    return cycle, first, second


def plan(cycle, region, by, assessors, **changes):
    fields = {
        "starts_at": OCT_3,
        "duration_minutes": 90,
        "meeting_url": "https://zoom.us/j/123456789",
        "assessors": assessors,
        "by": by,
        **changes,
    }
    return sessions.schedule(cycle, region, **fields)


def test_scheduling_a_session_emails_the_region_and_assessors(
    setup, jambi, admin_user, operator, django_capture_on_commit_callbacks
):
    cycle, first, second = setup
    operator.email = "diskominfo@jambikota.go.id"
    operator.save()
    with django_capture_on_commit_callbacks(execute=True):
        session = plan(cycle, jambi, admin_user, [first, second])
    assert session.sequence == 0
    assert set(session.assessors.all()) == {first, second}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == [
        "asesor1@example.org",
        "asesor2@example.org",
        "diskominfo@jambikota.go.id",
    ]
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert (filename, mimetype) == ("sesi-15.71-2022.ics", "text/calendar")
    assert "DTSTART;TZID=Asia/Jakarta:20221003T090000" in str(content)


def test_rescheduling_bumps_the_sequence_and_keeps_the_uid(setup, jambi, admin_user):
    cycle, first, second = setup
    session = plan(cycle, jambi, admin_user, [first, second])
    uid = sessions.uid(session)
    same = plan(cycle, jambi, admin_user, [first, second])
    assert same.sequence == 0  # nothing changed, nothing sent
    moved = plan(cycle, jambi, admin_user, [first], starts_at=OCT_3.replace(hour=13))
    assert moved.pk == session.pk
    assert moved.sequence == 1
    assert sessions.uid(moved) == uid
    assert list(moved.assessors.all()) == [first]
    assert VirtualSession.objects.count() == 1


def test_the_ics_file(setup, jambi, admin_user):
    cycle, first, second = setup
    session = plan(cycle, jambi, admin_user, [first, second], location="Ruang rapat Diskominfo")
    plan(cycle, jambi, admin_user, [first, second], duration_minutes=120, location="Ruang rapat")
    session.refresh_from_db()
    content = sessions.to_ics([session])
    text = content.decode()
    assert "DTSTART;TZID=Asia/Jakarta:20221003T090000" in text
    assert "DTEND;TZID=Asia/Jakarta:20221003T110000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Jakarta" in text
    assert "SEQUENCE:1" in text
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Sesi evaluasi Smart City 2022: Kota Jambi"
    assert str(event["UID"]) == f"sesi-{session.pk}-2022-15.71@kotacerdas"
    assert str(event["LOCATION"]) == "Ruang rapat"
    assert "https://zoom.us/j/123456789" in str(event["DESCRIPTION"])


def test_a_session_needs_a_place_and_assigned_assessors(setup, jambi, bandung, admin_user):
    cycle, first, _second = setup
    stranger = make_user("asesor.lain", Role.ASSESSOR, first_name="Asesor", last_name="Lain")
    with pytest.raises(SessionRefused, match="tautan rapat"):
        plan(cycle, jambi, admin_user, [first], meeting_url="")
    with pytest.raises(SessionRefused, match=r"Bukan asesor yang ditugaskan.*Asesor Lain"):
        plan(cycle, jambi, admin_user, [first, stranger])
    with pytest.raises(SessionRefused, match="paling sedikit satu"):
        plan(cycle, jambi, admin_user, [])
    with pytest.raises(SessionRefused, match="zona waktu"):
        plan(cycle, jambi, admin_user, [first], starts_at=OCT_3.replace(tzinfo=None))
    with pytest.raises(SessionRefused, match="Bukan asesor"):
        plan(cycle, bandung, admin_user, [first])
    assert not VirtualSession.objects.exists()


def test_only_admins_schedule_and_only_in_open_or_review(setup, jambi, admin_user):
    cycle, first, _second = setup
    with pytest.raises(PermissionDenied):
        plan(cycle, jambi, first, [first])
    cycle.state = CycleState.MODERATION
    cycle.save()
    with pytest.raises(Locked, match="Moderasi"):
        plan(cycle, jambi, admin_user, [first])


def test_who_sees_which_session(setup, jambi, bandung, admin_user, operator):
    cycle, first, second = setup
    third = make_user("asesor3", Role.ASSESSOR)
    other_operator = make_user("operator.bandung", Role.OPERATOR, region=bandung)
    assign(cycle, bandung, third)
    jambi_session = plan(cycle, jambi, admin_user, [first])
    bandung_session = plan(cycle, bandung, admin_user, [third])
    assert set(sessions.visible_to(admin_user)) == {jambi_session, bandung_session}
    # Every assessor of the region sees it, even one not chosen for the call.
    assert list(sessions.visible_to(second)) == [jambi_session]
    assert list(sessions.visible_to(third)) == [bandung_session]
    assert list(sessions.visible_to(operator)) == [jambi_session]
    assert list(sessions.visible_to(other_operator)) == [bandung_session]
    assert second.has_perm("evaluations.view_session", jambi_session)
    assert not third.has_perm("evaluations.view_session", jambi_session)


# --- Over HTTP -------------------------------------------------------------------------------


def test_the_admin_schedules_in_wib_and_everyone_concerned_downloads_the_ics(
    client, setup, jambi, admin_user, operator
):
    from django.urls import reverse

    cycle, first, second = setup
    client.force_login(admin_user)
    url = reverse("evaluations:session_schedule", args=[cycle.year, "15.71"])
    page = client.get(url).content.decode()
    assert "Asesor" in page and first.display_name in page
    response = client.post(
        url,
        {
            "date": "2022-10-03",
            "time": "09:00",
            "duration_minutes": "90",
            "meeting_url": "https://zoom.us/j/123",
            "assessors": [first.pk, second.pk],
        },
    )
    assert response.status_code == 302
    session = VirtualSession.objects.get()
    assert session.starts_at == OCT_3
    ics_url = reverse("evaluations:session_ics", args=[cycle.year, "15.71"])
    for user in (operator, first):
        client.force_login(user)
        response = client.get(ics_url)
        assert response["Content-Type"].startswith("text/calendar")
        assert "sesi-15.71-2022.ics" in response["Content-Disposition"]
        assert b"DTSTART;TZID=Asia/Jakarta:20221003T090000" in response.content
        listing = client.get(reverse("evaluations:session_list"), {"siklus": 2022})
        assert "Kota Jambi" in listing.content.decode()
    stranger = make_user(
        "operator.lain", Role.OPERATOR, region=cycle.submissions.get(region__code="32.73").region
    )
    client.force_login(stranger)
    assert client.get(ics_url).status_code == 404
    assert "Kota Jambi" not in client.get(reverse("evaluations:session_list")).content.decode()


def test_the_schedule_form_rejects_a_session_without_a_place(client, setup, admin_user):
    from django.urls import reverse

    cycle, first, _second = setup
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:session_schedule", args=[cycle.year, "15.71"]),
        {"date": "2022-10-03", "time": "09:00", "duration_minutes": "90", "assessors": [first.pk]},
    )
    assert response.status_code == 200
    assert "Isi tautan rapat daring atau tempat pertemuan." in response.content.decode()
    assert not VirtualSession.objects.exists()


@pytest.mark.parametrize(
    ("language", "listed", "card"),
    [
        ("id", "09.00 WIB · 90 menit", "Senin, 3 Oktober 2022 pukul 09.00 WIB"),
        ("en", "09:00 WIB · 90 minutes", "Monday, 3 October 2022, 09:00 WIB"),
    ],
)
def test_session_times_follow_the_language_of_the_page(
    client, setup, jambi, admin_user, operator, language, listed, card
):
    """09.00 in Indonesian, 09:00 in English (each locale's TIME_FORMAT, no hard-coded "H.i")."""
    import re

    from django.conf import settings
    from django.urls import reverse

    cycle, first, second = setup
    plan(cycle, jambi, admin_user, [first, second])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(admin_user)
    listing = client.get(reverse("evaluations:session_list"), {"siklus": 2022}).content.decode()
    assert listed in re.sub(r"\s+", " ", listing)
    client.force_login(operator)
    home = re.sub(r"\s+", " ", client.get(reverse("core:home")).content.decode())
    assert card in home


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("id", "Sesi Kota Jambi dijadwalkan Senin, 3 Oktober 2022 pukul 09.00 WIB."),
        ("en", "Session of Kota Jambi scheduled for Monday, 3 October 2022, 09:00 WIB."),
    ],
)
def test_the_scheduled_message_gives_the_time_in_wib_in_the_admins_language(
    client, settings, setup, admin_user, language, message
):
    from django.urls import reverse

    cycle, first, _second = setup
    settings.TIME_ZONE = "UTC"  # the server's zone does not change what the message says
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:session_schedule", args=[cycle.year, "15.71"]),
        {
            "date": "2022-10-03",
            "time": "09:00",
            "duration_minutes": "90",
            "meeting_url": "https://zoom.us/j/123",
            "assessors": [first.pk],
        },
        follow=True,
    )
    assert message in response.content.decode()
    assert VirtualSession.objects.get().starts_at == OCT_3
