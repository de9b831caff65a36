from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ideas.importer import import_ideas
from library.formats.errors import ImportFormatError
from library.importer import read_file


class Command(BaseCommand):
    help = "Import the team's ideas file: areas, numbered ideas, and their links as library references."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--user", metavar="USERNAME", help="Who proposed them (left empty otherwise).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; save nothing.")

    def handle(self, *args, file, user=None, dry_run=False, **options):
        proposer = None
        if user:
            proposer = get_user_model().objects.filter(username=user).first()
            if proposer is None:
                raise CommandError(f"--user: there is no user “{user}”. Nothing was imported.")
        try:
            try:
                data = Path(file).read_bytes()
            except OSError as error:
                raise ImportFormatError(file, 0, f"cannot read the file ({error.strerror})") from None
            text, notes = read_file(data, file)
            report = import_ideas(text, file, proposer=proposer, dry_run=dry_run)
        except ImportFormatError as error:
            raise CommandError(f"{error}\nNothing was imported.") from None
        for note in notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(report.summary()))
