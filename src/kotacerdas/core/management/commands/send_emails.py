"""kotacerdas send_emails (from cron, e.g. every 5 minutes)"""

from django.conf import settings
from django.core.management.base import BaseCommand

from kotacerdas.core import outbox


class Command(BaseCommand):
    help = (
        "Send every email of the outbox whose next attempt has come (those the mail server "
        "refused before), then delete sent emails older than EMAIL_KEEP_DAYS days. Safe to run "
        "at any time and from several hosts at once: each email is sent by one run only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="keep sent emails this many days (default: EMAIL_KEEP_DAYS, "
            f"now {settings.KOTACERDAS_EMAIL_KEEP_DAYS})",
        )

    def handle(self, *args, keep_days=None, **options):
        outcome = outbox.send_due()
        stopped = (
            " Stopped: the mail server failed; the rest wait for the next run (the error is on "
            "/surel/ and in the log)."
            if outcome.stopped
            else ""
        )
        self.stdout.write(f"Sent: {outcome.sent}, failed: {outcome.failed}.{stopped}")
        deleted = outbox.delete_old(keep_days)
        if deleted:
            self.stdout.write(f"Deleted {deleted} sent emails older than the retention period.")
        left = outbox.summary()
        if left.failed:
            self.stderr.write(
                f"{left.failed} emails failed for good: an admin may retry them at /surel/."
            )
