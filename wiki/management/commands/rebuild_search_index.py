import time

from django.core.management.base import BaseCommand

from wiki.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every reference, log entry, idea and comment."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = rebuild_index(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {sum(counts.values())} documents in {time.perf_counter() - started:.1f} s."
            )
        )
