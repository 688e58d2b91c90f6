"""``kotacerdas restore PATH``: verify every checksum, then restore into an empty installation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.api.backup import BackupError, restore_backup, verify_archive


class Command(BaseCommand):
    help = (
        "Restore a backup archive into a new, migrated, empty database and an empty storage. "
        "Every checksum is verified before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="an archive made by `kotacerdas backup`")
        parser.add_argument(
            "--verify-only", action="store_true", help="only check the archive; write nothing"
        )

    def handle(self, *args, path: Path, verify_only: bool, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            if verify_only:
                manifest = verify_archive(path)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path}: {len(manifest['members'])} members, every checksum matches."
                    )
                )
                return
            report = restore_backup(path, log=lambda line: self.stdout.write(line))
        except BackupError as error:
            raise CommandError(f"Restore refused: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored {report.objects} objects and {report.files} files.")
        )
