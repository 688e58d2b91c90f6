"""kotacerdas compute --cycle 2022 [--samples 1000] [--seed 2022]"""

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Cycle
from kotacerdas.results.services import compute


class Command(BaseCommand):
    help = (
        "Compute a final cycle's results with the index engine and store them as a new "
        "snapshot version (what the admin's «Hitung hasil» button does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="year of the cycle, e.g. 2022")
        parser.add_argument(
            "--samples",
            type=int,
            default=compute.DEFAULT_SAMPLES,
            help=f"Monte Carlo samples (default {compute.DEFAULT_SAMPLES})",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="random seed (default: the year)"
        )

    def handle(self, *args, **options):
        cycle = Cycle.objects.filter(year=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"No cycle for the year {options['cycle']}.")
        try:
            snapshot = compute.compute_results(
                cycle, samples=options["samples"], seed=options["seed"]
            )
        except ServiceError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Cycle {cycle.year}: results version {snapshot.version} for "
            f"{snapshot.regions.count()} regions (fingerprint {snapshot.fingerprint[:12]}…)."
        )
