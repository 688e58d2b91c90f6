from django.core.management import call_command
from django.core.management.base import BaseCommand

from kotacerdas.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from kotacerdas.core.demo import run_steps


class Command(BaseCommand):
    help = (
        "Load the real region list and the synthetic demo data (clearly labelled). "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        call_command("load_regions", stdout=self.stdout)
        run_steps(self.stdout.write)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo siap / demo ready: http://127.0.0.1:8000/"))
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'):")
        for username, role, region_code, _name, _institution in DEMO_USERS:
            where = f", region {region_code}" if region_code else ""
            self.stdout.write(f"  {username:<16} {role.label}{where}")
