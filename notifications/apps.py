from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wiki import pagecache

        from . import models, outbox, rules  # noqa: F401 (outbox: sends after each response)

        rules.connect()
        # The inbox and the header's count are never in a cached page body. A watch is: its
        # button is part of a member's cached idea and reference pages, so it retires them.
        pagecache.ignore(
            models.Notification,
            models.Mention,
            models.OutgoingMail,
            models.Preferences,
            models.DigestMark,
        )
