"""The admins' outbox page: failed and waiting emails with their error, the text of each, and
"retry now"; the admin's home panel points to it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core import outbox
from kotacerdas.core.choices import EmailState
from kotacerdas.core.models import OutgoingEmail
from tests.factories import make_cycle

pytestmark = pytest.mark.django_db


def email(subject: str, state: str = EmailState.PENDING, **fields) -> OutgoingEmail:
    defaults = {
        "kind": "evaluations/submission_returned",
        "from_email": "noreply@kotacerdas.local",
        "recipients": ["diskominfo@jambikota.go.id"],
        "body": f"Yth. Operator,\n\n{subject}: <b>mohon diperbaiki</b>.\n",
        "attempts": 1,
        "next_attempt_at": timezone.now() + timedelta(minutes=5),
    }
    return OutgoingEmail.objects.create(subject=subject, state=state, **{**defaults, **fields})


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def rows():
    return {
        "failed": email(
            "Penilaian mandiri dikembalikan",
            EmailState.FAILED,
            attempts=8,
            next_attempt_at=None,
            last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
        ),
        "pending": email(
            "Hasil evaluasi dipublikasikan",
            recipients=["kominfo@bandung.go.id"],
            last_error="ConnectionRefusedError: smtp down",
        ),
        "sent": email(
            "Sesi evaluasi dijadwalkan",
            EmailState.SENT,
            sent_at=timezone.now(),
            next_attempt_at=None,
        ),
    }


def section(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</table>")[0]


def test_the_page_lists_failed_and_pending_emails_with_their_error(admin_client, rows):
    page = admin_client.get(reverse("core:outbox")).content.decode()
    failed = section(page, "failed-emails")
    assert "Penilaian mandiri dikembalikan" in failed
    assert "SMTPRecipientsRefused: 550 mailbox unavailable" in failed
    assert "diskominfo@jambikota.go.id" in failed and "8 dari 8" in failed
    assert reverse("core:outbox_retry", args=[rows["failed"].pk]) in failed
    pending = section(page, "pending-emails")
    assert "Hasil evaluasi dipublikasikan" in pending
    assert "ConnectionRefusedError: smtp down" in pending and "kominfo@bandung.go.id" in pending
    assert "Sesi evaluasi dijadwalkan" not in page  # sent: not the admin's worry
    assert "Gagal terkirim (1)" in page and "Menunggu dikirim (1)" in page


def test_an_empty_outbox_says_so(admin_client):
    page = admin_client.get(reverse("core:outbox")).content.decode()
    assert 'data-testid="no-failed-emails"' in page and 'data-testid="no-pending-emails"' in page


def test_the_detail_shows_the_text_as_text(admin_client, rows):
    url = reverse("core:outbox_detail", args=[rows["failed"].pk])
    page = admin_client.get(url).content.decode()
    body = page.split('data-testid="email-body">')[1].split("</pre>")[0]
    assert "Penilaian mandiri dikembalikan: &lt;b&gt;mohon diperbaiki&lt;/b&gt;." in body
    assert "SMTPRecipientsRefused: 550 mailbox unavailable" in page
    assert reverse("core:outbox_retry", args=[rows["failed"].pk]) in page
    sent = admin_client.get(reverse("core:outbox_detail", args=[rows["sent"].pk])).content.decode()
    assert "Sesi evaluasi dijadwalkan" in sent
    assert reverse("core:outbox_retry", args=[rows["sent"].pk]) not in sent


def test_retry_now_sends_a_failed_email_and_says_so(admin_client, rows, mailoutbox):
    response = admin_client.post(
        reverse("core:outbox_retry", args=[rows["failed"].pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("core:outbox")
    page = response.content.decode()
    assert "Surel terkirim." in page
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["diskominfo@jambikota.go.id"], "Penilaian mandiri dikembalikan")
    ]
    rows["failed"].refresh_from_db()
    assert rows["failed"].state == EmailState.SENT
    assert 'data-testid="no-failed-emails"' in page


def test_retry_now_shows_the_new_error_when_the_server_still_refuses(
    admin_client, rows, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.BrokenBackend"
    response = admin_client.post(
        reverse("core:outbox_retry", args=[rows["pending"].pk]), follow=True
    )
    assert (
        "Surel gagal dikirim lagi: ConnectionRefusedError: smtp down" in response.content.decode()
    )
    rows["pending"].refresh_from_db()
    assert rows["pending"].attempts == 2 and rows["pending"].state == EmailState.PENDING
    assert mailoutbox == []


def test_retrying_a_sent_email_is_refused_and_sends_nothing(admin_client, rows, mailoutbox):
    response = admin_client.post(reverse("core:outbox_retry", args=[rows["sent"].pk]), follow=True)
    assert "Surel ini sudah terkirim." in response.content.decode()
    assert mailoutbox == []


def test_retry_all_failed_sends_them_in_the_background(
    admin_client, rows, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("core:outbox_retry_failed"), follow=True)
    assert "1 surel dijadwalkan untuk dikirim lagi." in response.content.decode()
    # The tests' task backend runs the task at once; the pending row's time has not come.
    assert [m.subject for m in mailoutbox] == ["Penilaian mandiri dikembalikan"]
    assert outbox.summary() == outbox.Summary(failed=0, pending=1)


def test_the_retry_buttons_only_answer_post(admin_client, rows):
    assert (
        admin_client.get(reverse("core:outbox_retry", args=[rows["failed"].pk])).status_code == 405
    )
    assert admin_client.get(reverse("core:outbox_retry_failed")).status_code == 405


def test_the_admins_home_panel_counts_failed_and_waiting_emails(admin_client, rows):
    page = admin_client.get(reverse("core:home")).content.decode()
    warning = page.split('data-testid="outbox-failed"')[1].split("</p>")[0]
    assert "1 surel gagal terkirim" in warning and reverse("core:outbox") in warning
    link = page.split('data-testid="outbox-link"')[1].split("</p>")[0]
    assert "1 menunggu dikirim" in link


def test_only_admins_see_the_outbox_on_the_home_page(client, operator, rows):
    client.force_login(operator)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="outbox-panel"' not in page and reverse("core:outbox") not in page


def test_the_home_panel_shows_no_warning_when_nothing_failed(admin_client):
    make_cycle(2022)  # with the cycles' panel too
    page = admin_client.get(reverse("core:home")).content.decode()
    assert 'data-testid="outbox-failed"' not in page
    assert 'data-testid="outbox-link"' in page


def test_the_outbox_page_in_english(admin_client, rows):
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = admin_client.get(reverse("core:outbox")).content.decode()
    assert "Outgoing email" in page and "Failed (1)" in page and "Waiting to be sent (1)" in page
    assert "8 of 8" in page and "Send now" in page


def test_the_django_admin_shows_emails_read_only_with_a_link_to_the_page(admin_client, rows):
    failed = rows["failed"]
    assert admin_client.get(reverse("admin:core_outgoingemail_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_outgoingemail_add")).status_code == 403
    change = reverse("admin:core_outgoingemail_change", args=[failed.pk])
    page = admin_client.get(change).content.decode()
    assert "SMTPRecipientsRefused: 550 mailbox unavailable" in page
    assert reverse("core:outbox_detail", args=[failed.pk]) in page
    assert 'name="state"' not in page
    assert admin_client.post(change, {"state": EmailState.SENT}).status_code == 403
    delete = reverse("admin:core_outgoingemail_delete", args=[failed.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert OutgoingEmail.objects.filter(pk=failed.pk, state=EmailState.FAILED).exists()


def test_other_roles_do_not_reach_the_outbox_in_the_django_admin(client, operator, rows):
    client.force_login(operator)
    assert client.get(reverse("admin:core_outgoingemail_changelist")).status_code == 302
