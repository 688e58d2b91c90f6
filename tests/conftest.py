"""Shared fixtures: a small world of regions and one user per role."""

import pytest
from django.conf import settings
from django.core.cache import cache

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.regions.models import Region, RegionKind

SHARED_DIR = settings.PROJECT_DIR.parent / "shared"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, files in a temporary folder, tasks run at once, no lockout carry-over, an
    empty cache (what one test computed and cached never answers another)."""
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LANGUAGE_CODE = "id"
    # Tests sign in with force_login; tests/security/ turns two-factor enforcement back on.
    settings.KOTACERDAS_TWO_FACTOR_ENFORCED = False


@pytest.fixture
def jambi(db):
    """Province Jambi (15) and Kota Jambi (15.71), as in the official list."""
    province = Region.objects.create(code="15", name="Jambi", kind=RegionKind.PROVINSI)
    return Region.objects.create(
        code="15.71", name="Kota Jambi", kind=RegionKind.KOTA, parent=province
    )


@pytest.fixture
def bandung(db):
    province = Region.objects.create(code="32", name="Jawa Barat", kind=RegionKind.PROVINSI)
    return Region.objects.create(
        code="32.73", name="Kota Bandung", kind=RegionKind.KOTA, parent=province
    )


def make_user(username: str, role: str, region: Region | None = None, **extra) -> User:
    user = User(username=username, role=role, region=region, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def admin_user(db):
    return make_user("admin.test", Role.ADMIN)


@pytest.fixture
def assessor(db):
    return make_user("asesor.test", Role.ASSESSOR)


@pytest.fixture
def operator(jambi):
    return make_user("operator.test", Role.OPERATOR, region=jambi)
