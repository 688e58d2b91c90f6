"""Personal API tokens: made on the user's page, shown once, stored hashed, revocable, expiring,
read or write scope."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.api import tokens
from kotacerdas.api.models import ApiToken
from kotacerdas.core.errors import ServiceError


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_token_page_shows_a_new_secret_once_and_stores_only_its_hash(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("api_tokens:list"), {"name": "Portal Satu Data", "scope": "read"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    secret = re.search(r'data-testid="new-token">(kc_[\w-]+)<', body).group(1)
    token = ApiToken.objects.get(user=operator)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.key_hash, token.name}
    assert secret.startswith(token.prefix)
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert secret not in again
    assert "Portal Satu Data" in again and token.prefix in again


def test_a_token_authenticates_and_records_its_last_use(api, operator):
    token, secret = tokens.issue_token(operator, name="sync")
    assert token.last_used_at is None
    response = api.get(reverse("api:me"), **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "username": "operator.test",
        "name": "operator.test",
        "role": "operator",
        "region": "15.71",
        "authenticated_by": "token",
        "token_scope": "read",
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer kc_wrong", "Bearer nonsense", "Token kc_"])
def test_an_unknown_token_is_a_401_problem(api, operator, header):
    response = api.get(reverse("api:me"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:kotacerdas:problem:not-authenticated"


def test_a_revoked_token_stops_working_at_once(client, api, operator):
    token, secret = tokens.issue_token(operator, name="sync")
    client.force_login(operator)
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get(reverse("api:me"), **bearer(secret)).status_code == 401
    assert "dicabut" in client.get(reverse("api_tokens:list")).content.decode()


def test_nobody_revokes_another_users_token(client, operator, assessor):
    token, _secret = tokens.issue_token(operator, name="sync")
    client.force_login(assessor)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_authenticates_nobody(api, operator):
    token, secret = tokens.issue_token(
        operator, name="short", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get(reverse("api:me"), **bearer(secret)).status_code == 401


def test_a_token_of_a_deactivated_account_authenticates_nobody(api, operator):
    _token, secret = tokens.issue_token(operator, name="sync")
    operator.is_active = False
    operator.save()
    assert api.get(reverse("api:me"), **bearer(secret)).status_code == 401


def test_a_read_token_may_not_write(api, operator):
    _token, secret = tokens.issue_token(operator, name="read only", scope="read")
    response = api.post(reverse("api:me"), {}, format="json", **bearer(secret))
    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "urn:kotacerdas:problem:token-scope"
    assert "hanya boleh membaca" in problem["detail"]


def test_a_write_token_passes_the_scope_check(api, operator):
    _token, secret = tokens.issue_token(operator, name="writer", scope="write")
    # /me/ has no POST: the scope check passes and the method is then refused as such.
    response = api.post(reverse("api:me"), {}, format="json", **bearer(secret))
    assert response.status_code == 405


def test_issuing_refuses_bad_input(operator):
    with pytest.raises(ServiceError, match="nama"):
        tokens.issue_token(operator, name="  ")
    with pytest.raises(ServiceError, match="Cakupan"):
        tokens.issue_token(operator, name="x", scope="admin")
    with pytest.raises(ServiceError, match="masa depan"):
        tokens.issue_token(operator, name="x", expires_at=timezone.now() - timedelta(days=1))
    assert not ApiToken.objects.exists()


def test_the_form_sets_an_expiry_at_the_end_of_the_chosen_day(client, operator):
    client.force_login(operator)
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.post(reverse("api_tokens:list"), {"name": "x", "scope": "write", "expires_on": day})
    token = ApiToken.objects.get(user=operator)
    assert token.scope == "write"
    assert timezone.localtime(token.expires_at).date().isoformat() == day


def test_tokens_are_not_accepted_as_session_for_web_pages(client, operator):
    _token, secret = tokens.issue_token(operator, name="sync")
    response = client.get(reverse("accounts:profile"), **bearer(secret))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
