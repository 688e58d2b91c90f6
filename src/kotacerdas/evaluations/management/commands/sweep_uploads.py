"""kotacerdas sweep_uploads (from cron, once a day)"""

from django.core.management.base import BaseCommand

from kotacerdas.evaluations.services import workbook_import


class Command(BaseCommand):
    help = (
        "Delete the offline self-assessment workbooks that were uploaded for a preview more than "
        "a day ago and never applied (evidence is never touched). Safe to run at any time and "
        "from several hosts at once."
    )

    def handle(self, *args, **options):
        deleted = workbook_import.sweep()
        self.stdout.write(f"Deleted {deleted} workbook uploads older than a day.")
