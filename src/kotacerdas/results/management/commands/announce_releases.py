"""kotacerdas announce_releases (from cron, e.g. every 5 minutes)"""

from django.core.management.base import BaseCommand

from kotacerdas.results.services import announcements


class Command(BaseCommand):
    help = (
        "Email the regions about every results version whose release time has come and that "
        "was not announced yet ('results published' or 'results corrected'). Safe to run at "
        "any time and from several hosts at once: each version is announced once."
    )

    def handle(self, *args, **options):
        announced = announcements.announce_due_releases()
        for snapshot in announced:
            self.stdout.write(f"Cycle {snapshot.cycle.year}: version {snapshot.version} announced.")
        if not announced:
            self.stdout.write("Nothing to announce.")
