"""kotacerdas send_reminders (from cron, daily, e.g. at 08:00 WIB)"""

from django.conf import settings
from django.core.management.base import BaseCommand

from kotacerdas.evaluations.services import reminders


class Command(BaseCommand):
    help = (
        "Remind the operators of every region that has not sent its self-assessment in an open "
        "cycle, on the days before its deadline listed in REMINDER_DAYS_BEFORE (now "
        f"{','.join(map(str, settings.REMINDER_DAYS_BEFORE))}). Each step is sent once per "
        "region: safe to run at any time and from several hosts at once."
    )

    def handle(self, *args, **options):
        report = reminders.send_due()
        for reminder in report.sent:
            submission = reminder.submission
            self.stdout.write(
                f"Cycle {submission.cycle.year}: {submission.region.name} ({submission.region.code})"
                f" reminded, {reminder.kind} days before the deadline, "
                f"{reminder.recipients} recipient(s)."
            )
        for skipped in report.skipped:
            self.stderr.write(f"Cycle {skipped.submission.cycle.year}: {skipped.error.message}")
        if not report.sent and not report.skipped:
            self.stdout.write("Nothing to remind.")
