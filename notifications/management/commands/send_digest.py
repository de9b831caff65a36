from django.core.management.base import BaseCommand

from notifications.digest import send_digests
from notifications.models import Period
from notifications.outbox import send_pending


class Command(BaseCommand):
    help = (
        "Mail each member's daily or weekly digest (for cron). Safe to run twice: a member whose "
        "digest of this period went out recently gets nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=Period.values, required=True)

    def handle(self, *args, period, **options):
        queued = send_digests(period, send=False)
        sent, failed = send_pending()
        self.stdout.write(
            f"{queued} {period} digest(s) queued; sent {sent} mail(s), {failed} to retry (manage.py send_outbox)."
        )
