from django.core.management import call_command
from django.core.management.base import BaseCommand

from kotacerdas.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from kotacerdas.core import demo


class Command(BaseCommand):
    help = (
        "Load the real region list and, once, the synthetic demo data (clearly labelled). "
        "Safe to run again: a later run keeps the demo data and what users changed in it; "
        "--reset loads it again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Load the demo data again, bringing every demo row back to its generated value.",
        )

    def handle(self, *args, **options):
        call_command("load_regions", stdout=self.stdout)
        kept = demo.load(self.stdout.write, reset=options["reset"])
        self.stdout.write("")
        if kept is not None:
            when = f"{kept.loaded_at:%Y-%m-%d %H:%M} UTC"
            self.stdout.write(
                self.style.WARNING(
                    f"Data demo sudah dimuat ({when}, versi {kept.version}) dan dipertahankan, "
                    "termasuk perubahan pengguna; `kotacerdas demo --reset` memuat ulang.\n"
                    f"Demo data already loaded ({when}, version {kept.version}) and kept, "
                    "with users' changes; `kotacerdas demo --reset` reloads it."
                )
            )
            if kept.version != demo.DEMO_VERSION:
                self.stdout.write(
                    self.style.WARNING(
                        f"Versi demo kini {demo.DEMO_VERSION}: --reset memuat versi baru. / "
                        f"The demo is now version {demo.DEMO_VERSION}: --reset loads it."
                    )
                )
        self.stdout.write(self.style.SUCCESS("Demo siap / demo ready: http://127.0.0.1:8000/"))
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'):")
        width = max(len(username) for username, *_rest in DEMO_USERS)
        for username, role, region_code, _name, _institution in DEMO_USERS:
            where = f", region {region_code}" if region_code else ""
            self.stdout.write(f"  {username:<{width}}  {role.label}{where}")
