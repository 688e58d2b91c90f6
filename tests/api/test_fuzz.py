"""Fuzzing the API from its own OpenAPI schema (schemathesis, in-process through the WSGI app).

For every operation, a bounded number of generated requests as each role: no 5xx, and every
response conforms to the schema (status code documented, content type, body and headers).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kotacerdas.api import tokens

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZED_ROLES = ("anonymous", "admin", "assessor_assigned", "operator_own")
WORLD_WITH_APPEALS = True  # the world of tests/api/conftest.py with its appeals part

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose handler closes a
    connection that is inside a transaction, the test's own on PostgreSQL. Django's test client
    disconnects it for the same reason; so do we."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def module_headers(module_world):
    """A write token per role (tokens need no CSRF dance) in the module's world, made once."""
    headers = {"anonymous": {}}
    for role in FUZZED_ROLES[1:]:
        user = module_world.value.users[role]
        _token, secret = tokens.issue_token(user, name="fuzz", scope="write")
        headers[role] = {"Authorization": f"Bearer {secret}"}
    return headers


@pytest.fixture
def role_headers(module_headers, world, settings):
    """The tokens' headers (``world`` hands this test the module's rows and files), with limits
    high enough not to throttle."""
    settings.KOTACERDAS_API_ANON_RATE = "100000/minute"
    settings.KOTACERDAS_API_USER_RATE = "100000/minute"
    settings.ALLOWED_HOSTS = ["*"]
    return module_headers


@pytest.mark.django_db
@pytest.mark.parametrize("role", FUZZED_ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, role, role_headers):
    case.call_and_validate(headers=role_headers[role], checks=CHECKS)
