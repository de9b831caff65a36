from django.core.management.base import BaseCommand

from notifications.outbox import send_pending


class Command(BaseCommand):
    help = "Send the mail waiting in the outbox (and retry what the mail server refused). For cron."

    def handle(self, *args, **options):
        sent, failed = send_pending()
        self.stdout.write(f"Sent {sent} mail(s); {failed} failed and will be tried again later.")
