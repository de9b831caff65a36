from django.contrib import admin

from .models import DigestMark, Notification, OutgoingMail, Preferences, Watch


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["user", "idea", "reference", "created"]
    list_select_related = ["user", "idea", "reference"]
    raw_id_fields = ["user", "idea", "reference"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["text", "recipient", "kind", "created", "read_at"]
    list_filter = ["kind", "created"]
    list_select_related = ["recipient"]
    search_fields = ["text", "recipient__username"]
    raw_id_fields = ["recipient", "actor", "idea", "reference", "comment", "log_entry"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, and why a mail failed."""

    list_display = ["subject", "recipient", "created", "sent_at", "attempts", "last_error"]
    list_filter = ["sent_at", "created"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username", "key"]
    raw_id_fields = ["recipient", "notification"]


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "mention", "comment", "reading", "status", "team"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(DigestMark)
class DigestMarkAdmin(admin.ModelAdmin):
    list_display = ["user", "period", "sent_until"]
    list_select_related = ["user"]
