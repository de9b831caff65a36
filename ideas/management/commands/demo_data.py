from django.core.management.base import BaseCommand, CommandError

from ideas.demo import build_ideas_demo
from library.demo import DEMO_PASSWORD, build_library_demo


class Command(BaseCommand):
    help = "Load a small demo team, library, reading log and ideas. Running it again adds nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            help="Build a synthetic data set of N references (for benchmarks).",
        )

    def handle(self, *args, scale=None, **options):
        if scale is not None:
            if scale < 1:
                raise CommandError("--scale needs a positive number of references.")
            # Benchmark data, not product code: it lives beside the benchmarks that use it.
            from benchmarks.scale import build_scale_data

            build_scale_data(scale, self.stdout)
            return
        users, references, entries = build_library_demo()
        ideas = build_ideas_demo(users)
        self.stdout.write(
            f"Demo data: {references} references, {entries} log entries and {ideas} ideas added."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: alice / {DEMO_PASSWORD} (curator); bob, carol, dan use the same password."
            )
        )
