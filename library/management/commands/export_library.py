from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from library.exporter import export_log, export_papers
from library.models import LogEntry


class Command(BaseCommand):
    help = "Write the library as the team's papers README or reading log, in UTF-8."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("papers", "log"), required=True)
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here instead of standard output.")
        parser.add_argument("--reader", metavar="USERNAME", help="Only this member's log entries.")

    def handle(self, *args, format, output=None, reader=None, **options):
        if format == "log":
            entries = LogEntry.objects.all()
            if reader:
                if not get_user_model().objects.filter(username=reader).exists():
                    raise CommandError(f"--reader: there is no user “{reader}”.")
                entries = entries.filter(reader__username=reader)
            text = export_log(entries)
        else:
            text = export_papers()
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
