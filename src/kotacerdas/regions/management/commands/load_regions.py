from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.regions.lineage import CHANGES_CSV, ChangesFileError
from kotacerdas.regions.services import (
    POPULATION_YEAR,
    REGIONS_CSV,
    RegionFileError,
    load_regions,
)


class Command(BaseCommand):
    help = "Load the official region list (Kemendagri codes). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=REGIONS_CSV, help="region CSV")
        parser.add_argument(
            "--changes",
            type=Path,
            default=CHANGES_CSV,
            help="administrative changes CSV (old codes, splits); applied with the register",
        )
        parser.add_argument(
            "--population",
            type=Path,
            default=None,
            help="population and area CSV (code,population,area_km2); default the packaged "
            "file with the packaged register, none with another register",
        )
        parser.add_argument(
            "--population-year",
            type=int,
            default=POPULATION_YEAR,
            help="the year of the population figures",
        )

    def handle(self, *args, **options):
        centroids = (
            None if options["file"] != REGIONS_CSV else REGIONS_CSV.with_name("centroids.csv")
        )
        try:
            report = load_regions(
                options["file"],
                centroids=centroids,
                changes=options["changes"],
                population=options["population"],
                population_year=options["population_year"],
            )
        except (RegionFileError, ChangesFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Regions: {report.total} ({report.created} new, {report.updated} updated, "
            f"{report.unchanged} unchanged)"
        )
        changes = report.changes
        self.stdout.write(
            f"Changes: {changes.recorded} recorded, {changes.unchanged} unchanged, "
            f"{changes.recoded} codes updated in place"
        )
        for skipped in changes.skipped:
            self.stderr.write(f"Change skipped, {skipped}")
