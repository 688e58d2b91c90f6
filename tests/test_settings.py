"""Production settings refuse to start unsafe, and pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest

GOOD_KEY = "k" * 20 + "-a-long-random-production-secret-key-0123456789"


def run_kotacerdas(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "KOTACERDAS_ENV"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kotacerdas.manage", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("key", ["", "django-insecure-" + "x" * 60, "short"])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    result = run_kotacerdas("check", KOTACERDAS_ENV="production", SECRET_KEY=key, ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "Production needs SECRET_KEY" in result.stderr


def test_production_refuses_missing_allowed_hosts():
    result = run_kotacerdas("check", KOTACERDAS_ENV="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "Production needs ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = run_kotacerdas(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        KOTACERDAS_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="kotacerdas.example.go.id",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_defaults(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


def test_indonesian_number_and_date_formats():
    import datetime

    from django.utils import formats, translation

    with translation.override("id"):
        assert formats.localize(3.31) == "3,31"
        assert formats.date_format(datetime.date(2022, 10, 3)) == "3 Oktober 2022"
        assert formats.number_format(1234567.5, 1, force_grouping=True) == "1.234.567,5"


def test_the_reminder_schedule_is_read_from_the_environment_most_distant_first():
    result = run_kotacerdas(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.REMINDER_DAYS_BEFORE)",
        REMINDER_DAYS_BEFORE="1,14,3,3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "(14, 3, 1)"


@pytest.mark.parametrize("schedule", ["7,-1", "seminggu", "400"])
def test_a_bad_reminder_schedule_refuses_to_start(schedule):
    result = run_kotacerdas("check", REMINDER_DAYS_BEFORE=schedule)
    assert result.returncode != 0
    assert "REMINDER_DAYS_BEFORE must list days between 0 and 366" in result.stderr
