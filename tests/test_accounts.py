import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from kotacerdas.accounts.models import User
from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator, is_operator_of
from kotacerdas.accounts.roles import Role

from .conftest import PASSWORD


def test_operator_must_have_a_region(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="op", role=Role.OPERATOR)
    user = User(username="op", role=Role.OPERATOR)
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "region" in error.value.message_dict


def test_only_an_operator_is_bound_to_a_region(jambi):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="as", role=Role.ASSESSOR, region=jambi)


def test_operator_is_bound_to_exactly_one_region(operator, jambi, bandung):
    assert operator.region == jambi
    assert is_operator_of(operator, jambi)
    assert not is_operator_of(operator, bandung)
    assert list(jambi.operators.all()) == [operator]


def test_role_predicates(admin_user, assessor, operator, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="x")
    assert [is_admin(u) for u in (admin_user, assessor, operator, superuser)] == [
        True,
        False,
        False,
        True,
    ]
    assert is_assessor(assessor) and not is_assessor(admin_user)
    assert is_operator(operator) and not is_operator(assessor)


def test_admins_and_only_admins_are_staff(admin_user, assessor, operator):
    assert admin_user.is_staff
    assert not assessor.is_staff
    assert not operator.is_staff


def test_login_page_speaks_indonesian(client, db):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Nama pengguna" in body
    assert "Kata sandi" in body
    assert 'lang="id"' in body


def test_operator_logs_in_and_sees_its_region(client, operator):
    response = client.post(
        reverse("accounts:login"), {"username": "operator.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Kota Jambi" in profile
    assert "Operator Pemda" in profile


def test_a_new_session_on_login(client, operator):
    session = client.session
    session["marker"] = "kept"
    session.save()
    before = session.session_key
    client.post(reverse("accounts:login"), {"username": "operator.test", "password": PASSWORD})
    assert client.session.session_key != before
    assert client.session["marker"] == "kept"


def test_wrong_password_shows_a_clear_error(client, operator):
    response = client.post(
        reverse("accounts:login"), {"username": "operator.test", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_lockout_after_repeated_failures(client, operator, settings):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "operator.test", "password": "wrong"})
    locked = client.post(url, {"username": "operator.test", "password": PASSWORD})
    assert locked.status_code == 429
    assert "dikunci sementara" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, operator, settings):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "operator.test", "password": "wrong"})
    response = client.post(url, {"username": "operator.test", "password": PASSWORD})
    assert response.status_code == 302


def test_password_change(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new secret 42",
            "new_password2": "a much longer new secret 42",
        },
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password("a much longer new secret 42")


def test_no_accounts_after_migrate_alone(db):
    assert not User.objects.exists()


def test_demo_command_makes_the_demo_accounts(db):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = {u.username: u for u in User.objects.all()}
    assert {"admin", "asesor1", "asesor2", "operator.jambi"} <= set(users)
    assert users["operator.jambi"].region.code == "15.71"
    assert users["admin"].role == Role.ADMIN
    assert all(users[name].check_password("demo") for name in ("admin", "asesor1"))
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.filter(username="operator.jambi").count() == 1


def test_django_admin_is_for_ministry_admins_only(client, admin_user, operator):
    client.force_login(operator)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/regions/region/").status_code == 200


def test_user_changes_are_in_the_history(admin_user):
    admin_user.institution = "Komdigi"
    admin_user.save()
    assert admin_user.history.count() == 2
    assert admin_user.history.first().institution == "Komdigi"


def test_the_language_switch_saves_a_signed_in_users_choice(client, operator):
    assert operator.language == "id"
    client.force_login(operator)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    operator.refresh_from_db()
    assert operator.language == "en"
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    operator.refresh_from_db()
    assert operator.language == "id"


def test_the_language_switch_ignores_an_unknown_language(client, operator):
    client.force_login(operator)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    operator.refresh_from_db()
    assert operator.language == "id"


def test_the_language_switch_still_works_signed_out(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_the_profile_saves_the_language(client, operator):
    client.force_login(operator)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="language"' in page
    response = client.post(reverse("accounts:profile"), {"language": "en"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert response.cookies["django_language"].value == "en"
    operator.refresh_from_db()
    assert operator.language == "en"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Language saved." in page


def test_the_profile_refuses_an_unknown_language(client, operator):
    client.force_login(operator)
    response = client.post(reverse("accounts:profile"), {"language": "fr"})
    assert response.status_code == 200
    operator.refresh_from_db()
    assert operator.language == "id"


def test_the_django_admin_edits_the_language(client, admin_user, operator):
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[operator.pk])).content.decode()
    assert 'name="language"' in page
