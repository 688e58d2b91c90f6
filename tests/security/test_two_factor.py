"""Two-factor sign-in: required for admins and assessors, optional for operators, skipped only
by demo accounts in demo mode; codes from an authenticator app or one-time recovery codes."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotacerdas.accounts import twofactor
from kotacerdas.accounts.roles import Role
from tests.conftest import PASSWORD, make_user


def code_for(device, offset=0):
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


def enrolled(user):
    device = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, device, code_for(device))
    device.refresh_from_db()
    # The enrolment code was used; the next sign-in needs the following time step's code.
    return device, codes


def sign_in(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_an_admin_without_an_authenticator_must_set_one_up_first(client, admin_user):
    response = sign_in(client, "admin.test")
    assert response.status_code == 302
    for url in (reverse("accounts:profile"), "/admin/", reverse("core:home")):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"] == reverse("accounts:two_factor_setup")
    api = client.get(reverse("api:me"))
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["type"] == "urn:kotacerdas:problem:two-factor-required"


def test_setting_up_shows_a_server_drawn_qr_code_and_then_recovery_codes(client, assessor):
    sign_in(client, "asesor.test")
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<script" not in html.split("</head>")[1]
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=assessor, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "Kode tidak cocok" in wrong.content.decode()
    done = client.post(reverse("accounts:two_factor_setup"), {"token": code_for(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT
    assert TOTPDevice.objects.get(user=assessor).confirmed
    # This session is now verified: the rest of the site opens.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_in_with_an_authenticator_asks_for_the_code_before_the_session_is_signed_in(
    client, admin_user
):
    device, _codes = enrolled(admin_user)
    before = client.session.session_key
    response = sign_in(client, "admin.test")
    assert response["Location"] == reverse("accounts:login_verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302
    wrong = client.post(reverse("accounts:login_verify"), {"token": "123456"})
    assert "Kode salah" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    ok = client.post(reverse("accounts:login_verify"), {"token": code_for(device, 1)})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)
    assert client.session.session_key != before
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_signs_in_once(client, admin_user):
    _device, codes = enrolled(admin_user)
    sign_in(client, "admin.test")
    response = client.post(reverse("accounts:login_verify"), {"token": codes[0]}, follow=True)
    assert "kode pemulihan" in response.content.decode()
    assert StaticToken.objects.filter(device__user=admin_user).count() == len(codes) - 1
    client.post(reverse("accounts:logout"))
    sign_in(client, "admin.test")
    again = client.post(reverse("accounts:login_verify"), {"token": codes[0]})
    assert "Kode salah" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, admin_user, settings):
    device, _codes = enrolled(admin_user)
    sign_in(client, "admin.test")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("accounts:login_verify"), {"token": "000000"}).status_code == 200
    locked = client.post(reverse("accounts:login_verify"), {"token": "000000"})
    assert locked.status_code == 429
    assert "dikunci sementara" in locked.content.decode()
    # Even the right password and code are refused now.
    assert sign_in(client, "admin.test").status_code == 429
    assert "_auth_user_id" not in client.session
    assert device.user == admin_user


def test_operators_may_turn_it_on_and_then_it_is_asked_of_them(client, operator):
    sign_in(client, "operator.test")
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not twofactor.requires_two_factor(operator)
    device = twofactor.start_enrolment(operator)
    client.post(reverse("accounts:two_factor_setup"), {"token": code_for(device)})
    assert twofactor.requires_two_factor(operator)
    client.post(reverse("accounts:logout"))
    assert sign_in(client, "operator.test")["Location"] == reverse("accounts:login_verify")
    device.refresh_from_db()
    client.post(reverse("accounts:login_verify"), {"token": code_for(device, 1)})
    client.post(reverse("accounts:two_factor_turn_off"))
    assert not TOTPDevice.objects.filter(user=operator).exists()


def test_admins_may_not_turn_it_off(client, admin_user):
    device, _codes = enrolled(admin_user)
    sign_in(client, "admin.test")
    client.post(reverse("accounts:login_verify"), {"token": code_for(device, 1)})
    response = client.post(reverse("accounts:two_factor_turn_off"), follow=True)
    assert "wajib" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()


@pytest.mark.parametrize(
    ("demo_mode", "username", "required"),
    [
        (True, "admin", False),
        (True, "asesor1", False),
        (True, "other.admin", True),
        (False, "admin", True),
    ],
)
def test_only_demo_accounts_in_demo_mode_go_without(settings, db, demo_mode, username, required):
    settings.DEMO_MODE = demo_mode
    user = make_user(username, Role.ADMIN if "admin" in username else Role.ASSESSOR)
    assert twofactor.requires_two_factor(user) is required


def test_a_demo_admin_in_demo_mode_reaches_the_admin_without_a_code(client, settings, db):
    settings.DEMO_MODE = True
    make_user("admin", Role.ADMIN)
    sign_in(client, "admin")
    assert client.get("/admin/").status_code == 200


def test_the_django_admin_sign_in_page_sends_people_to_ours(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/admin/"


def test_new_recovery_codes_replace_the_old_ones(client, admin_user):
    device, old = enrolled(admin_user)
    sign_in(client, "admin.test")
    client.post(reverse("accounts:login_verify"), {"token": code_for(device, 1)})
    page = client.post(reverse("accounts:two_factor_recovery_codes"))
    new = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())
    assert len(new) == twofactor.RECOVERY_CODE_COUNT
    assert not set(new) & set(old)
    assert set(
        StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True)
    ) == set(new)


def test_a_wrong_code_slows_down_the_next_try_on_that_device(client, admin_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device, _codes = enrolled(admin_user)
    sign_in(client, "admin.test")
    client.post(reverse("accounts:login_verify"), {"token": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Right away, even the right code is refused until the throttle delay has passed.
    client.post(reverse("accounts:login_verify"), {"token": code_for(device, 1)})
    assert "_auth_user_id" not in client.session
