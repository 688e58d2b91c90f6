"""kotacerdas report --cycle 2022 --region 15.71 --out jambi.pdf | --all --out reports.zip"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.core.errors import ServiceError
from kotacerdas.regions.models import Region
from kotacerdas.reports.services import batch, documents, snapshots
from kotacerdas.results.models import RegionResult


class Command(BaseCommand):
    help = (
        "Write a region's report card (PDF), or with --all every report card, letter and the "
        "national summary of a cycle as one zip. Uses the published results, or the latest "
        "computed ones marked as a draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="year of the cycle, e.g. 2022")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--region", help="Kemendagri code of the region, e.g. 15.71")
        which.add_argument("--all", action="store_true", help="every report of the cycle, as a zip")
        parser.add_argument("--out", required=True, help="file to write (.pdf, or .zip with --all)")
        parser.add_argument(
            "--without-notes", action="store_true", help="leave out the assessors' notes"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes rendering the reports with --all (default: REPORT_WORKERS setting)",
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        try:
            snapshot = snapshots.for_command(options["cycle"])
        except ServiceError as refused:
            raise CommandError(str(refused)) from None
        if options["all"]:
            count = batch.build_zip(snapshot, out, workers=options["workers"])
            self.stdout.write(f"{count} documents written to {out}")
            return
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Unknown region code {options['region']!r}.")
        try:
            content = documents.report_card(
                snapshot, region, include_notes=not options["without_notes"]
            )
        except RegionResult.DoesNotExist:
            raise CommandError(
                f"{region.name} ({region.code}) has no result in cycle {options['cycle']}."
            ) from None
        out.write_bytes(content)
        self.stdout.write(f"{region.name}: {len(content)} bytes written to {out}")
