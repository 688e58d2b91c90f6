from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.regions.services import REGIONS_CSV, RegionFileError, load_regions


class Command(BaseCommand):
    help = "Load the official region list (Kemendagri codes). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=REGIONS_CSV, help="region CSV")

    def handle(self, *args, **options):
        centroids = (
            None if options["file"] != REGIONS_CSV else REGIONS_CSV.with_name("centroids.csv")
        )
        try:
            report = load_regions(options["file"], centroids=centroids)
        except (RegionFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Regions: {report.total} ({report.created} new, {report.updated} updated, "
            f"{report.unchanged} unchanged)"
        )
