"""``kotacerdas backup PATH``: one archive of the database and every stored file, with checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.api.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Write a backup archive (database, stored files, SHA-256 manifest) to PATH."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="the archive to write, e.g. backup-2026-11-27.zip"
        )

    def handle(self, *args, path: Path, **options):
        try:
            report = make_backup(path, log=lambda line: self.stdout.write(line))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for name in report.missing:
            self.stderr.write(f"warning: the database refers to {name!r}, which the storage lacks")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {report.path}: {report.objects} objects, {report.files} files "
                f"({report.bytes} bytes)."
            )
        )
