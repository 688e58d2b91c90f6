"""kotacerdas letter --cycle 2022 --region 15.71 --out letter.pdf"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.core.errors import ServiceError
from kotacerdas.regions.models import Region
from kotacerdas.reports.services import documents, snapshots
from kotacerdas.results.models import RegionResult


class Command(BaseCommand):
    help = "Write a region's result letter (PDF) in the ministry's form."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="year of the cycle, e.g. 2022")
        parser.add_argument("--region", required=True, help="Kemendagri code, e.g. 15.71")
        parser.add_argument("--out", required=True, help="PDF file to write")

    def handle(self, *args, **options):
        try:
            snapshot = snapshots.for_command(options["cycle"])
        except ServiceError as refused:
            raise CommandError(str(refused)) from None
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Unknown region code {options['region']!r}.")
        try:
            content = documents.letter(snapshot, region)
        except RegionResult.DoesNotExist:
            raise CommandError(
                f"{region.name} ({region.code}) has no result in cycle {options['cycle']}."
            ) from None
        Path(options["out"]).write_bytes(content)
        self.stdout.write(f"{region.name}: letter written to {options['out']}")
