from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from ideas.importer import import_ideas
from library.formats.errors import ImportFormatError
from library.importer import read_file
from library.management.commands.fill_metadata import run_fill
from library.metadata.fill import needing
from library.models import Reference


class Command(BaseCommand):
    help = "Import the team's ideas file: areas, numbered ideas, and their links as library references."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--user", metavar="USERNAME", help="Who proposed them (left empty otherwise).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; save nothing.")
        parser.add_argument(
            "--fetch-metadata",
            action="store_true",
            help="Then fill the new references' missing titles, authors and dates from arXiv, Crossref "
            "or their pages (see fill_metadata).",
        )

    def handle(self, *args, file, user=None, dry_run=False, fetch_metadata=False, **options):
        newest = Reference.objects.aggregate(newest=Max("pk"))["newest"] or 0
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
        for note in notes + report.notes:
            self.stdout.write(note)
        for conflict in report.conflicts:
            self.stdout.write(self.style.WARNING(str(conflict)))
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if fetch_metadata and not dry_run:
            run_fill(self, needing().filter(pk__gt=newest), pause=settings.IDL_METADATA_PAUSE)
