from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from library.management.progress import end_progress, progress_bar
from library.metadata.fill import fill_references, needing


class Command(BaseCommand):
    help = (
        "Fill references' missing titles, authors, dates, venues and summaries from arXiv, Crossref "
        "or the linked page. Only empty fields are filled (a placeholder title is replaced); where "
        "a source differs from what a member entered, the difference is listed, not applied."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be filled; save nothing."
        )
        parser.add_argument("--limit", type=int, metavar="N", help="Look up at most N references.")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Look up every reference with a link, not only those missing a title, authors or date.",
        )
        parser.add_argument(
            "--pause",
            type=float,
            metavar="SECONDS",
            help=f"Wait between lookups (default IDL_METADATA_PAUSE, {settings.IDL_METADATA_PAUSE:g}).",
        )

    def handle(self, *args, dry_run=False, limit=None, all=False, pause=None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        references = needing(all=all)
        if limit:
            references = references[:limit]
        pause = settings.IDL_METADATA_PAUSE if pause is None else max(pause, 0)
        run_fill(self, references, dry_run=dry_run, pause=pause)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")


def run_fill(command, references, *, user=None, dry_run=False, pause=0.0):
    """Fill references and print the report on command's stdout (shared with the importers)."""
    progress = progress_bar(command, "reference")
    try:
        report = fill_references(references, user=user, dry_run=dry_run, pause=pause, progress=progress)
    finally:
        end_progress(command, progress)
    for line in report.lines:
        command.stdout.write(line)
    if report.differences:
        command.stdout.write(command.style.WARNING("Kept as entered (the source says otherwise):"))
        for line in report.differences:
            command.stdout.write(command.style.WARNING(f"  {line}"))
    command.stdout.write(command.style.SUCCESS(f"Metadata: {report.summary()}"))
    return report
