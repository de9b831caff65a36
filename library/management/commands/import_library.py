from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from library.formats.errors import ImportFormatError
from library.importer import FORMATS, LibraryImporter, Source
from library.management.commands.fill_metadata import run_fill
from library.management.progress import end_progress, progress_bar
from library.metadata.fill import needing
from library.models import Reference


class Command(BaseCommand):
    help = (
        "Import the team's papers README or reading log (format detected, broken encodings repaired). "
        "All files go in one transaction: a bad line anywhere changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--format", choices=FORMATS, help="Skip detection: every FILE is in this format.")
        parser.add_argument("--reader", metavar="USERNAME", help="Whose reading log it is (needed for logs).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; save nothing.")
        parser.add_argument(
            "--fetch-metadata",
            action="store_true",
            help="Then fill the new references' missing titles, authors and dates from arXiv, Crossref "
            "or their pages (see fill_metadata).",
        )

    def handle(self, *args, files, format=None, reader=None, dry_run=False, fetch_metadata=False, **options):
        user = self._reader(reader)
        newest = Reference.objects.aggregate(newest=Max("pk"))["newest"] or 0
        progress = progress_bar(self, "line")
        try:
            sources = [self._source(name, format) for name in files]
            report = LibraryImporter(reader=user, dry_run=dry_run, progress=progress).run(sources)
        except ImportFormatError as error:
            raise CommandError(f"{error}\nNothing was imported.") from None
        finally:
            end_progress(self, progress)
        for note in report.notes:
            self.stdout.write(note)
        for conflict in report.conflicts:
            self.stdout.write(self.style.WARNING(str(conflict)))
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if fetch_metadata and not dry_run:
            run_fill(self, needing().filter(pk__gt=newest), pause=settings.IDL_METADATA_PAUSE)

    def _reader(self, username):
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--reader: there is no user “{username}”. Nothing was imported.") from None

    def _source(self, name, format):
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise ImportFormatError(name, 0, f"cannot read the file ({error.strerror})") from None
        return Source.from_bytes(data, name, format)
