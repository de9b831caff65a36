from django.apps import AppConfig


class LibraryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "library"

    def ready(self):
        from . import tags, tracked  # noqa: F401  tracked registers references and log entries with the core

        tags.connect()  # every new tag gets a slug its page can be reached by
