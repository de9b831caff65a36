from django.core.management.base import BaseCommand, CommandError

from wiki.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database into backups/ (IDL_BACKUP_DIR overrides): SQLite's online backup "
        "or pg_dump's custom format. Safe while the site runs."
    )

    def handle(self, *args, **options):
        try:
            path = backup()
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({path.stat().st_size / 1e6:.1f} MB)."))
