from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wiki import pagecache

        from . import models, outbox, rules  # noqa: F401 (outbox: sends after each response)

        rules.connect()
        # The inbox, the header's count and the watch buttons are never in a cached page body.
        pagecache.ignore(
            models.Notification,
            models.Mention,
            models.Watch,
            models.OutgoingMail,
            models.Preferences,
            models.DigestMark,
        )
