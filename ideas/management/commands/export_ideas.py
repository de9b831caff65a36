from pathlib import Path

from django.core.management.base import BaseCommand

from ideas.exporter import export_ideas


class Command(BaseCommand):
    help = "Write every idea as the team's ideas file (areas, numbered ideas, links), in UTF-8."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here instead of standard output.")

    def handle(self, *args, output=None, **options):
        text = export_ideas()
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
