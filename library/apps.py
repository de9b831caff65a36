from django.apps import AppConfig


class LibraryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "library"

    def ready(self):
        from . import activity, bibtex, search  # noqa: F401  they keep their caches and index in step
