"""Shared fixtures: a small world of regions and one user per role."""

import copy
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.regions.models import Region, RegionKind

SHARED_DIR = settings.PROJECT_DIR.parent / "shared"
PASSWORD = "correct horse battery staple"


def suite_settings(media: Path) -> dict:
    """Fast hashing, files in ``media``, tasks run at once, Indonesian, no two-factor step."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "MEDIA_ROOT": media,
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media)},
            },
        },
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        "LANGUAGE_CODE": "id",
        # Tests sign in with force_login; tests/security/ turns two-factor enforcement back on.
        "KOTACERDAS_TWO_FACTOR_ENFORCED": False,
    }


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """The settings of :func:`suite_settings` with files in the test's own temporary folder, and
    an empty cache (what one test computed and cached never answers another)."""
    cache.clear()
    for name, value in suite_settings(tmp_path / "media").items():
        setattr(settings, name, value)


class ModuleData:
    """Rows built once for a whole test module, handed to each of its tests as if built for it.

    As Django's ``TestCase.setUpTestData``: the rows live in a transaction around the module,
    each test's own transaction is a savepoint inside it (so what a test changes is undone after
    it), and the module's transaction is rolled back at its end. Each test gets a deep copy of
    the Python objects and a copy of the files stored while building.
    """

    def __init__(self, media: Path):
        self.media = media
        self.value = None

    def keep(self, value) -> "ModuleData":
        self.value = value
        return self

    def for_test(self, test_settings) -> object:
        """A copy of the kept objects, and the stored files copied into the test's own folder
        (``test_settings`` is pytest-django's ``settings`` fixture, after ``_test_settings``)."""
        if self.media.exists():
            shutil.copytree(self.media, test_settings.MEDIA_ROOT, dirs_exist_ok=True)
        return copy.deepcopy(self.value)


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """A :class:`ModuleData` whose transaction is open while the module's tests run; build the
    module's rows in a module-scoped fixture that asks for this one (and ``keep`` them)."""
    media = tmp_path_factory.mktemp("module-media")
    with (
        django_db_blocker.unblock(),
        override_settings(**suite_settings(media)),
        transaction.atomic(),
    ):
        cache.clear()
        yield ModuleData(media)
        transaction.set_rollback(True)


def make_jambi() -> Region:
    """Province Jambi (15) and Kota Jambi (15.71), as in the official list."""
    province = Region.objects.create(code="15", name="Jambi", kind=RegionKind.PROVINSI)
    return Region.objects.create(
        code="15.71", name="Kota Jambi", kind=RegionKind.KOTA, parent=province
    )


def make_bandung() -> Region:
    province = Region.objects.create(code="32", name="Jawa Barat", kind=RegionKind.PROVINSI)
    return Region.objects.create(
        code="32.73", name="Kota Bandung", kind=RegionKind.KOTA, parent=province
    )


@pytest.fixture
def jambi(db):
    return make_jambi()


@pytest.fixture
def bandung(db):
    return make_bandung()


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
