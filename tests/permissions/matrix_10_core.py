"""Public pages, regions and accounts; the admins' outbox page (one failed email to read and
retry)."""

from kotacerdas.core.choices import EmailState
from kotacerdas.core.models import OutgoingEmail

from .framework import ADMIN_ONLY, EVERYONE, SIGNED_IN, Case


def build(world):
    world.objects["failed_email"] = OutgoingEmail.objects.create(
        kind="evaluations/submission_returned",
        from_email="noreply@kotacerdas.local",
        recipients=["diskominfo@jambikota.go.id"],
        subject="Penilaian mandiri dikembalikan",
        body="Yth. Operator,\n",
        state=EmailState.FAILED,
        attempts=8,
        last_error="ConnectionRefusedError: smtp down",
    )


CASES = [
    Case("core:home", EVERYONE),
    Case("regions:list", EVERYONE),
    Case("regions:list", EVERYONE, htmx=True, query=lambda w: {"q": "Jambi"}, note="htmx search"),
    Case("regions:detail", EVERYONE, kwargs=lambda w: {"code": w.own_region.code}),
    Case("accounts:login", EVERYONE, note="signed-in users are sent on"),
    Case("accounts:logout", EVERYONE, method="post"),
    Case("accounts:password_change", SIGNED_IN),
    Case("accounts:password_change_done", SIGNED_IN),
    Case("accounts:profile", SIGNED_IN),
    Case("core:outbox", ADMIN_ONLY),
    Case("core:outbox_detail", ADMIN_ONLY, kwargs=lambda w: {"pk": w.failed_email.pk}),
    Case(
        "core:outbox_retry", ADMIN_ONLY, method="post", kwargs=lambda w: {"pk": w.failed_email.pk}
    ),
    Case("core:outbox_retry_failed", ADMIN_ONLY, method="post"),
]
