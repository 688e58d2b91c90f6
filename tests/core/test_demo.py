"""`kotacerdas demo` loads the demo data once: a later run keeps it (and what users changed in
it), ``--reset`` loads it again, and a load that fails half way records nothing."""

from io import StringIO

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import transaction

from kotacerdas.accounts.models import User
from kotacerdas.core import demo
from kotacerdas.core.models import DemoLoad
from kotacerdas.evaluations.models import Answer

EDIT = "[Data sintetis] Diubah operator di demo."


@pytest.fixture
def small_demo(monkeypatch):
    """The accounts and the evaluation steps only (the whole demo takes minutes)."""
    monkeypatch.setattr(
        demo, "DEMO_STEPS", ["kotacerdas.accounts.demo.load", "kotacerdas.evaluations.demo.load"]
    )


def run(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def jambi_answer() -> Answer:
    return Answer.objects.get(
        submission__cycle__year=2022,
        submission__region__code="15.71",
        indicator__code="GOV.POL.01",
    )


def test_a_second_run_keeps_an_edit_and_reset_restores_it(db, small_demo):
    first = run()
    assert "kotacerdas.evaluations.demo.load" in first
    record = DemoLoad.objects.get()
    assert record.version == demo.DEMO_VERSION
    generated = jambi_answer().justification
    assert generated.startswith("[Data sintetis]") and generated != EDIT
    Answer.objects.filter(pk=jambi_answer().pk).update(justification=EDIT)
    # An operator also changed the demo admin's password; the accounts are ensured every run.
    admin = User.objects.get(username="admin")
    admin.set_password("ganti-sendiri")
    admin.save()

    second = run()
    assert jambi_answer().justification == EDIT
    assert "kotacerdas.evaluations.demo.load" not in second
    assert "dipertahankan" in second and "already loaded" in second and "--reset" in second
    assert DemoLoad.objects.get().pk == record.pk
    assert User.objects.get(username="admin").check_password("demo")

    third = run("--reset")
    assert jambi_answer().justification == generated
    assert "kotacerdas.evaluations.demo.load" in third and "dipertahankan" not in third
    assert DemoLoad.objects.get().version == demo.DEMO_VERSION


def test_an_older_demo_version_is_kept_with_a_hint(db, small_demo, monkeypatch):
    run()
    monkeypatch.setattr(demo, "DEMO_VERSION", demo.DEMO_VERSION + 1)
    output = run()
    assert f"version {demo.DEMO_VERSION}: --reset" in output
    assert DemoLoad.objects.get().version == demo.DEMO_VERSION - 1


def failing_step():
    raise RuntimeError("disk penuh")


def test_an_interrupted_first_load_records_nothing_and_the_next_run_loads(db, monkeypatch):
    monkeypatch.setattr(
        demo,
        "DEMO_STEPS",
        ["kotacerdas.accounts.demo.load", "tests.core.test_demo.failing_step"],
    )
    with pytest.raises(RuntimeError, match="disk penuh"):
        run()
    assert not DemoLoad.objects.exists()
    monkeypatch.setattr(demo, "DEMO_STEPS", ["kotacerdas.accounts.demo.load"])
    output = run()
    assert "kotacerdas.accounts.demo.load" in output and "dipertahankan" not in output
    assert DemoLoad.objects.get().version == demo.DEMO_VERSION


def mailing_step() -> list[str]:
    """A demo step whose email leaves when the load commits (as the outbox's do)."""
    transaction.on_commit(
        lambda: send_mail("Masa sanggah dibuka", "Isi", None, ["operator.jambi@demo.local"])
    )
    return []


def test_the_loads_emails_are_kept_in_memory_not_printed(
    transactional_db, monkeypatch, settings, capsys
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    monkeypatch.setattr(
        demo,
        "DEMO_STEPS",
        ["kotacerdas.accounts.demo.load", "tests.core.test_demo.mailing_step"],
    )
    run()
    assert "Masa sanggah dibuka" not in capsys.readouterr().out
    assert [message.subject for message in mail.outbox] == ["Masa sanggah dibuka"]
