from django.core.management.base import BaseCommand, CommandError

from wiki.backup import BackupError, check, pending_migrations, restore


class Command(BaseCommand):
    help = (
        "Replace every record of the database with a backup made by `manage.py backup`. The file is "
        "checked first; the database as it was is backed up before anything is replaced. Stop the site "
        "first: it refuses while anything else is connected to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--no-safety-backup",
            action="store_false",
            dest="safety_backup",
            help="Do not back up the current database first.",
        )

    def handle(self, *args, file, interactive=True, safety_backup=True, **options):
        try:
            checked = check(file)
            if interactive and not self._confirmed(checked):
                raise CommandError("Restore cancelled; nothing changed.")
            before = restore(checked, safety_backup=safety_backup)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if before:
            self.stdout.write(f"The database as it was is in {before}.")
        self.stdout.write(self.style.SUCCESS(f"Restored {checked.database} from {checked.path}."))
        if plan := pending_migrations():
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {len(plan)} migration(s) of this code: run `manage.py migrate`."
                )
            )

    def _confirmed(self, checked):
        answer = input(
            f"This replaces every record in {checked.database} with {checked.path}.\n"
            "Type 'yes' to continue, anything else to stop: "
        )
        return answer.strip().lower() == "yes"
